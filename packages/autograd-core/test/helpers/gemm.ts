/**
 * Shared checks for matrix-multiply kernels: random operands embedded at offsets in
 * larger arrays, a float64 oracle (`gemmReference` on float64 copies), and the
 * float32 error bound |Δc| ≤ tol·Σₚ|a·b| that any summation order satisfies.
 */
import type { TypedArray } from '@zen/autograd-core';
import { makeGenerator } from '@zen/autograd-core';
import { type GemmKernel, gemmReference } from '../../src/kernels/matmul';

export type Gemm = GemmKernel;

export type ArrayType = 'float32' | 'float64' | 'int32';

function make(type: ArrayType, size: number, next: () => number): TypedArray {
  const data =
    type === 'float32'
      ? new Float32Array(size)
      : type === 'float64'
        ? new Float64Array(size)
        : new Int32Array(size);
  for (let i = 0; i < size; i++) data[i] = type === 'int32' ? Math.floor(next() * 7) - 3 : 2 * next() - 1;
  return data;
}

export interface GemmCase {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  /** Elements before each operand in its array (and after: the same count of guard values). */
  offset?: number;
  type?: ArrayType;
  seed?: string;
  /** Fraction of op(A)'s values set to zero (at random places), as in images on a blank background. */
  zeroFraction?: number;
}

/**
 * Runs `gemm` on one case and checks C against the float64 reference within
 * `tol`·Σ|a·b| per element, and that nothing outside C's block was written.
 */
export function checkGemm(gemm: Gemm, spec: GemmCase, tol: number): void {
  const { transA, transB, m, n, k, offset = 0, type = 'float32', seed = 'gemm', zeroFraction = 0 } = spec;
  const next = makeGenerator(`${seed} ${m} ${n} ${k} ${transA} ${transB} ${offset} ${type}`);
  const a = make(type, m * k + 2 * offset, next);
  for (let i = offset; i < offset + m * k; i++) if (next() < zeroFraction) a[i] = 0;
  const b = make(type, k * n + 2 * offset, next);
  const c = make(type, m * n + 2 * offset, next); // stale values must be overwritten
  const guard = Array.from(c);
  gemm(transA, transB, m, n, k, a, offset, b, offset, c, offset);

  const a64 = Float64Array.from(a.subarray(offset, offset + m * k));
  const b64 = Float64Array.from(b.subarray(offset, offset + k * n));
  const expected = new Float64Array(m * n);
  gemmReference(transA, transB, m, n, k, a64, 0, b64, 0, expected, 0);
  const bound = new Float64Array(m * n);
  gemmReference(transA, transB, m, n, k, a64.map(Math.abs), 0, b64.map(Math.abs), 0, bound, 0);

  const where = `gemm(transA=${transA}, transB=${transB}, m=${m}, n=${n}, k=${k}, offset=${offset}, ${type}, zeros ${zeroFraction})`;
  for (let i = 0; i < m * n; i++) {
    const got = c[offset + i];
    const want = type === 'int32' ? expected[i] : expected[i];
    if (!(Math.abs(got - want) <= tol * bound[i] + 1e-30)) {
      throw new Error(`${where}: C[${Math.floor(i / n)}, ${i % n}] = ${got}, expected ${want}`);
    }
  }
  for (let i = 0; i < offset; i++) {
    if (c[i] !== guard[i] || c[offset + m * n + i] !== guard[offset + m * n + i]) {
      throw new Error(`${where}: wrote outside C (guard element ${i})`);
    }
  }
}

/** Sizes that exercise edges: 1, odd, around the register tiles (4, 6, 8) and past them. */
export const EDGE_SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 17];

/** Every transpose combination. */
export const TRANSPOSES: readonly [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];
