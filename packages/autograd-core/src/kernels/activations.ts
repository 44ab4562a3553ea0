/**
 * Kernels of the Keras activations beyond the basic elementwise set (selu, silu, relu6,
 * softsign, mish, hardSigmoid): one tight loop each, selected outside the loop.
 */
import type { TypedArray } from '../dtype';

export type ActivationKernel = 'selu' | 'silu' | 'relu6' | 'softsign' | 'mish' | 'hardSigmoid';

/** SELU's constants (Klambauer et al. 2017), as Keras and TensorFlow.js. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * out[i] = f(a[i]). `slope` and `offset` parameterise hardSigmoid: clip(slope·x + offset, 0, 1)
 * (TensorFlow.js and Keras 2 use 0.2 and 0.5, Keras 3 uses 1/6 and 0.5).
 */
export function activationKernel(
  op: ActivationKernel,
  a: TypedArray,
  out: TypedArray,
  slope = 0.2,
  offset = 0.5,
): void {
  const n = out.length;
  let i = 0;
  switch (op) {
    case 'selu':
      for (; i < n; i++) {
        const x = a[i];
        out[i] = x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x);
      }
      return;
    case 'silu':
      // x·σ(x), with σ split by sign so exp never overflows.
      for (; i < n; i++) {
        const x = a[i];
        if (x >= 0) out[i] = x / (1 + Math.exp(-x));
        else {
          const e = Math.exp(x);
          out[i] = (x * e) / (1 + e);
        }
      }
      return;
    case 'relu6':
      for (; i < n; i++) {
        const x = a[i];
        out[i] = x > 0 ? (x < 6 ? x : 6) : x !== x ? x : 0;
      }
      return;
    case 'softsign':
      for (; i < n; i++) out[i] = a[i] / (1 + Math.abs(a[i]));
      return;
    case 'mish':
      for (; i < n; i++) out[i] = a[i] * Math.tanh(softplus(a[i]));
      return;
    case 'hardSigmoid':
      for (; i < n; i++) {
        const y = slope * a[i] + offset;
        out[i] = y > 0 ? (y < 1 ? y : 1) : y !== y ? y : 0;
      }
      return;
  }
}
