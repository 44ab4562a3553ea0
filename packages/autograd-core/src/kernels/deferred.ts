/**
 * Deferred weight gradients. In a backward pass, a layer's weight gradient xᵀ·g is not read
 * until the pass ends, while the input gradient g·Wᵀ is needed at once by the layer before.
 * A backend with helper threads may start xᵀ·g on a helper that would otherwise wait for
 * the calling thread's next product, and finish it when `settleDeferred` is called (the
 * engine calls it before it reads such a gradient, and when the pass ends). The TypeScript
 * backend defers nothing: the caller computes the product as usual.
 */
import type { TypedArray } from '../dtype';

/**
 * Starts out [k, n] = xᵀ·g for x [m, k] and g [m, n] (row-major) and returns true, or
 * returns false without doing anything (the caller computes it). After true, x and g
 * must not change, nor out be read, until `settleDeferredKernel` has run.
 */
export function deferWeightGradientKernel(
  _m: number,
  _n: number,
  _k: number,
  _x: TypedArray,
  _g: TypedArray,
  _out: TypedArray,
): boolean {
  return false;
}

/** Finishes every deferred product (throws if one failed). */
export function settleDeferredKernel(): void {}

/** Whether `a` is the output of a deferred product not finished yet. */
export function isDeferredKernel(_a: TypedArray): boolean {
  return false;
}
