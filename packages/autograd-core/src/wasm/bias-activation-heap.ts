/**
 * A convolution layer's bias and activation passes on data in wasm memory
 * (assembly/bias-activation.ts), cut into blocks of whole images that the helper
 * threads share when the batch is large: the forward epilogue act(z + bias), and the
 * backward prologue that gates the upstream gradient (dy, or a max pool's gradient
 * scattered back) into dz with the bias gradient summed from per-block partial sums.
 */
import type { BiasActivationKernel } from '../kernels/elementwise';
import { alignUp } from './heap';
import type { WasmHeap } from './heap';
import { imageBlockCount, imageRanges } from './image-blocks';
import type { LoadedKernels } from './runtime';
import type { Block, KernelThreads } from './threads';

/** The activation codes of assembly/bias-activation.ts. */
export const ACTIVATION_CODES: Record<BiasActivationKernel, number> = {
  linear: 0,
  relu: 1,
  sigmoid: 2,
  tanh: 3,
};

/** Outputs of fewer floats stay one block: sharing costs more than it saves. */
const THREADED_MIN_FLOATS = 1 << 16;

const blockCount = (threads: KernelThreads, batch: number, size: number) =>
  imageBlockCount(threads, batch, size >= THREADED_MIN_FLOATS);

/** out = act(out + bias) in place over `batch` images of `size` floats in all, F channels per row. */
export function biasActivateInHeap(
  kernels: LoadedKernels,
  threads: KernelThreads,
  out: number,
  batch: number,
  size: number,
  F: number,
  bias: number,
  act: number,
): void {
  const perImage = size / batch;
  const list = imageRanges(batch, blockCount(threads, batch, size)).map(([start, end]): Block => ({
    kernel: 'biasActivate',
    args: [out + start * perImage * 4, ((end - start) * perImage) / F, F, bias, act],
  }));
  threads.parallel(list, size / 1e9, false);
}

/** Floats of scratch `gateInHeap` needs for a dz of `size` floats (the bias gradient's partial sums). */
export function gateScratchFloats(threads: KernelThreads, batch: number, size: number, F: number): number {
  return (blockCount(threads, batch, size) - 1) * (alignUp(F * 4) / 4);
}

/**
 * Byte addresses of a gate's upstream in wasm memory: the layer's output y (dz then holds
 * dy), or a max pool's gradient, pooled values and indices (`count` of each).
 */
export type UpstreamInHeap =
  { y: number } | { pooledGrad: number; pooled: number; argmax: number; count: number };

/**
 * Gates the upstream gradient into dz = g·act'(y) (`size` floats over `batch` images, in
 * place when dz holds dy; scattered from the pooled gradient otherwise), with the bias
 * gradient into `dBias` when it is not 0.
 */
export function gateInHeap(
  kernels: LoadedKernels,
  heap: WasmHeap,
  threads: KernelThreads,
  upstream: UpstreamInHeap,
  act: number,
  F: number,
  batch: number,
  size: number,
  dz: number,
  dBias: number,
  scratch: number,
): void {
  const blocks = blockCount(threads, batch, size);
  const partialBytes = alignUp(F * 4);
  const dbOf = (b: number) => (dBias === 0 ? 0 : b === 0 ? dBias : scratch + (b - 1) * partialBytes);
  const perImage = size / batch;
  let list: Block[];
  if ('y' in upstream) {
    const { y } = upstream;
    list = imageRanges(batch, blocks).map(([start, end], b): Block => {
      const offset = start * perImage * 4;
      return {
        kernel: 'activationGradBiasSum',
        args: [dz + offset, y + offset, ((end - start) * perImage) / F, F, act, dbOf(b)],
      };
    });
  } else {
    const { pooledGrad: gp, pooled: p, argmax: argmaxPtr, count: pooledCount } = upstream;
    // Pooled values of image n point into image n's outputs only.
    const pooledPerImage = pooledCount / batch;
    list = imageRanges(batch, blocks).map(([start, end], b): Block => {
      const first = start * pooledPerImage * 4;
      const count = (end - start) * pooledPerImage;
      const zFirst = start * perImage;
      const zCount = (end - start) * perImage;
      return {
        kernel: 'poolGradScatter',
        args: [
          gp + first,
          p + first,
          argmaxPtr + first,
          count,
          F,
          act,
          dz + zFirst * 4,
          zCount,
          dbOf(b),
          zFirst,
        ],
      };
    });
  }
  threads.parallel(list, size / 1e9, false);
  if (dBias !== 0) {
    const f32 = heap.f32;
    for (let b = 1; b < blocks; b++) {
      const from = dbOf(b) >> 2;
      for (let c = 0; c < F; c++) f32[(dBias >> 2) + c] += f32[from + c];
    }
  }
}
