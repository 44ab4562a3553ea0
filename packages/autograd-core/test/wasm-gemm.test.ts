/**
 * The WebAssembly SIMD gemm against the float64 reference, in both builds (plain SIMD with
 * a 5×8 register tile, relaxed SIMD with fused multiply-adds and a 6×8 tile): every
 * transpose, edge sizes around the tile, blocks past its cache blocking (256 deep, 20 tiles
 * of rows, 1024 columns), operands at offsets, memory growth, and products split between
 * threads (by rows, by columns, and deep ones along their depth).
 */
import {
  type GemmJob,
  type WasmBackend,
  createWasmBackend,
  productBands,
  rowBands,
  splitJob,
} from '../src/wasm/backend';
import { taperShare, taperedRowBands, taperedSizes } from '../src/wasm/tapered-split';
import { MAX_BLOCKS } from '../src/wasm/threads';
import { type KernelChoice, loadKernels } from '../src/wasm/runtime';
import { DEPTH_PARTS, depthParts, splitsDepth } from '../src/wasm/depth-split';
import { makeGenerator } from '@zen/autograd-core';
import { tsKernels } from '../src/kernels';
import { EDGE_SIZES, TRANSPOSES, checkGemm } from './helpers/gemm';

/** Float32 error bound relative to Σ|a·b| (k·ε with room for any summation order). */
const TOL = 2e-6;

function load(helpers: number, choice: KernelChoice = 'best'): WasmBackend {
  const backend = createWasmBackend(helpers, loadKernels(choice));
  if ('error' in backend) throw new Error(backend.error);
  return backend;
}

describe('the kernel builds', () => {
  test('Node 20 runs the relaxed-SIMD build (6-row tiles); the plain build has 5-row tiles', () => {
    const best = loadKernels('best');
    const plain = loadKernels('plain');
    if ('error' in best || 'error' in plain) throw new Error('wasm kernels unavailable');
    expect([best.relaxedSimd, best.exports.gemmTileRows()]).toEqual([true, 6]);
    expect([plain.relaxedSimd, plain.exports.gemmTileRows()]).toEqual([false, 5]);
  });
});

describe.each(['plain', 'best'] as const)('wasm gemm on one thread (%s build)', (choice) => {
  let backend: WasmBackend;
  beforeAll(() => {
    backend = load(0, choice);
  });

  test.each(TRANSPOSES)('edge sizes, transA=%s transB=%s', (transA, transB) => {
    for (const m of EDGE_SIZES)
      for (const n of EDGE_SIZES)
        for (const k of [1, 4, 11]) checkGemm(backend.gemm, { transA, transB, m, n, k, offset: 5 }, TOL);
  });

  test.each(TRANSPOSES)('past the cache blocks, transA=%s transB=%s', (transA, transB) => {
    checkGemm(backend.gemm, { transA, transB, m: 103, n: 1030, k: 257, offset: 1 }, TOL);
    checkGemm(backend.gemm, { transA, transB, m: 127, n: 9, k: 13, offset: 1 }, TOL);
    checkGemm(backend.gemm, { transA, transB, m: 200, n: 17, k: 600 }, TOL);
    checkGemm(backend.gemm, { transA, transB, m: 1, n: 1, k: 1000 }, TOL);
  });

  test('grows its memory for a large product and stays correct for small ones after', () => {
    checkGemm(backend.gemm, { transA: false, transB: false, m: 1100, n: 1200, k: 40 }, TOL);
    checkGemm(backend.gemm, { transA: true, transB: false, m: 3, n: 5, k: 7, offset: 2 }, TOL);
  });

  test('float64 and int32 operands go to the TypeScript kernel', () => {
    checkGemm(backend.gemm, { transA: false, transB: true, m: 9, n: 10, k: 11, type: 'float64' }, 1e-14);
    checkGemm(backend.gemm, { transA: true, transB: false, m: 9, n: 10, k: 11, type: 'int32' }, 0);
  });

  test('an empty inner dimension gives zeros', () => {
    const c = new Float32Array([7, 7, 7, 7]);
    backend.gemm(false, false, 2, 1, 0, new Float32Array(0), 0, new Float32Array(0), 0, c, 1);
    expect(Array.from(c)).toEqual([7, 0, 0, 7]);
  });
});

describe('splitting a product between threads', () => {
  const base: GemmJob = {
    transA: false,
    transB: false,
    m: 0,
    n: 0,
    k: 3,
    a: 1000,
    lda: 0,
    b: 5000,
    ldb: 0,
    c: 9000,
    ldc: 0,
  };

  test.each([
    [50, 100, 2, 5],
    [100, 50, 2, 5],
    [100, 50, 2, 6],
    [13, 13, 3, 5],
    [13, 13, 3, 6],
    [7, 3, 4, 6],
    [1, 1, 2, 5],
  ])('%i×%i into %i parts covers C once, in whole tiles of %i rows', (m, n, parts, tileRows) => {
    for (const [transA, transB] of TRANSPOSES) {
      const job = { ...base, m, n, transA, transB, lda: transA ? m : 3, ldb: transB ? 3 : n, ldc: n };
      const jobs = splitJob(job, parts, tileRows);
      expect(jobs.length).toBeGreaterThanOrEqual(1);
      expect(jobs.length).toBeLessThanOrEqual(parts);
      const covered = new Int32Array(m * n);
      for (const j of jobs) {
        const first = (j.c - job.c) / 4; // C element where the block starts
        const row0 = Math.floor(first / n);
        const col0 = first % n;
        if (n >= m)
          expect([row0, col0 % 8]).toEqual([0, 0]); // column blocks of whole 8-wide tiles
        else expect([row0 % tileRows, col0]).toEqual([0, 0]); // row blocks of whole tiles
        // Each block reads the matching rows of op(A) and columns of op(B).
        expect(j.a).toBe(job.a + 4 * (transA ? row0 : row0 * job.lda));
        expect(j.b).toBe(job.b + 4 * (transB ? col0 * job.ldb : col0));
        for (let i = 0; i < j.m; i++) for (let c = 0; c < j.n; c++) covered[(row0 + i) * n + col0 + c]++;
      }
      expect(Array.from(covered).every((v) => v === 1)).toBe(true);
    }
  });
});

/** Bands [start, end) that cover rows 0..m in order, each ending on a whole tile but the last. */
function expectBands(bands: [number, number][], m: number, tileRows: number): void {
  expect(bands[0][0]).toBe(0);
  expect(bands[bands.length - 1][1]).toBe(m);
  bands.forEach(([start, end], i) => {
    expect(end).toBeGreaterThan(start);
    if (i > 0) expect(start).toBe(bands[i - 1][1]);
    if (end < m) expect(end % tileRows).toBe(0);
  });
}

describe('bands of rows for threads sharing one packing of B', () => {
  test.each([
    [1, 4, 5],
    [6, 4, 5],
    [13, 3, 5],
    [13, 3, 6],
    [100, 8, 5],
    [100, 8, 6],
    [512, 8, 6],
    [1100, 16, 5],
  ])(
    '%i rows into at most %i bands: contiguous, whole tiles of %i rows, covering every row',
    (m, count, tileRows) => {
      const bands = rowBands(m, count, tileRows);
      expect(bands.length).toBeGreaterThanOrEqual(1);
      expect(bands.length).toBeLessThanOrEqual(count);
      expectBands(bands, m, tileRows);
    },
  );
});

describe('wasm gemm with a helper thread', () => {
  let backend: WasmBackend;
  beforeAll(async () => {
    backend = load(1);
    expect(await backend.threads.ready()).toBe(1);
  });
  afterAll(() => backend.threads.stop());

  test.each(TRANSPOSES)(
    'the helper alone computes every block right, transA=%s transB=%s',
    (transA, transB) => {
      // With the calling thread only waiting, every block of C comes from the helper.
      backend.threads.callerComputes = false;
      try {
        const { posted, joined } = backend.threads.stats;
        checkGemm(backend.gemm, { transA, transB, m: 301, n: 70, k: 1600, offset: 3 }, TOL); // row bands
        checkGemm(backend.gemm, { transA, transB, m: 70, n: 301, k: 1600 }, TOL); // column blocks
        checkGemm(backend.gemm, { transA, transB, m: 1100, n: 1030, k: 40 }, TOL); // rows, B in two blocks
        expect(backend.threads.stats.posted - posted).toBe(3);
        expect(backend.threads.stats.joined - joined).toBe(3);
      } finally {
        backend.threads.callerComputes = true;
      }
    },
  );

  // 96×88 of depth 2100: 17.7 M multiply-adds, over the threading threshold, and deep.
  const deepCase = (transA: boolean, transB: boolean) => ({
    transA,
    transB,
    m: 96,
    n: 88,
    k: 2100,
    offset: 2,
  });

  /** C of a deep case from operands fixed by its seed, with the caller computing or only waiting. */
  function deepProduct(transA: boolean, transB: boolean, callerComputes: boolean): Float32Array {
    const { m, n, k } = deepCase(transA, transB);
    const next = makeGenerator(`deep ${transA} ${transB}`);
    const a = Float32Array.from({ length: m * k }, () => 2 * next() - 1);
    const b = Float32Array.from({ length: k * n }, () => 2 * next() - 1);
    const c = new Float32Array(m * n);
    backend.threads.callerComputes = callerComputes;
    try {
      backend.gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0);
    } finally {
      backend.threads.callerComputes = true;
    }
    return c;
  }

  test.each(TRANSPOSES)(
    'a deep product is cut along its depth (transA=%s transB=%s): right with the helper alone, the same bits however its parts are shared',
    (transA, transB) => {
      const { m, n, k } = deepCase(transA, transB);
      expect(splitsDepth(m, n, k)).toBe(true);
      const { joined } = backend.threads.stats;
      backend.threads.callerComputes = false;
      try {
        checkGemm(backend.gemm, deepCase(transA, transB), TOL);
      } finally {
        backend.threads.callerComputes = true;
      }
      expect(backend.threads.stats.joined - joined).toBe(2); // the parts, then their sums
      expect(deepProduct(transA, transB, true)).toEqual(deepProduct(transA, transB, false));
    },
  );

  test('depth parts: consecutive slices of the depth, part 0 into C and the others into their own blocks', () => {
    const job: GemmJob = {
      transA: true,
      transB: false,
      m: 6,
      n: 8,
      k: 1030,
      a: 1000,
      lda: 6,
      b: 90000,
      ldb: 8,
      c: 500000,
      ldc: 8,
    };
    const parts = depthParts(job, 700000);
    expect(parts).toHaveLength(DEPTH_PARTS);
    let depth = 0;
    parts.forEach((part, p) => {
      expect(part.a).toBe(job.a + depth * job.lda * 4); // a transposed A's depth runs along its rows
      expect(part.b).toBe(job.b + depth * job.ldb * 4);
      expect(part.c).toBe(p === 0 ? job.c : 700000 + (p - 1) * 6 * 8 * 4);
      depth += part.k;
    });
    expect(depth).toBe(job.k);
    // Shallower towards the end (tapered-split.ts): the last part waited for is small.
    expect(parts[0].k).toBeGreaterThan(parts[DEPTH_PARTS - 1].k * 10);
    // A plain A's depth runs along its columns, a transposed B's along its columns too.
    const flipped = depthParts({ ...job, transA: false, lda: 1030, transB: true, ldb: 1030 }, 700000);
    depth = 0;
    for (const part of flipped) {
      expect([part.a, part.b]).toEqual([job.a + depth * 4, job.b + depth * 4]);
      depth += part.k;
    }
  });

  test('a shared product plus a bias (the bias in bands of rows the helper may share): the TypeScript kernels', () => {
    const [m, n, k] = [1024, 128, 130];
    const next = makeGenerator('shared gemm bias');
    const a = Float32Array.from({ length: m * k }, () => 2 * next() - 1);
    const b = Float32Array.from({ length: k * n }, () => 2 * next() - 1);
    const bias = Float32Array.from({ length: n }, () => 10 * next() - 5);
    const want = new Float32Array(m * n);
    const got = new Float32Array(m * n).fill(NaN);
    tsKernels.gemmBias(m, n, k, a, b, bias, want);
    const { posted } = backend.threads.stats;
    backend.gemmBias(m, n, k, a, b, bias, got);
    expect(backend.threads.stats.posted - posted).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= TOL * k))
        throw new Error(`element ${i}: ${got[i]}, reference ${want[i]}`);
    }
  });

  test('partial sums: added into C in order, only over the given range', () => {
    const loaded = loadKernels();
    if ('error' in loaded) throw new Error(loaded.error);
    const size = 40;
    const count = 7;
    const base = loaded.exports.heapBase() + 64;
    const f32 = new Float32Array(loaded.memory.buffer);
    const next = makeGenerator('partial sums');
    const c = Float32Array.from({ length: size }, () => 2 * next() - 1);
    const partials = Float32Array.from({ length: count * size }, () => 1e3 * (2 * next() - 1));
    f32.set(c, base / 4);
    f32.set(partials, base / 4 + size);
    const [start, length] = [8, 24];
    loaded.exports.addPartialSums(base, base + size * 4, count, size * 4, start, length);
    const got = f32.slice(base / 4, base / 4 + size);
    for (let i = 0; i < size; i++) {
      let want = c[i];
      if (i >= start && i < start + length)
        for (let p = 0; p < count; p++) want = Math.fround(want + partials[p * size + i]);
      expect(got[i]).toBe(want);
    }
  });

  test('shared between both threads (however many blocks the helper takes), and small products stay here', () => {
    const { posted } = backend.threads.stats;
    for (const [transA, transB] of TRANSPOSES) {
      checkGemm(backend.gemm, { transA, transB, m: 257, n: 260, k: 500 }, TOL); // columns (not deep)
      checkGemm(backend.gemm, { transA, transB, m: 300, n: 257, k: 520 }, TOL); // rows
      checkGemm(backend.gemm, { transA, transB, m: 50, n: 50, k: 50 }, TOL); // below the threshold
    }
    expect(backend.threads.stats.posted - posted).toBe(8);
  });

  test('a weight gradient finished later has the bits of the product computed at once; ordinary arrays and small products are not deferred', () => {
    const arena = backend.scratchArena()!;
    // [rows, in, out]: deep with every part after the first within one depth block (they add
    // to C in turn), deep with deeper parts (partial results, then their sum), not deep.
    for (const [m, k, n] of [
      [1024, 128, 96],
      [4096, 128, 64],
      [300, 200, 160],
    ]) {
      arena.reset();
      const next = makeGenerator(`deferred ${m}`);
      const x = arena.allocate(m * k, false)!;
      const g = arena.allocate(m * n, false)!;
      const out = arena.allocate(k * n, false)!;
      x.forEach((_, i) => (x[i] = 2 * next() - 1));
      g.forEach((_, i) => (g[i] = 2 * next() - 1));
      const want = new Float32Array(k * n);
      backend.gemm(true, false, k, n, m, x.slice(), 0, g.slice(), 0, want, 0);
      expect(backend.deferWeightGradient(m, n, k, x, g, out)).toBe(true);
      expect(backend.isDeferred(out)).toBe(true);
      backend.settleDeferred();
      expect(backend.isDeferred(out)).toBe(false);
      expect(out).toEqual(want);
      expect(backend.deferWeightGradient(m, n, k, x.slice(), g, out)).toBe(false); // x outside wasm memory
      expect(backend.deferWeightGradient(8, n, k, x.subarray(0, 8 * k), g.subarray(0, 8 * n), out)).toBe(
        false,
      );
    }
    arena.reset();
  });
});

describe('pieces that shrink towards the end', () => {
  test('sizes add up, take the given share of what remains, and end small', () => {
    const sizes = taperedSizes(171, MAX_BLOCKS);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(171);
    expect(sizes.length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(sizes[0]).toBe(Math.round(171 * taperShare(MAX_BLOCKS)));
    for (let i = 1; i < sizes.length - 1; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]);
    expect(sizes[sizes.length - 1] / 171).toBeLessThanOrEqual(0.03);
    expect(taperedSizes(3, 8)).toEqual([1, 1, 1]);
    expect(taperedSizes(5, 1)).toEqual([5]);
  });

  test.each([
    [1024, 6],
    [1000, 5],
    [7, 6],
  ])('%i rows in tapered bands of whole %i-row tiles cover every row once', (m, tileRows) => {
    const bands = taperedRowBands(m, MAX_BLOCKS, tileRows);
    expectBands(bands, m, tileRows);
  });

  test('two threads share a product in tapered bands; many threads in equal ones', () => {
    const two = productBands(1024, 2, 6);
    expect(two).toHaveLength(MAX_BLOCKS);
    expect(two[0][1] - two[0][0]).toBeGreaterThan(8 * (two[MAX_BLOCKS - 1][1] - two[MAX_BLOCKS - 1][0]));
    const eight = productBands(1024, 8, 6);
    const widths = eight.map(([start, end]) => end - start);
    expect(Math.max(...widths) - Math.min(...widths)).toBeLessThanOrEqual(6);
  });
});
