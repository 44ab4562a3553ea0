/**
 * When the wasm gemm takes its sparse-operand path (assembly/sparse-gemm.ts): products
 * whose left operand is mostly zero (digits on a blank background, one-hot rows), where
 * multiplying only the nonzero terms beats the dense kernel that multiplies them all.
 */
import type { TypedArray } from '../dtype';

/** Smaller products stay dense: listing the terms costs a pass over op(A). */
export const SPARSE_MIN_MACS = 1 << 18;
/** Narrower products stay dense: the sparse kernel works 32 columns of C at a time. */
export const SPARSE_MIN_COLUMNS = 32;
/** Values of op(A) sampled to guess its density before listing its terms. */
const SAMPLES = 64;
/**
 * Largest sampled fraction of nonzero values that takes the sparse path. Measured on
 * 64×784 digit batches against 784×128 weights, the sparse path took 0.55–0.6 of the
 * dense kernel's time at density 0.2.
 */
const MAX_SAMPLED_DENSITY = 0.3;
/** The golden ratio's fractional part: spreads samples without aliasing image rows. */
const SPREAD = 0.6180339887498949;

/**
 * Whether the `size` values of `a` from `offset` look mostly zero, from SAMPLES of them
 * at well-spread positions. Only a guess: the kernel counts exactly and refuses operands
 * denser than half.
 */
export function looksSparse(a: TypedArray, offset: number, size: number): boolean {
  let nonzero = 0;
  let position = 0.5;
  for (let s = 0; s < SAMPLES; s++) {
    if (a[offset + Math.floor(position * size)] !== 0) nonzero++;
    position += SPREAD;
    if (position >= 1) position -= 1;
  }
  return nonzero <= MAX_SAMPLED_DENSITY * SAMPLES;
}
