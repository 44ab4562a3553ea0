/**
 * The wasm backend's deferred weight gradients (kernels/deferred.ts states the contract):
 * xᵀ·g, when all three arrays live in the kernels' memory and the product is worth a
 * thread, is posted as one deferred job (threads.ts `later`): blocks run in order by one
 * thread that give the bits of the backend's shared gemm (a deep product's depth parts, each
 * adding its result to C), so the gradient is the same as when computed at once. A helper
 * takes the job when it is free, while the calling thread goes on with the input
 * gradients, attention and normalisation passes it used to run alone; the jobs no helper
 * has started the calling thread runs in `settleDeferred`.
 */
import type { Kernels } from '../backend';
import type { TypedArray } from '../dtype';
import type { WasmHeap } from './heap';
import type { Block, KernelThreads } from './threads';
import { SPARSE_MIN_COLUMNS, SPARSE_MIN_MACS, looksSparse } from './sparse-product';

export type WasmDeferredKernels = Pick<Kernels, 'deferWeightGradient' | 'settleDeferred' | 'isDeferred'>;

/**
 * `worthSharing(m, n, k)`: whether an m×n product of depth k is large enough for a helper;
 * `productJob(m, n, k, a, b, c)`: the blocks computing C = Aᵀ·B (byte addresses) exactly as
 * the backend's gemm computes it, or null when there is no memory for them.
 */
export function createWasmDeferred(
  heap: WasmHeap,
  threads: KernelThreads,
  worthSharing: (m: number, n: number, k: number) => boolean,
  productJob: (m: number, n: number, k: number, a: number, b: number, c: number) => Block[] | null,
): WasmDeferredKernels {
  /** Outputs of deferred products not settled yet. */
  const pending = new Set<TypedArray>();
  return {
    deferWeightGradient: (m, n, k, x, g, out) => {
      if (
        threads.helpers === 0 ||
        !(x instanceof Float32Array && g instanceof Float32Array && out instanceof Float32Array) ||
        x.length !== m * k ||
        g.length !== m * n ||
        out.length !== k * n ||
        !worthSharing(k, n, m)
      ) {
        return false;
      }
      // A mostly-zero x (pixels, one-hot rows) goes to the sparse kernels instead.
      if (n >= SPARSE_MIN_COLUMNS && m * n * k >= SPARSE_MIN_MACS && looksSparse(x, 0, m * k)) return false;
      const [xAt, gAt, outAt] = [heap.addressOf(x), heap.addressOf(g), heap.addressOf(out)];
      if (xAt === null || gAt === null || outAt === null) return false;
      const job = productJob(k, n, m, xAt, gAt, outAt);
      if (job === null) return false;
      threads.later(job);
      pending.add(out);
      return true;
    },
    settleDeferred: () => {
      try {
        threads.settle();
      } finally {
        pending.clear();
      }
    },
    isDeferred: (a) => pending.size > 0 && pending.has(a),
  };
}
