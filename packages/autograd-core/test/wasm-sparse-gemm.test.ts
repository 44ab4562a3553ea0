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

describe('one listing for x·W and the gradient xᵀ·G (products sharing a token)', () => {
  let backend: WasmBackend;
  beforeAll(() => {
    backend = backendOrThrow();
  });

  /** An array of the backend's scratch arena (where a training step's tensors live). */
  function inArena(length: number, fill: (i: number) => number): Float32Array {
    const array = backend.scratchArena()!.allocate(length, false)!;
    for (let i = 0; i < length; i++) array[i] = fill(i);
    return array;
  }

  /** A digit-like x: mostly zero, the rest in (0, 1]. */
  const sparseValue = (i: number) => ((i * 7919) % 10 < 8 ? 0 : ((i * 104729) % 1000) / 1000 + 0.001);
  const wave = (i: number) => Math.sin(i * 0.37) + 0.1;

  /** op(A)·B in float64, A rows × cols. */
  function reference(
    transA: boolean,
    rows: number,
    cols: number,
    n: number,
    a: Float32Array,
    b: Float32Array,
  ) {
    const [m, k] = transA ? [cols, rows] : [rows, cols];
    const c = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let p = 0; p < k; p++) {
        const x = transA ? a[p * cols + i] : a[i * cols + p];
        for (let j = 0; j < n; j++) c[i * n + j] += x * b[p * n + j];
      }
    return c;
  }

  function expectClose(got: Float32Array, want: Float64Array): void {
    for (let i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= TOL * (1 + Math.abs(want[i]))))
        throw new Error(`element ${i}: ${got[i]}, reference ${want[i]}`);
    }
  }

  afterEach(() => backend.scratchArena()!.reset());

  /** A layer's arrays in the arena: x [m, k] (mostly zero), W [k, n], G [m, n], and C and dW to be written. */
  function layer(m: number, n: number, k: number) {
    return {
      x: inArena(m * k, sparseValue),
      w: inArena(k * n, wave),
      g: inArena(m * n, (i) => wave(i + 11)),
      c: inArena(m * n, () => NaN),
      dw: inArena(k * n, () => NaN),
      token: {},
    };
  }

  test.each([32, 45, 128])('x [64, 300] and %i columns: both products match the reference', (n) => {
    const [m, k] = [64, 300];
    const { x, w, g, c, dw, token } = layer(m, n, k);
    backend.gemm(false, false, m, n, k, x, 0, w, 0, c, 0, token);
    expectClose(c, reference(false, m, k, n, x, w));
    backend.gemm(true, false, k, n, m, x, 0, g, 0, dw, 0, token);
    expectClose(dw, reference(true, m, k, n, x, g));
  });

  test('the gradient product reads the listing of the first: x must not change in between', () => {
    const [m, n, k] = [64, 32, 300];
    const { x, w, g, c, dw, token } = layer(m, n, k);
    backend.gemm(false, false, m, n, k, x, 0, w, 0, c, 0, token);
    const before = reference(true, m, k, n, x, g);
    x[x.findIndex((v) => v !== 0)] *= 3; // a change the listing does not see
    backend.gemm(true, false, k, n, m, x, 0, g, 0, dw, 0, token);
    expectClose(dw, before);
  });

  test('another x, another shape or a reset arena is listed again', () => {
    const [m, n, k] = [64, 32, 300];
    const { x, w, g, c, dw, token } = layer(m, n, k);
    const other = inArena(m * k, (i) => sparseValue(i + 5));
    backend.gemm(false, false, m, n, k, x, 0, w, 0, c, 0, token);
    backend.gemm(true, false, k, n, m, other, 0, g, 0, dw, 0, token);
    expectClose(dw, reference(true, m, k, n, other, g));
    // The same x read as [32, 600]: another shape.
    const dw2 = inArena(600 * n, () => 0);
    const g2 = inArena(32 * n, wave);
    backend.gemm(true, false, 600, n, 32, x, 0, g2, 0, dw2, 0, token);
    expectClose(dw2, reference(true, 32, 600, n, x, g2));
    // After a reset the listing's memory may be lent again: a listing from before is not
    // used, even for the same array (given new values here; the arrays are lent before).
    const g3 = inArena(m * n, wave);
    const dw3 = inArena(k * n, () => 0);
    backend.gemm(false, false, m, n, k, x, 0, w, 0, c, 0, token);
    backend.scratchArena()!.reset();
    for (let i = 0; i < x.length; i++) x[i] = sparseValue(i + 3);
    backend.gemm(true, false, k, n, m, x, 0, g3, 0, dw3, 0, token);
    expectClose(dw3, reference(true, m, k, n, x, g3));
  });

  test('an infinity in W or in G gives the dense product NaN', () => {
    const [m, n, k] = [64, 32, 300];
    const { x, w, g, c, dw, token } = layer(m, n, k);
    // Outputs start finite, so that a NaN is the product's.
    c.fill(0);
    dw.fill(0);
    const zeroColumn = Array.from({ length: k }, (_, p) => p).find((p) =>
      Array.from({ length: m }, (_, i) => x[i * k + p]).every((v) => v === 0),
    )!;
    w[zeroColumn * n + 3] = Infinity; // multiplied by zeros only: 0·∞ = NaN in column 3
    backend.gemm(false, false, m, n, k, x, 0, w, 0, c, 0, token);
    expect(Array.from({ length: m }, (_, i) => c[i * n + 3]).every(Number.isNaN)).toBe(true);
    g[7 * n + 5] = -Infinity;
    backend.gemm(true, false, k, n, m, x, 0, g, 0, dw, 0, token);
    // Row 7 of x times −∞: NaN where x is 0, −∞ where it is positive.
    for (let p = 0; p < k; p++) expect([p, dw[p * n + 5]]).toEqual([p, x[7 * k + p] === 0 ? NaN : -Infinity]);
  });
});
