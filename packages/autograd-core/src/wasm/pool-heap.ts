/**
 * The wasm backend's max pooling: each window's maximum and the flat index of its first
 * maximum computed in wasm (blocks of images shared with the helper threads for a large
 * batch). Operands already in wasm memory (a training step's scratch tensors) are read and
 * written where they are; others are copied in and out. Other dtypes use the TypeScript kernel.
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
    // The indices are int32: placed (and copied back) here unless they live in wasm memory.
    const argmaxAt = heap.addressOf(argmax);
    const geometryFloats = blocks > 1 ? blocks * GEOMETRY_FLOATS : 0;
    const call =
      x instanceof Float32Array && out instanceof Float32Array
        ? heap.stage([x], [out], [argmaxAt === null ? argmax.length : 0, geometryFloats])
        : null;
    if (!call) {
      tsKernels.maxPool2d(x, g, out, argmax);
      return;
    }
    const [xPtr, outPtr, argmaxScratch, geometryPtr] = call.pointers;
    const argmaxPtr = argmaxAt ?? argmaxScratch;
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
    call.finish();
    if (argmaxAt === null) argmax.set(new Int32Array(heap.f32.buffer, argmaxPtr, argmax.length));
  };
}
