/**
 * Single-precision matrix multiply with 128-bit SIMD: C = op(A)·op(B), row-major,
 * with leading dimensions so a caller can compute any block of C (threads split C).
 *
 * The classic blocked scheme (Goto/BLIS): B is packed into KC×NR panels that stay
 * in L1 while a micro-kernel sweeps MR rows of A over them, keeping an MR×NR tile
 * of C in 2·MR f32x4 registers for the whole depth KC. A transposed A is packed into
 * MR-row panels too; a plain A's rows are contiguous in depth, and the kernel reads them
 * where they lie (only its last, partial panel is packed, zero-padded).
 * All memory is owned by the caller: operands and a workspace of `gemmWorkspaceBytes()`.
 */

import { madd } from './madd';

/**
 * Rows of the register tile of C. With a multiply and an add per term, five rows (10
 * accumulators) leave V8 enough of the 16 vector registers: a 6×8 tile spilled and ran at
 * half speed (measured in L1). A fused multiply-add needs no register for the product, so
 * the relaxed-SIMD build holds 6×8 (12 accumulators): 12.4 → 16.6 GMAC/s in L1 on one core.
 */
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
/** Columns of the register tile of C: two f32x4 vectors. */
const NR: i32 = 8;
/** Depth of a packed block: a KC×NR panel of B is 8 KiB, at home in L1. */
const KC: i32 = 256;
/** Rows of A per block (a multiple of MR): MC×KC floats stay in L2 across panels of B. */
const MC: i32 = MR * 20;
/** Columns of B per packed block (a multiple of NR): KC×NC floats (1 MiB) fit in L2. */
const NC: i32 = 1024;

const PACKED_B_BYTES: usize = <usize>(KC * NC) * 4;
const PACKED_A_BYTES: usize = <usize>(KC * MC) * 4;
const TILE_BYTES: usize = <usize>(MR * NR) * 4;

/** Bytes of scratch memory one `gemm` call needs (packed panels and an edge tile). */
export function gemmWorkspaceBytes(): usize {
  return PACKED_B_BYTES + PACKED_A_BYTES + TILE_BYTES;
}

/**
 * Packs rows p0..p0+kc and columns j0..j0+nc of op(B) into panels of NR columns:
 * panel q holds element (p, j0 + q·NR + jj) at [(q·kc + p)·NR + jj], zero-padded past nc.
 */
function packB(b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let q = 0; q < nc; q += NR) {
    const width = min(NR, nc - q);
    const panel = dst + ((<usize>(q * kc)) << 2);
    if (!transB && width == NR) {
      let src = b + ((<usize>(p0 * ldb + j0 + q)) << 2);
      const step = (<usize>ldb) << 2;
      for (let p = 0; p < kc; p++) {
        const d = panel + ((<usize>(p * NR)) << 2);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        src += step;
      }
    } else if (!transB) {
      for (let p = 0; p < kc; p++) {
        const src = b + ((<usize>((p0 + p) * ldb + j0 + q)) << 2);
        const d = panel + ((<usize>(p * NR)) << 2);
        v128.store(d, f32x4.splat(0));
        v128.store(d, f32x4.splat(0), 16);
        for (let jj = 0; jj < width; jj++)
          store<f32>(d + ((<usize>jj) << 2), load<f32>(src + ((<usize>jj) << 2)));
      }
    } else if (width == NR) {
      packTransposedPanel(b + ((<usize>((j0 + q) * ldb + p0)) << 2), ldb, kc, panel);
    } else {
      // op(B) = Bᵀ: column j of op(B) is row j of B, contiguous in p.
      for (let jj = 0; jj < NR; jj++) {
        const d = panel + ((<usize>jj) << 2);
        if (jj < width) {
          const src = b + ((<usize>((j0 + q + jj) * ldb + p0)) << 2);
          for (let p = 0; p < kc; p++)
            store<f32>(d + ((<usize>(p * NR)) << 2), load<f32>(src + ((<usize>p) << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(d + ((<usize>(p * NR)) << 2), 0);
        }
      }
    }
  }
}

/**
 * Transposes the 4×4 block of four rows of four floats at `src` (rows `stride` bytes apart)
 * into four rows at `d`, `dstride` bytes apart: two rounds of interleaving shuffles.
 */
function transposeBlock(src: usize, stride: usize, d: usize, dstride: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + stride);
  const r2 = v128.load(src + 2 * stride);
  const r3 = v128.load(src + 3 * stride);
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5); // r0[0] r1[0] r0[1] r1[1]
  const t1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7); // r0[2] r1[2] r0[3] r1[3]
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(d, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(d + dstride, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(d + 2 * dstride, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(d + 3 * dstride, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * One whole panel of op(B) = Bᵀ: NR rows of B from `src` (row stride `ldb` floats), kc values
 * each, laid out as kc panel rows of NR; four depth steps at a time as two 4×4 transposes.
 */
function packTransposedPanel(src: usize, ldb: i32, kc: i32, panel: usize): void {
  const stride = (<usize>ldb) << 2;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const s = src + ((<usize>p) << 2);
    const d = panel + ((<usize>(p * NR)) << 2);
    transposeBlock(s, stride, d, NR << 2); // columns 0–3 of the panel
    transposeBlock(s + 4 * stride, stride, d + 16, NR << 2); // columns 4–7
  }
  for (; p < kc; p++) {
    const d = panel + ((<usize>(p * NR)) << 2);
    for (let jj = 0; jj < NR; jj++)
      store<f32>(d + ((<usize>jj) << 2), load<f32>(src + <usize>jj * stride + ((<usize>p) << 2)));
  }
}

/**
 * Packs rows i0..i0+mc and depth p0..p0+kc of op(A) into panels of MR rows: panel r
 * holds (i0 + r + ii, p0 + p) at [(r·kc + p)·MR + ii], zero-padded past mc. Element
 * (i, p) of op(A) is A[i·lda + p], or A[p·lda + i] when `transA`.
 */
function packA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let r = 0; r < mc; r += MR) {
    const height = min(MR, mc - r);
    const panel = dst + ((<usize>(r * kc)) << 2);
    if (transA && height == MR) {
      // Each depth step's MR values are contiguous in A: four in one vector, then the rest.
      let src = a + ((<usize>(p0 * lda + i0 + r)) << 2);
      const step = (<usize>lda) << 2;
      for (let p = 0; p < kc; p++) {
        const d = panel + ((<usize>(p * MR)) << 2);
        v128.store(d, v128.load(src));
        store<f32>(d, load<f32>(src, 16), 16);
        if (MR == 6) store<f32>(d, load<f32>(src, 20), 20);
        src += step;
      }
    } else if (transA) {
      for (let p = 0; p < kc; p++) {
        const src = a + ((<usize>((p0 + p) * lda + i0 + r)) << 2);
        const d = panel + ((<usize>(p * MR)) << 2);
        for (let ii = 0; ii < MR; ii++) {
          store<f32>(d + ((<usize>ii) << 2), ii < height ? load<f32>(src + ((<usize>ii) << 2)) : 0);
        }
      }
    } else if (height == MR) {
      packRowPanel(a + ((<usize>((i0 + r) * lda + p0)) << 2), lda, kc, panel);
    } else {
      for (let ii = 0; ii < MR; ii++) {
        const d = panel + ((<usize>ii) << 2);
        if (ii < height) {
          const src = a + ((<usize>((i0 + r + ii) * lda + p0)) << 2);
          for (let p = 0; p < kc; p++)
            store<f32>(d + ((<usize>(p * MR)) << 2), load<f32>(src + ((<usize>p) << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(d + ((<usize>(p * MR)) << 2), 0);
        }
      }
    }
  }
}

/**
 * One whole panel of A (not transposed): MR rows from `src` (row stride `lda` floats), kc
 * values each, laid out as kc groups of MR. Four depth steps at a time: a 4×4 transpose of
 * rows 0–3 gives each step's first four values, and the vectors of rows 4 (and 5) the rest.
 */
function packRowPanel(src: usize, lda: i32, kc: i32, panel: usize): void {
  const stride = (<usize>lda) << 2;
  const group = (<usize>MR) << 2;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const s = src + ((<usize>p) << 2);
    const d = panel + ((<usize>(p * MR)) << 2);
    const row4 = v128.load(s + 4 * stride);
    transposeBlock(s, stride, d, group);
    store<f32>(d, f32x4.extract_lane(row4, 0), 16);
    store<f32>(d + group, f32x4.extract_lane(row4, 1), 16);
    store<f32>(d + 2 * group, f32x4.extract_lane(row4, 2), 16);
    store<f32>(d + 3 * group, f32x4.extract_lane(row4, 3), 16);
    if (MR == 6) {
      const row5 = v128.load(s + 5 * stride);
      store<f32>(d, f32x4.extract_lane(row5, 0), 20);
      store<f32>(d + group, f32x4.extract_lane(row5, 1), 20);
      store<f32>(d + 2 * group, f32x4.extract_lane(row5, 2), 20);
      store<f32>(d + 3 * group, f32x4.extract_lane(row5, 3), 20);
    }
  }
  for (; p < kc; p++) {
    const d = panel + ((<usize>(p * MR)) << 2);
    for (let ii = 0; ii < MR; ii++)
      store<f32>(d + ((<usize>ii) << 2), load<f32>(src + <usize>ii * stride + ((<usize>p) << 2)));
  }
}

/**
 * Writes (or adds, when `accumulate`) the MR×NR tile held at `tile` to C at `c` with row
 * stride `ldc`, clipped to `height`×`width` at the matrix edges.
 */
function flushTile(tile: usize, c: usize, ldc: i32, height: i32, width: i32, accumulate: bool): void {
  for (let i = 0; i < height; i++) {
    const row = c + ((<usize>(i * ldc)) << 2);
    const src = tile + ((<usize>(i * NR)) << 2);
    if (width == NR) {
      const lo = v128.load(src);
      const hi = v128.load(src, 16);
      v128.store(row, accumulate ? f32x4.add(v128.load(row), lo) : lo);
      v128.store(row, accumulate ? f32x4.add(v128.load(row, 16), hi) : hi, 16);
      continue;
    }
    for (let j = 0; j < width; j++) {
      const d = row + ((<usize>j) << 2);
      const v = load<f32>(src + ((<usize>j) << 2));
      store<f32>(d, accumulate ? load<f32>(d) + v : v);
    }
  }
}

/**
 * Micro-kernel for MR rows of op(A) against a packed B panel: row i's value at depth step
 * p is at ap + i·rowStride + p·depthStep bytes (a packed panel: rowStride 4, depthStep 4·MR; rows of
 * a plain A read in place: rowStride 4·lda, depthStep 4). One depth step per iteration:
 * unrolling to two made V8 spill accumulators.
 */
function kernel(
  kc: i32,
  ap: usize,
  rowStride: usize,
  depthStep: usize,
  height: i32,
  bp: usize,
  c: usize,
  ldc: i32,
  width: i32,
  accumulate: bool,
  tile: usize,
): void {
  let c00 = f32x4.splat(0),
    c01 = f32x4.splat(0),
    c10 = f32x4.splat(0),
    c11 = f32x4.splat(0),
    c20 = f32x4.splat(0),
    c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0),
    c31 = f32x4.splat(0),
    c40 = f32x4.splat(0),
    c41 = f32x4.splat(0),
    c50 = f32x4.splat(0),
    c51 = f32x4.splat(0);
  // Rows 0–2 from `a` and rows 3–5 from `a3`, each at offsets 0, rowStride and 2·rowStride.
  let a = ap;
  let a3 = ap + 3 * rowStride;
  const r1 = rowStride;
  const r2 = rowStride << 1;
  let b = bp;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b, 0);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a + r1);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a + r2);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a3);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    x = v128.load32_splat(a3 + r1);
    c40 = madd(x, b0, c40);
    c41 = madd(x, b1, c41);
    if (MR == 6) {
      x = v128.load32_splat(a3 + r2);
      c50 = madd(x, b0, c50);
      c51 = madd(x, b1, c51);
    }
    a += depthStep;
    a3 += depthStep;
    b += NR << 2;
  }
  // A whole tile written afresh goes straight to C; the others go through `tile`.
  let d = c;
  let step = (<usize>ldc) << 2;
  const direct = height == MR && width == NR && !accumulate;
  if (!direct) {
    d = tile;
    step = NR << 2;
  }
  v128.store(d, c00);
  v128.store(d, c01, 16);
  d += step;
  v128.store(d, c10);
  v128.store(d, c11, 16);
  d += step;
  v128.store(d, c20);
  v128.store(d, c21, 16);
  d += step;
  v128.store(d, c30);
  v128.store(d, c31, 16);
  d += step;
  v128.store(d, c40);
  v128.store(d, c41, 16);
  if (MR == 6) {
    d += step;
    v128.store(d, c50);
    v128.store(d, c51, 16);
  }
  if (!direct) flushTile(tile, c, ldc, height, width, accumulate);
}

/**
 * Rows i0..i1 of C (+)= op(A)[rows, p0..p0+kc] · one packed kc×nc block of op(B) whose
 * first column is column j0 of C. A transposed A is packed MC rows at a time into
 * `packedA`; a plain A is read in place, but for its last partial panel.
 */
function rowsTimesPackedBlock(
  transA: bool,
  a: usize,
  lda: i32,
  i0: i32,
  i1: i32,
  p0: i32,
  kc: i32,
  packedBlock: usize,
  nc: i32,
  c: usize,
  ldc: i32,
  j0: i32,
  accumulate: bool,
  packedA: usize,
  tile: usize,
): void {
  const packed: usize = MR << 2;
  for (let r0 = i0; r0 < i1; r0 += MC) {
    const mc = min(MC, i1 - r0);
    // A plain A's whole panels are read in place (its rows are contiguous in depth); only a
    // transposed A, and a plain A's last partial panel, are packed (that one at packedA).
    const whole = transA ? 0 : mc - (mc % MR);
    if (whole < mc) packA(a, lda, transA, r0 + whole, mc - whole, p0, kc, packedA);
    for (let q = 0; q < nc; q += NR) {
      const width = min(NR, nc - q);
      const bp = packedBlock + ((<usize>(q * kc)) << 2);
      for (let r = 0; r < mc; r += MR) {
        const height = min(MR, mc - r);
        const cp = c + ((<usize>((r0 + r) * ldc + j0 + q)) << 2);
        if (r < whole) {
          const rows = a + ((<usize>((r0 + r) * lda + p0)) << 2);
          kernel(kc, rows, (<usize>lda) << 2, 4, height, bp, cp, ldc, width, accumulate, tile);
        } else {
          const panel = packedA + ((<usize>((r - whole) * kc)) << 2);
          kernel(kc, panel, 4, packed, height, bp, cp, ldc, width, accumulate, tile);
        }
      }
    }
  }
}

/** Rows of the register tile (MR): bands of rows given to threads are multiples of it. */
export function gemmTileRows(): i32 {
  return MR;
}

/** Zeroes rows i0..i1 of C (an empty inner dimension). */
function zeroRows(c: usize, ldc: i32, i0: i32, i1: i32, n: i32): void {
  for (let i = i0; i < i1; i++) memory.fill(c + ((<usize>(i * ldc)) << 2), 0, (<usize>n) << 2);
}

/** Depth of the blocks the product runs in (KC): a product no deeper adds to C once per element. */
export function gemmDepthBlock(): i32 {
  return KC;
}

/**
 * C = op(A)·op(B) for an m×k by k×n product. A is m×k row-major with row stride `lda`
 * (k×m when `transA`), B is k×n with row stride `ldb` (n×k when `transB`), C is m×n with
 * row stride `ldc`; all pointers are byte addresses of f32 data. `work` points at
 * `gemmWorkspaceBytes()` bytes of scratch.
 */
export function gemm(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) return zeroRows(c, ldc, 0, m, n);
  product(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, work, false);
}

/**
 * C += op(A)·op(B), arguments as for `gemm`: each element of C gets the product's sum over
 * each depth block added to it, so a product no deeper than `gemmDepthBlock()` adds one
 * value, rounded as a separate add of that product's result would be.
 */
export function gemmAccumulate(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  product(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, work, true);
}

/** The blocked product (see `gemm`); `accumulate`: add the first depth block to C too. */
function product(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  work: usize,
  accumulate: bool,
): void {
  const packedB = work;
  const packedA = work + PACKED_B_BYTES;
  const tile = packedA + PACKED_A_BYTES;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      packB(b, ldb, transB, p0, kc, j0, nc, packedB);
      const adds = accumulate || p0 > 0;
      rowsTimesPackedBlock(transA, a, lda, 0, m, p0, kc, packedB, nc, c, ldc, j0, adds, packedA, tile);
    }
  }
}

/*
 * Threads share one packing of B: `packWholeB` lays out every KC×NC block of op(B), then
 * each thread computes bands of rows of C with `gemmRows`, packing only its own rows of A.
 * Block (j0, p0) starts j0·k + p0·roundUp(nc, NR) floats into the packed area.
 */

/** Bytes `packWholeB` writes for a k×n op(B). */
export function packedWholeBBytes(n: i32, k: i32): usize {
  return (<usize>(k * ((n + NR - 1) / NR) * NR)) << 2;
}

function packedBlockAt(packed: usize, j0: i32, p0: i32, k: i32, nc: i32): usize {
  return packed + ((<usize>(j0 * k + p0 * (((nc + NR - 1) / NR) * NR))) << 2);
}

/** Packs all of op(B) (k×n, see `gemm`) into `packed`, block by block. */
export function packWholeB(transB: bool, n: i32, k: i32, b: usize, ldb: i32, packed: usize): void {
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      packB(b, ldb, transB, p0, min(KC, k - p0), j0, nc, packedBlockAt(packed, j0, p0, k, nc));
    }
  }
}

/** Rows rowStart..rowEnd of C = op(A)·op(B), with op(B) already packed by `packWholeB`. */
export function gemmRows(
  transA: bool,
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  lda: i32,
  packed: usize,
  c: usize,
  ldc: i32,
  rowStart: i32,
  rowEnd: i32,
  work: usize,
): void {
  if (m <= 0 || n <= 0 || rowEnd <= rowStart) return;
  if (k <= 0) return zeroRows(c, ldc, rowStart, rowEnd, n);
  const packedA = work + PACKED_B_BYTES;
  const tile = packedA + PACKED_A_BYTES;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      const block = packedBlockAt(packed, j0, p0, k, nc);
      rowsTimesPackedBlock(
        transA,
        a,
        lda,
        rowStart,
        rowEnd,
        p0,
        kc,
        block,
        nc,
        c,
        ldc,
        j0,
        p0 > 0,
        packedA,
        tile,
      );
    }
  }
}
