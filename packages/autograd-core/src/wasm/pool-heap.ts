/**
 * The wasm backend's max pooling: x copied in, each window's maximum and the flat index
 * of its first maximum computed in wasm (blocks of images shared with the helper threads
 * for a large batch), both copied out. Other dtypes use the TypeScript kernel.
 */
import type { TypedArray } from '../dtype';
import type { WindowGeometry } from '../kernels/conv';
import { tsKernels } from '../kernels';
import type { WasmHeap } from './heap';
import { GEOMETRY_FLOATS, blockGeometries, imageBlockCount, imageRanges } from './image-blocks';
import type { LoadedKernels } from './runtime';
import type { KernelThreads } from './threads';

/** Inputs of fewer floats are pooled in one block: sharing costs more than it saves. */
const THREADED_MIN_FLOATS = 1 << 16;

export function wasmMaxPool(kernels: LoadedKernels, heap: WasmHeap, threads: KernelThreads) {
  return (x: TypedArray, g: WindowGeometry, out: TypedArray, argmax: Int32Array): void => {
    const blocks = imageBlockCount(threads, g.batch, x.length >= THREADED_MIN_FLOATS);
    const pointers =
      x instanceof Float32Array && out instanceof Float32Array
        ? heap.place([x.length, out.length, out.length, blocks > 1 ? blocks * GEOMETRY_FLOATS : 0])
        : null;
    if (!pointers) {
      tsKernels.maxPool2d(x, g, out, argmax);
      return;
    }
    const [xPtr, outPtr, argmaxPtr, geometryPtr] = pointers;
    heap.f32.set(x, xPtr >> 2);
    if (blocks === 1) {
      kernels.exports.maxPool(xPtr, heap.writeGeometry(g), outPtr, argmaxPtr, 0);
    } else {
      const inImage = g.inH * g.inW * g.channels;
      const outImage = g.outH * g.outW * g.channels;
      const ranges = imageRanges(g.batch, blocks);
      const geometries = blockGeometries(heap, g, ranges, geometryPtr);
      const list = ranges.map(([start], b) => ({
        kernel: 'maxPool' as const,
        args: [
          xPtr + start * inImage * 4,
          geometries[b],
          outPtr + start * outImage * 4,
          argmaxPtr + start * outImage * 4,
          start * inImage,
        ],
      }));
      threads.parallel(list, x.length / 1e9, false);
    }
    const memory = heap.f32;
    out.set(memory.subarray(outPtr >> 2, (outPtr >> 2) + out.length));
    argmax.set(new Int32Array(memory.buffer, argmaxPtr, argmax.length));
  };
}
