/** Softmax and log-softmax along one axis, viewed as [outer, n, inner]. */
import type { TypedArray } from '../dtype';

/** One row's exponentials in double precision (grown as needed), so each is computed once. */
let exps = new Float64Array(64);

/** dst = softmax (or, with `log`, log-softmax) of src along the middle axis of [outer, n, inner]. */
export function softmaxKernel(
  src: TypedArray,
  outer: number,
  n: number,
  inner: number,
  log: boolean,
  dst: TypedArray,
): void {
  if (exps.length < n) exps = new Float64Array(n);
  const e = exps;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, src[base + k * inner]);
      let total = 0;
      for (let k = 0; k < n; k++) {
        e[k] = Math.exp(src[base + k * inner] - m);
        total += e[k];
      }
      if (log) {
        const lse = m + Math.log(total); // log Σ e^x = m + log Σ e^(x − m)
        for (let k = 0; k < n; k++) dst[base + k * inner] = src[base + k * inner] - lse;
      } else {
        for (let k = 0; k < n; k++) dst[base + k * inner] = e[k] / total;
      }
    }
  }
}
