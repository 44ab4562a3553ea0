/**
 * The wasm gemm's path for a mostly-zero left operand (assembly/sparse-gemm.ts): the
 * listing's decisions (sparse enough, B finite), products against the float64 reference
 * through the backend (both layouts of A, column counts around its 16- and 4-column
 * steps, stale C overwritten), and the dense product's NaN semantics kept.
 */
import { type WasmBackend, createWasmBackend } from '../src/wasm/backend';
import { type LoadedKernels, loadKernels } from '../src/wasm/runtime';
import { looksSparse } from '../src/wasm/sparse-product';
import { checkGemm } from './helpers/gemm';

const TOL = 2e-6;

function backendOrThrow(): WasmBackend {
  const backend = createWasmBackend(0);
  if ('error' in backend) throw new Error(backend.error);
  return backend;
}

describe('sparse products through the wasm gemm', () => {
  let backend: WasmBackend;
  beforeAll(() => {
    backend = backendOrThrow();
  });

  test.each([false, true])('mostly-zero A (transA=%s) matches the reference', (transA) => {
    for (const n of [32, 33, 47, 50, 64, 130]) {
      for (const zeroFraction of [0.8, 0.95, 1]) {
        checkGemm(backend.gemm, { transA, transB: false, m: 70, n, k: 300, offset: 3, zeroFraction }, TOL);
      }
    }
    // Rows of A longer than the listing's 16-wide steps, with a tail; a tall transposed A.
    checkGemm(backend.gemm, { transA, transB: false, m: 64, n: 128, k: 787, zeroFraction: 0.8 }, TOL);
    checkGemm(backend.gemm, { transA, transB: false, m: 789, n: 40, k: 61, zeroFraction: 0.85 }, TOL);
  });

  test('a dense A, a transposed B and narrow products keep the dense kernel and stay right', () => {
    checkGemm(backend.gemm, { transA: false, transB: true, m: 70, n: 64, k: 300, zeroFraction: 0.9 }, TOL);
    checkGemm(backend.gemm, { transA: true, transB: false, m: 70, n: 64, k: 300, zeroFraction: 0.4 }, TOL);
    checkGemm(backend.gemm, { transA: false, transB: false, m: 400, n: 20, k: 300, zeroFraction: 0.9 }, TOL);
  });

  // B's finiteness is scanned 16 columns at a time, then one by one: columns in both parts.
  test.each([
    [32, 4],
    [37, 20],
    [37, 35],
  ])(
    'an infinity in B (%i columns, at column %i) gives NaN where the dense product multiplies it by zero',
    (n, column) => {
      const [m, k] = [64, 200];
      const a = new Float32Array(m * k);
      a[5 * k + 7] = 2; // one nonzero term: row 5, depth 7
      const b = new Float32Array(k * n).fill(1);
      b[3 * n + column] = Infinity; // depth 3 is zero in every row of A: 0·∞ = NaN in that column
      const c = new Float32Array(m * n);
      backend.gemm(false, false, m, n, k, a, 0, b, 0, c, 0);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const want = j === column ? NaN : i === 5 ? 2 : 0;
          expect([i, j, c[i * n + j]]).toEqual([i, j, want]);
        }
      }
    },
  );

  test('NaN in A is a term: its row of C is NaN', () => {
    const [m, n, k] = [64, 32, 200];
    const a = new Float32Array(m * k);
    a[9 * k + 150] = NaN;
    const b = new Float32Array(k * n).fill(0.5);
    const c = new Float32Array(m * n);
    backend.gemm(false, false, m, n, k, a, 0, b, 0, c, 0);
    expect(c.subarray(9 * n, 10 * n).every(Number.isNaN)).toBe(true);
    expect(c.subarray(0, 9 * n).every((v) => v === 0)).toBe(true);
  });
});

describe('the sparse listing', () => {
  let kernels: LoadedKernels;
  let memory: Float32Array;
  const [m, k, n] = [20, 40, 16];
  const [a, b, work] = [1 << 16, 1 << 17, 1 << 18];
  beforeAll(() => {
    const loaded = loadKernels();
    if ('error' in loaded) throw new Error(loaded.error);
    kernels = loaded;
    kernels.memory.grow(16);
    memory = new Float32Array(kernels.memory.buffer);
  });

  /** A with `nonzero` leading values set in each row, B all ones. */
  function fill(nonzero: number): void {
    memory.fill(0, a >> 2, (a >> 2) + m * k);
    for (let i = 0; i < m; i++) for (let p = 0; p < nonzero; p++) memory[(a >> 2) + i * k + p] = 1;
    memory.fill(1, b >> 2, (b >> 2) + k * n);
  }

  // Stored A is m×k (lda k), or k×m (lda m) when transposed; the capacity counts all its nonzeros.
  const list = (transA: number) =>
    kernels.exports.listNonzeroRows(transA, m, k, a, transA ? m : k, b, n, n, work);

  test('lists an operand at most half nonzero, refuses a denser one', () => {
    fill(k / 2);
    expect([list(0), list(1)]).toEqual([1, 1]);
    fill(k / 2 + 1);
    expect([list(0), list(1)]).toEqual([0, 0]);
  });

  test('refuses a B holding NaN or an infinity, in the SIMD part or the tail of a row', () => {
    for (const [at, value] of [
      [0, NaN],
      [n * 7 + 15, -Infinity],
    ]) {
      fill(3);
      memory[(b >> 2) + at] = value;
      expect(list(0)).toBe(0);
    }
    fill(3);
    expect(list(0)).toBe(1);
  });

  test('the backend only guesses sparsity from a sample', () => {
    const dense = new Float32Array(1000).fill(1);
    const sparse = new Float32Array(1000);
    for (let i = 0; i < 1000; i += 10) sparse[i] = 1;
    expect(looksSparse(dense, 0, 1000)).toBe(false);
    expect(looksSparse(sparse, 0, 1000)).toBe(true);
  });
});
