/**
 * Matrix product with a mostly-zero left operand (images on a blank background, one-hot
 * codes, ReLU outputs): C = op(A)·B with B row-major. Each row of op(A) is first listed
 * as its nonzero terms (compressed sparse rows); a row of C is then the sum of the rows
 * of B those terms select, each scaled by its term,
 *   C[i, :] = Σ_{p : op(A)[i,p] ≠ 0} op(A)[i,p] · B[p, :],
 * computed 16 columns at a time in four f32x4 accumulators. The dense kernel spends a
 * multiply-add on every term; this one only on the nonzero ones.
 *
 * Dropping a zero term is exact while B is finite (0·b = 0). With an infinity or NaN in
 * B the dense product gives 0·∞ = NaN, so `listNonzeroRows` refuses such a B, and the
 * caller takes the dense kernel. NaN and infinities in A are nonzero terms: kept.
 *
 * Workspace layout (`sparseRowsBytes`): a 256-byte table of lane-compressing swizzles,
 * the row starts (m + 1 i32), up to `sparseCapacity(m, k)` terms of two words each (the
 * byte offset of the selected row of B, p·ldb·4, and the term's value as f32), then, for
 * a transposed A, as many entries in three streams (row of op(A), offset, value). Both
 * listings skip sixteen zeros at once (blank regions are long) and list the nonzero
 * values of the other groups four at a time without a branch per value: a lane mask
 * picks the swizzle that packs the nonzero lanes first, all four lanes are stored and
 * the count advances by the mask's population (so each list has room for four more).
 */
import { allFinite } from './finite';

/** Columns of C per pass over a row's terms: four f32x4 accumulators. */
const CHUNK: i32 = 16;
/** Bytes of the swizzle table. */
const TABLE_BYTES: usize = 256;
/** Values a list may be written past its count (the last four-lane store). */
const SLACK: i32 = 4;

/** Most nonzero terms listed: half of op(A). Denser operands go to the dense kernel. */
function sparseCapacity(m: i32, k: i32): i32 {
  return <i32>((<i64>m * <i64>k + 1) >> 1);
}

function startsAt(work: usize): usize {
  return work + TABLE_BYTES;
}

function termsAt(work: usize, m: i32): usize {
  return startsAt(work) + ((<usize>(m + 4)) & ~(<usize>3)) * 4;
}

/** Bytes of workspace `listNonzeroRows` and `sparseRowsTimesB` use for an m×k op(A). */
export function sparseRowsBytes(m: i32, k: i32): usize {
  const slots = <usize>(sparseCapacity(m, k) + SLACK);
  return termsAt(0, m) + slots * 8 + slots * 12;
}

/**
 * Fills the table: for each 4-bit lane mask, the i8x16 swizzle that moves the 32-bit
 * lanes whose bit is set to the front, in order (the other lanes become zero).
 */
function fillSwizzleTable(table: usize): void {
  for (let mask = 0; mask < 16; mask++) {
    const entry = table + ((<usize>mask) << 4);
    let to = 0;
    for (let lane = 0; lane < 4; lane++) {
      if ((mask & (1 << lane)) == 0) continue;
      for (let byte = 0; byte < 4; byte++) store<u8>(entry + <usize>(to * 4 + byte), <u8>(lane * 4 + byte));
      to++;
    }
    for (; to < 4; to++) for (let byte = 0; byte < 4; byte++) store<u8>(entry + <usize>(to * 4 + byte), 0x80);
  }
}

/** The nonzero lanes of x (the bits of `mask`) moved to the front by the table's swizzle. */
function compress(x: v128, table: usize, mask: i32): v128 {
  return i8x16.swizzle(x, v128.load(table + ((<usize>mask) << 4)));
}

/** Whether every value of the k×n block of B (row stride ldb) is finite. */
function blockFinite(b: usize, ldb: i32, k: i32, n: i32): bool {
  for (let p = 0; p < k; p++) if (!allFinite(b + ((<usize>(p * ldb)) << 2), n)) return false;
  return true;
}

/**
 * Lists the nonzero terms of each row of op(A) (m×k; A[i·lda + p], or A[p·lda + i] when
 * `transA`) into `work`, as offsets into B (row stride ldb). Returns 1 when done, 0 when
 * op(A) has more than `sparseCapacity` nonzero terms or the k×n block of B is not all
 * finite: then nothing may be assumed about `work` and the caller multiplies densely.
 */
export function listNonzeroRows(
  transA: bool,
  m: i32,
  k: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  n: i32,
  work: usize,
): i32 {
  if (!blockFinite(b, ldb, k, n)) return 0;
  fillSwizzleTable(work);
  return transA ? listColumns(m, k, a, lda, ldb, work) : listRows(m, k, a, lda, ldb, work);
}

/**
 * Lists the nonzero terms of each column of A (k rows × m columns, row stride lda) into
 * `work` as the rows of op(A) = Aᵀ, with offsets p·ld·4 for row p of A: the listing
 * `listNonzeroRows` makes for a transposed A, without its check of B. The same listing
 * serves C = A·B (`scatterColumnsTimesB`, offsets into C, ld = C's row stride) and
 * C' = Aᵀ·B' (`sparseRowsTimesB`, offsets into B', ld = its row stride). Returns 0 when A
 * has more than `sparseCapacity` nonzero terms, else 1.
 */
export function listNonzeroColumns(m: i32, k: i32, a: usize, lda: i32, ld: i32, work: usize): i32 {
  fillSwizzleTable(work);
  return listColumns(m, k, a, lda, ld, work);
}

/** Bit l set when the float at q + 4·l (l < 16) is nonzero; sixteen zeros cost one test. */
function nonzeroBits(q: usize): i32 {
  const zero = f32x4.splat(0);
  const m0 = f32x4.ne(v128.load(q), zero);
  const m1 = f32x4.ne(v128.load(q, 16), zero);
  const m2 = f32x4.ne(v128.load(q, 32), zero);
  const m3 = f32x4.ne(v128.load(q, 48), zero);
  if (!v128.any_true(v128.or(v128.or(m0, m1), v128.or(m2, m3)))) return 0;
  return i32x4.bitmask(m0) | (i32x4.bitmask(m1) << 4) | (i32x4.bitmask(m2) << 8) | (i32x4.bitmask(m3) << 12);
}

/** Lanes (0, 1, 2, 3) times `step`. */
function laneMultiples(step: i32): v128 {
  return i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(step));
}

/** op(A) = A: row i of op(A) is row i of A, read in order. */
function listRows(m: i32, k: i32, a: usize, lda: i32, ldb: i32, work: usize): i32 {
  const capacity = sparseCapacity(m, k);
  const starts = startsAt(work);
  const terms = termsAt(work, m);
  // Byte offsets into B of four consecutive p, and the step to the next four.
  const rowStep = ldb << 2;
  const lanes = laneMultiples(rowStep);
  const quadStep = i32x4.splat(rowStep << 2);
  let count = 0;
  store<i32>(starts, 0);
  for (let i = 0; i < m; i++) {
    const row = a + ((<usize>(i * lda)) << 2);
    let p = 0;
    for (; p + 16 <= k; p += 16) {
      const q = row + ((<usize>p) << 2);
      const bits = nonzeroBits(q);
      if (bits == 0) continue;
      if (count + popcnt(bits) > capacity) return 0;
      let offsets = i32x4.add(i32x4.splat(p * rowStep), lanes);
      for (let s = 0; s < 4; s++) {
        count = appendTerms(
          terms,
          count,
          work,
          v128.load(q + ((<usize>s) << 4)),
          (bits >> (s << 2)) & 15,
          offsets,
        );
        offsets = i32x4.add(offsets, quadStep);
      }
    }
    for (; p < k; p++) {
      const x = load<f32>(row + ((<usize>p) << 2));
      if (x == 0) continue;
      if (count == capacity) return 0;
      const term = terms + ((<usize>count) << 3);
      store<i32>(term, p * rowStep);
      store<f32>(term, x, 4);
      count++;
    }
    store<i32>(starts + ((<usize>(i + 1)) << 2), count);
  }
  return 1;
}

/** Appends the lanes of `values` set in `mask` as terms (offset, value) at `count`; the new count. */
function appendTerms(terms: usize, count: i32, table: usize, values: v128, mask: i32, offsets: v128): i32 {
  const v = compress(values, table, mask);
  const o = compress(offsets, table, mask);
  const term = terms + ((<usize>count) << 3);
  v128.store(term, i8x16.shuffle(o, v, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23));
  v128.store(term, i8x16.shuffle(o, v, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31), 16);
  return count + popcnt(mask);
}

/**
 * op(A) = Aᵀ: row i of op(A) is column i of A. A's rows are read in order into a list of
 * (i, offset, value) entries while counting each i's terms; after a prefix sum the entries
 * are moved to their rows (p ascends within each, as in the dense sum).
 */
function listColumns(m: i32, k: i32, a: usize, lda: i32, ldb: i32, work: usize): i32 {
  const capacity = sparseCapacity(m, k);
  const starts = startsAt(work);
  const terms = termsAt(work, m);
  const slots = <usize>(capacity + SLACK);
  const entryRows = terms + (slots << 3);
  const entryOffsets = entryRows + (slots << 2);
  const entryValues = entryOffsets + (slots << 2);
  const zero = f32x4.splat(0);
  const four = i32x4.splat(4);
  let count = 0;
  // starts[i + 1] counts row i's terms until the prefix sum.
  memory.fill(starts, 0, (<usize>(m + 1)) << 2);
  for (let p = 0; p < k; p++) {
    const row = a + ((<usize>(p * lda)) << 2);
    const offset = (p * ldb) << 2;
    const offsets = i32x4.splat(offset);
    let i = 0;
    for (; i + 16 <= m; i += 16) {
      const q = row + ((<usize>i) << 2);
      const bits = nonzeroBits(q);
      if (bits == 0) continue;
      if (count + popcnt(bits) > capacity) return 0;
      const counts = starts + ((<usize>(i + 1)) << 2);
      let rows = i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3));
      for (let s = 0; s < 4; s++) {
        const values = v128.load(q + ((<usize>s) << 4));
        // A set lane of the comparison is −1: subtracting it adds one to each counted row.
        const at = counts + ((<usize>s) << 4);
        v128.store(at, i32x4.sub(v128.load(at), f32x4.ne(values, zero)));
        count = appendEntries(
          entryRows,
          entryOffsets,
          entryValues,
          count,
          work,
          rows,
          offsets,
          values,
          (bits >> (s << 2)) & 15,
        );
        rows = i32x4.add(rows, four);
      }
    }
    for (; i < m; i++) {
      const x = load<f32>(row + ((<usize>i) << 2));
      if (x == 0) continue;
      if (count == capacity) return 0;
      const at = (<usize>count) << 2;
      store<i32>(entryRows + at, i);
      store<i32>(entryOffsets + at, offset);
      store<f32>(entryValues + at, x);
      const slot = starts + ((<usize>(i + 1)) << 2);
      store<i32>(slot, load<i32>(slot) + 1);
      count++;
    }
  }
  // Prefix sums: starts[i] = where row i's terms begin.
  for (let i = 0; i < m; i++) {
    const slot = starts + ((<usize>(i + 1)) << 2);
    store<i32>(slot, load<i32>(slot) + load<i32>(slot - 4));
  }
  // Move each entry to its row, advancing starts[i] as a cursor (it ends at row i's end).
  for (let e = 0; e < count; e++) {
    const at = (<usize>e) << 2;
    const slot = starts + ((<usize>load<i32>(entryRows + at)) << 2);
    const cursor = load<i32>(slot);
    const term = terms + ((<usize>cursor) << 3);
    store<i32>(term, load<i32>(entryOffsets + at));
    store<f32>(term, load<f32>(entryValues + at), 4);
    store<i32>(slot, cursor + 1);
  }
  // Shift back: row i's terms begin where row i − 1's end.
  for (let i = m; i > 0; i--)
    store<i32>(starts + ((<usize>i) << 2), load<i32>(starts + ((<usize>(i - 1)) << 2)));
  store<i32>(starts, 0);
  return 1;
}

/** Appends the lanes set in `mask` as entries (row, offset, value) at `count`; the new count. */
function appendEntries(
  entryRows: usize,
  entryOffsets: usize,
  entryValues: usize,
  count: i32,
  table: usize,
  rows: v128,
  offsets: v128,
  values: v128,
  mask: i32,
): i32 {
  const at = (<usize>count) << 2;
  v128.store(entryRows + at, compress(rows, table, mask));
  v128.store(entryOffsets + at, offsets);
  v128.store(entryValues + at, compress(values, table, mask));
  return count + popcnt(mask);
}

/**
 * Rows rowStart..rowEnd of C (n columns, row stride ldc) from the terms `listNonzeroRows`
 * left in `work` for an m-row op(A), and B (row stride ldb). Every value of those rows is
 * written (a row without terms is zero).
 */
export function sparseRowsTimesB(
  m: i32,
  n: i32,
  rowStart: i32,
  rowEnd: i32,
  work: usize,
  b: usize,
  c: usize,
  ldc: i32,
): void {
  const starts = startsAt(work);
  const terms = termsAt(work, m);
  for (let i = rowStart; i < rowEnd; i++) {
    const first = terms + ((<usize>load<i32>(starts + ((<usize>i) << 2))) << 3);
    const last = terms + ((<usize>load<i32>(starts + ((<usize>(i + 1)) << 2))) << 3);
    const out = c + ((<usize>(i * ldc)) << 2);
    let j = 0;
    for (; j + CHUNK <= n; j += CHUNK)
      chunkOfRow(first, last, b + ((<usize>j) << 2), out + ((<usize>j) << 2));
    for (; j + 4 <= n; j += 4) quadOfRow(first, last, b + ((<usize>j) << 2), out + ((<usize>j) << 2));
    for (; j < n; j++) {
      let sum: f32 = 0;
      for (let t = first; t < last; t += 8) {
        sum += load<f32>(t, 4) * load<f32>(b + (<usize>load<i32>(t) + ((<usize>j) << 2)));
      }
      store<f32>(out + ((<usize>j) << 2), sum);
    }
  }
}

/** 16 columns of one row of C: Σ over the row's terms of value · B[p, 16 columns at b]. */
function chunkOfRow(first: usize, last: usize, b: usize, out: usize): void {
  let c0 = f32x4.splat(0),
    c1 = f32x4.splat(0),
    c2 = f32x4.splat(0),
    c3 = f32x4.splat(0);
  for (let t = first; t < last; t += 8) {
    const row = b + <usize>load<i32>(t);
    const x = v128.load32_splat(t, 4);
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(row, 0)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(row, 16)));
    c2 = f32x4.add(c2, f32x4.mul(x, v128.load(row, 32)));
    c3 = f32x4.add(c3, f32x4.mul(x, v128.load(row, 48)));
  }
  v128.store(out, c0, 0);
  v128.store(out, c1, 16);
  v128.store(out, c2, 32);
  v128.store(out, c3, 48);
}

/** Four columns of one row of C (the columns past the last whole chunk). */
function quadOfRow(first: usize, last: usize, b: usize, out: usize): void {
  let acc = f32x4.splat(0);
  for (let t = first; t < last; t += 8) {
    acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(t, 4), v128.load(b + <usize>load<i32>(t))));
  }
  v128.store(out, acc);
}

/**
 * C = A·B for A (rows × m) listed by `listNonzeroColumns` with offsets into C (row stride
 * ldc), B m×n (row stride ldb): C is zeroed, then each listed column p of A adds
 * A[i, p]·B[p, :] to row i of C, p ascending, as the dense product sums. A row of B is
 * read once, from memory, while the rows of C it adds into stay in cache.
 */
export function scatterColumnsTimesB(
  rows: i32,
  m: i32,
  n: i32,
  work: usize,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
): void {
  for (let i = 0; i < rows; i++) memory.fill(c + ((<usize>(i * ldc)) << 2), 0, (<usize>n) << 2);
  const starts = startsAt(work);
  const terms = termsAt(work, m);
  for (let p = 0; p < m; p++) {
    const first = terms + ((<usize>load<i32>(starts + ((<usize>p) << 2))) << 3);
    const last = terms + ((<usize>load<i32>(starts + ((<usize>(p + 1)) << 2))) << 3);
    if (first == last) continue;
    const row = b + ((<usize>(p * ldb)) << 2);
    let j = 0;
    for (; j + 16 <= n; j += 16) scatterChunk(first, last, row + ((<usize>j) << 2), c + ((<usize>j) << 2));
    for (; j < n; j++) {
      const y = load<f32>(row + ((<usize>j) << 2));
      for (let t = first; t < last; t += 8) {
        const at = c + <usize>load<i32>(t) + ((<usize>j) << 2);
        store<f32>(at, load<f32>(at) + load<f32>(t, 4) * y);
      }
    }
  }
}

/** Adds value · (16 values of B at `row`) to the 16 values at c of each term's row of C. */
function scatterChunk(first: usize, last: usize, row: usize, c: usize): void {
  const y0 = v128.load(row, 0);
  const y1 = v128.load(row, 16);
  const y2 = v128.load(row, 32);
  const y3 = v128.load(row, 48);
  for (let t = first; t < last; t += 8) {
    const at = c + <usize>load<i32>(t);
    const x = v128.load32_splat(t, 4);
    v128.store(at, f32x4.add(v128.load(at, 0), f32x4.mul(x, y0)), 0);
    v128.store(at, f32x4.add(v128.load(at, 16), f32x4.mul(x, y1)), 16);
    v128.store(at, f32x4.add(v128.load(at, 32), f32x4.mul(x, y2)), 32);
    v128.store(at, f32x4.add(v128.load(at, 48), f32x4.mul(x, y3)), 48);
  }
}
