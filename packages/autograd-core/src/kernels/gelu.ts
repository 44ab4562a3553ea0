/** GELU and its derivative in one pass each (the fused form of x/2·erfc(−x/√2), which keeps the tail). */
import type { TypedArray } from '../dtype';
import { erf32, gelu, gelu32, normalCdf } from './erf';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** out = gelu(x) = x·Φ(x) (`derivative` false), or gelu′(x) = Φ(x) + x·φ(x) (true). */
export function geluKernel(x: TypedArray, out: TypedArray, derivative: boolean): void {
  const n = x.length;
  if (!derivative) {
    if (out instanceof Float32Array) for (let i = 0; i < n; i++) out[i] = gelu32(x[i]);
    else for (let i = 0; i < n; i++) out[i] = gelu(x[i]);
    return;
  }
  if (out instanceof Float32Array) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      out[i] = 0.5 * (1 + erf32(v * Math.SQRT1_2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i];
    out[i] = normalCdf(v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
  }
}
