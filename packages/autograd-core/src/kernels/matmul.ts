/**
 * Reference matrix multiply on typed arrays: C = op(A)·op(B), where op transposes
 * an operand when asked. Row-major; A is m×k (or k×m when transposed), B is k×n
 * (or n×k). Loop orders keep the innermost loop on contiguous memory.
 */
import type { TypedArray } from '../dtype';

/**
 * A caller's token for one A operand it multiplies twice, plain then transposed (a layer's
 * input x in x·W, then in xᵀ·dy for the weight gradient), unchanged in between: a backend
 * may keep what it derived from A in the first product (the wasm backend: the list of A's
 * nonzero terms) for the second. Any object; a fresh one per A.
 */
export type OperandToken = object;

/** C = op(A)·op(B) on typed arrays: the contract of `Backend.gemm` (see `gemmReference`). */
export type GemmKernel = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOffset: number,
  b: TypedArray,
  bOffset: number,
  c: TypedArray,
  cOffset: number,
  reuseA?: OperandToken,
) => void;

/** The reference kernel: plain loops, the oracle every faster gemm is tested against. */
export const gemmReference: GemmKernel = (transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset) => {
  c.fill(0, cOffset, cOffset + m * n);
  if (!transB) {
    // i-p-j: broadcast A[i,p] over row p of B (contiguous), accumulate into row i of C.
    for (let i = 0; i < m; i++) {
      const cRow = cOffset + i * n;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOffset + p * m + i] : a[aOffset + i * k + p];
        if (av === 0) continue;
        const bRow = bOffset + p * n;
        for (let j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j];
      }
    }
    return;
  }
  // B transposed: C[i,j] is the dot product of row i of A and row j of B.
  for (let i = 0; i < m; i++) {
    const cRow = cOffset + i * n;
    for (let j = 0; j < n; j++) {
      const bRow = bOffset + j * k;
      let s = 0;
      if (transA) for (let p = 0; p < k; p++) s += a[aOffset + p * m + i] * b[bRow + p];
      else {
        const aRow = aOffset + i * k;
        for (let p = 0; p < k; p++) s += a[aRow + p] * b[bRow + p];
      }
      c[cRow + j] = s;
    }
  }
};

/*
 * Blocked matrix multiply for the TypeScript backend (Goto/BLIS scheme). op(B) is
 * packed into KC×NR panels and op(A) into MR×KC panels of float64 scratch, so the
 * micro-kernel reads both with unit stride from one monomorphic array type whatever
 * the operands' dtype, and keeps a 4×4 tile of C in local variables for the whole
 * depth of a block. Accumulation is in float64; results are stored in C's dtype.
 */
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 1024;
const packedA = new Float64Array(KC * MC);
const packedB = new Float64Array(KC * NC);
const edgeTile = new Float64Array(MR * NR);

/**
 * Packs `count` lines from `first` — rows of op(A) or columns of op(B) — over depth
 * p0..p0+kc into `width`-wide panels (panel[p·width + lane]), zero-padded past `count`.
 * A line is contiguous in memory when `lineMajor` (rows of a plain A, columns of a
 * transposed B); otherwise consecutive depths are `ld` apart.
 */
function packPanels(
  dst: Float64Array,
  src: TypedArray,
  offset: number,
  ld: number,
  lineMajor: boolean,
  first: number,
  count: number,
  p0: number,
  kc: number,
  width: number,
): void {
  for (let q = 0; q < count; q += width) {
    const panel = q * kc;
    for (let lane = 0; lane < width; lane++) {
      let d = panel + lane;
      const line = first + q + lane;
      if (q + lane >= count) {
        for (let p = 0; p < kc; p++, d += width) dst[d] = 0;
      } else if (lineMajor) {
        const from = offset + line * ld + p0;
        for (let p = 0; p < kc; p++, d += width) dst[d] = src[from + p];
      } else {
        let from = offset + p0 * ld + line;
        for (let p = 0; p < kc; p++, d += width, from += ld) dst[d] = src[from];
      }
    }
  }
}

/**
 * C[c…] (+)= one MR×NR tile: the product of the packed A panel at `ia` and the packed
 * B panel at `ib` over depth kc, clipped to height×width at the edges of C.
 */
function microKernel(
  kc: number,
  ia: number,
  ib: number,
  c: TypedArray,
  cIndex: number,
  ldc: number,
  height: number,
  width: number,
  accumulate: boolean,
): void {
  const A = packedA;
  const B = packedB;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let p = 0; p < kc; p++, ia += MR, ib += NR) {
    const b0 = B[ib],
      b1 = B[ib + 1],
      b2 = B[ib + 2],
      b3 = B[ib + 3];
    let x = A[ia];
    c00 += x * b0;
    c01 += x * b1;
    c02 += x * b2;
    c03 += x * b3;
    x = A[ia + 1];
    c10 += x * b0;
    c11 += x * b1;
    c12 += x * b2;
    c13 += x * b3;
    x = A[ia + 2];
    c20 += x * b0;
    c21 += x * b1;
    c22 += x * b2;
    c23 += x * b3;
    x = A[ia + 3];
    c30 += x * b0;
    c31 += x * b1;
    c32 += x * b2;
    c33 += x * b3;
  }
  if (height === MR && width === NR && !accumulate) {
    c[cIndex] = c00;
    c[cIndex + 1] = c01;
    c[cIndex + 2] = c02;
    c[cIndex + 3] = c03;
    cIndex += ldc;
    c[cIndex] = c10;
    c[cIndex + 1] = c11;
    c[cIndex + 2] = c12;
    c[cIndex + 3] = c13;
    cIndex += ldc;
    c[cIndex] = c20;
    c[cIndex + 1] = c21;
    c[cIndex + 2] = c22;
    c[cIndex + 3] = c23;
    cIndex += ldc;
    c[cIndex] = c30;
    c[cIndex + 1] = c31;
    c[cIndex + 2] = c32;
    c[cIndex + 3] = c33;
    return;
  }
  const t = edgeTile;
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c03;
  t[4] = c10;
  t[5] = c11;
  t[6] = c12;
  t[7] = c13;
  t[8] = c20;
  t[9] = c21;
  t[10] = c22;
  t[11] = c23;
  t[12] = c30;
  t[13] = c31;
  t[14] = c32;
  t[15] = c33;
  for (let i = 0; i < height; i++) {
    const row = cIndex + i * ldc;
    for (let j = 0; j < width; j++) c[row + j] = accumulate ? c[row + j] + t[i * NR + j] : t[i * NR + j];
  }
}

/**
 * C = op(A)·op(B), same contract as `gemmReference`, cache-blocked and register-tiled:
 * about five times faster in plain JavaScript, and the kernel float64 inputs use.
 */
export const gemmBlocked: GemmKernel = (transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset) => {
  if (k === 0) {
    c.fill(0, cOffset, cOffset + m * n);
    return;
  }
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      packPanels(packedB, b, bOffset, ldb, transB, j0, nc, p0, kc, NR);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packPanels(packedA, a, aOffset, lda, !transA, i0, mc, p0, kc, MR);
        for (let q = 0; q < nc; q += NR) {
          const width = Math.min(NR, nc - q);
          for (let r = 0; r < mc; r += MR) {
            const cIndex = cOffset + (i0 + r) * n + j0 + q;
            microKernel(kc, r * kc, q * kc, c, cIndex, n, Math.min(MR, mc - r), width, p0 > 0);
          }
        }
      }
    }
  }
};
