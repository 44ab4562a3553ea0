/**
 * Reductions along one axis. A tensor is viewed as [outer, n, inner] around the
 * reduced axis; the result is [outer, inner]. Several axes are reduced one at a time.
 */
import type { TypedArray } from '../dtype';

export type ReduceKernel = 'sum' | 'max' | 'min' | 'argmax' | 'argmin';

export function reduceAxisKernel(
  op: ReduceKernel,
  src: TypedArray,
  outer: number,
  n: number,
  inner: number,
  out: TypedArray,
): void {
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const outBase = o * inner;
    switch (op) {
      case 'sum':
        for (let j = 0; j < inner; j++) out[outBase + j] = 0;
        for (let k = 0; k < n; k++) {
          const row = base + k * inner;
          for (let j = 0; j < inner; j++) out[outBase + j] += src[row + j];
        }
        break;
      case 'max':
      case 'min': {
        const sign = op === 'max' ? 1 : -1;
        for (let j = 0; j < inner; j++) out[outBase + j] = src[base + j];
        for (let k = 1; k < n; k++) {
          const row = base + k * inner;
          for (let j = 0; j < inner; j++) {
            const v = src[row + j];
            // NaN propagates, as in numpy.
            if (sign * (v - out[outBase + j]) > 0 || v !== v) out[outBase + j] = v;
          }
        }
        break;
      }
      case 'argmax':
      case 'argmin': {
        const sign = op === 'argmax' ? 1 : -1;
        for (let j = 0; j < inner; j++) {
          let best = 0;
          let bestValue = src[base + j];
          for (let k = 1; k < n; k++) {
            const v = src[base + k * inner + j];
            if (sign * (v - bestValue) > 0) {
              best = k;
              bestValue = v;
            }
          }
          out[outBase + j] = best;
        }
        break;
      }
    }
  }
}

/** Σ d[i]² in double precision (the norm a gradient is clipped by is its square root). */
export function sumOfSquaresKernel(d: TypedArray): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  return s;
}
