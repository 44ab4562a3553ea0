/**
 * Test helpers: plain-JavaScript reference computations (independent of the library's
 * ops), tolerance comparisons, and gradient checks of a layer's parameters.
 */
import { type NestedArray, Tensor, gradcheck, type GradcheckReport } from '@zen/autograd-core';
import { type Layer } from '@zen/nn';

export type Matrix = number[][];

/** Asserts two nested arrays (or numbers) agree elementwise within `tol` (absolute + relative). */
export function expectClose(actual: NestedArray, expected: NestedArray, tol = 1e-5, path = ''): void {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') throw new Error(`at ${path || 'root'}: expected a number, got an array`);
    const ok = Math.abs(actual - expected) <= tol * (1 + Math.abs(expected));
    if (!ok) throw new Error(`at ${path || 'root'}: ${actual} is not within ${tol} of ${expected}`);
    return;
  }
  if (!Array.isArray(actual) || actual.length !== expected.length) {
    throw new Error(
      `at ${path || 'root'}: length ${Array.isArray(actual) ? actual.length : 'number'} vs ${expected.length}`,
    );
  }
  expected.forEach((e, i) => expectClose(actual[i], e, tol, `${path}[${i}]`));
}

export function matmulRef(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

export const sigmoidRef = (v: number): number => 1 / (1 + Math.exp(-v));

export function softmaxRef(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Maps every number of a nested array. */
export function mapNested(a: NestedArray, f: (v: number) => number): NestedArray {
  return typeof a === 'number' ? f(a) : a.map((v) => mapNested(v, f));
}

/** Deterministic pseudo-random values in [-1, 1) for test inputs (independent of the library's generator). */
export function testValues(n: number, seed = 1): number[] {
  let s = seed * 2654435761;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push((s / 2147483648) * 2 - 1);
  }
  return out;
}

/**
 * Gradient check (float64 finite differences) of a layer's output with respect to its
 * input and every trainable weight. The layer must be float64 and already built.
 */
export function gradcheckLayer(
  layer: Layer,
  x: Tensor,
  options: { training?: boolean; checkInput?: boolean; atol?: number; rtol?: number } = {},
): GradcheckReport {
  const weights = layer.trainableWeights;
  const originals = weights.map((w) => w.value);
  const checkInput = options.checkInput ?? true;
  const input = checkInput ? new Tensor(x.data, x.shape, true) : x;
  const params = originals.map((v) => new Tensor(v.data, v.shape, true));
  try {
    return gradcheck(
      (xi: Tensor, ...ws: Tensor[]) => {
        weights.forEach((w, i) => (w.value = ws[i]));
        return layer.apply(xi, { training: options.training ?? false });
      },
      [input, ...params],
      { atol: options.atol ?? 1e-6, rtol: options.rtol ?? 1e-4 },
    );
  } finally {
    weights.forEach((w, i) => (w.value = originals[i]));
  }
}
