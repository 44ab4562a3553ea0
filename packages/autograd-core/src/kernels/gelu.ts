/** GELU and its derivative in one pass each (the fused form of x/2·(1 + erf(x/√2))). */
import type { TypedArray } from '../dtype';
import { erf } from './elementwise';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** out = gelu(x) = x·Φ(x) (`derivative` false), or gelu′(x) = Φ(x) + x·φ(x) (true). */
export function geluKernel(x: TypedArray, out: TypedArray, derivative: boolean): void {
  const n = x.length;
  if (!derivative) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      out[i] = 0.5 * v * (1 + erf(v * Math.SQRT1_2));
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i];
    out[i] = 0.5 * (1 + erf(v * Math.SQRT1_2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
  }
}
