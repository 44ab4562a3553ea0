/** Assertions on tensors and plain arrays with a clear message naming the first mismatch. */
import type { Tensor } from '@zen/autograd-core';
import { type Arr, fromTensor } from './reference';

/** |actual − expected| ≤ tol·(1 + |expected|) everywhere, same shape, no NaN where a number is expected. */
export function expectClose(actual: Tensor | Arr, expected: Tensor | Arr, tol = 1e-10): void {
  const a = 'dtype' in actual ? fromTensor(actual) : actual;
  const e = 'dtype' in expected ? fromTensor(expected) : expected;
  expect(a.shape).toEqual(e.shape);
  expect(a.data.length).toBe(e.data.length);
  for (let i = 0; i < e.data.length; i++) {
    const ok =
      Object.is(a.data[i], e.data[i]) || Math.abs(a.data[i] - e.data[i]) <= tol * (1 + Math.abs(e.data[i]));
    if (!ok) {
      throw new Error(
        `mismatch at flat index ${i} of shape [${e.shape}]: got ${a.data[i]}, expected ${e.data[i]} (tol ${tol})`,
      );
    }
  }
}

/** Σ a·b over all elements, in float64 JavaScript arithmetic. */
export function dot(a: Tensor, b: Tensor): number {
  expect([...a.shape]).toEqual([...b.shape]);
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i] * b.data[i];
  return s;
}
