/**
 * A dense layer's product and bias in one kernel: C = A·B + bias, A [m, k], B [k, n],
 * bias [n] added to every row of C [m, n] (row-major, offsets 0). The reference is the
 * blocked gemm followed by the bias pass.
 */
import type { TypedArray } from '../dtype';
import { biasActivationKernel } from './elementwise';
import { gemmBlocked } from './matmul';

export function gemmBiasKernel(
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  b: TypedArray,
  bias: TypedArray,
  c: TypedArray,
): void {
  gemmBlocked(false, false, m, n, k, a, 0, b, 0, c, 0);
  biasActivationKernel('linear', c, bias, c);
}
