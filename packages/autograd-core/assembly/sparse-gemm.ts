/**
 * Matrix product with a mostly-zero left operand (images on a blank background, one-hot
 * codes, ReLU outputs): C = op(A)·B with B row-major. Each row of op(A) is first listed
 * as its nonzero terms (compressed sparse rows); a row of C is then the sum of the rows
 * of B those terms select, each scaled by its term,
 *   C[i, :] = Σ_{p : op(A)[i,p] ≠ 0} op(A)[i,p] · B[p, :],
 * computed 32 columns at a time in eight f32x4 accumulators. The dense kernel spends a
 * multiply-add on every term; this one only on the nonzero ones.
 *
 * Dropping a zero term is exact while B is finite (0·b = 0). With an infinity or NaN in
 * B the dense product gives 0·∞ = NaN, so `listNonzeroRows` refuses such a B, and the
 * caller takes the dense kernel. NaN and infinities in A are nonzero terms: kept.
 *
 * Workspace layout (`sparseRowsBytes`): row starts (m + 1 i32), then up to
 * `sparseCapacity(m, k)` terms of two words each: the byte offset of the selected row
 * of B (p·ldb·4) and the term's value (f32); then room for as many 16-byte entries
 * (listing a transposed A). Both listings find nonzero values four at a time from
 * SIMD comparison bitmasks, skipping sixteen zeros at once (blank regions are long).
 */

/** Columns of C per pass over a row's terms: eight f32x4 accumulators. */
const CHUNK: i32 = 16;

/** Most nonzero terms listed: half of op(A). Denser operands go to the dense kernel. */
export function sparseCapacity(m: i32, k: i32): i32 {
  return <i32>((<i64>m * <i64>k + 1) >> 1);
}

/** Bytes of workspace `listNonzeroRows` and `sparseRowsTimesB` use for an m×k op(A). */
export function sparseRowsBytes(m: i32, k: i32): usize {
  return ((<usize>(m + 1)) << 2) + <usize>sparseCapacity(m, k) * 24;
}

function termsAt(work: usize, m: i32): usize {
  return work + ((<usize>(m + 1)) << 2);
}

/** Whether every value of the k×n block of B (row stride ldb) is finite: x − x is 0 only then. */
function allFinite(b: usize, ldb: i32, k: i32, n: i32): bool {
  let acc = f32x4.splat(0);
  let tail: f32 = 0;
  for (let p = 0; p < k; p++) {
    const row = b + ((<usize>(p * ldb)) << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const v = v128.load(row + ((<usize>j) << 2));
      acc = f32x4.add(acc, f32x4.sub(v, v));
    }
    for (; j < n; j++) {
      const x = load<f32>(row + ((<usize>j) << 2));
      tail += x - x;
    }
  }
  return i32x4.all_true(f32x4.eq(acc, f32x4.splat(0))) && tail == 0;
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
  if (!allFinite(b, ldb, k, n)) return 0;
  return transA ? listColumns(m, k, a, lda, ldb, work) : listRows(m, k, a, lda, ldb, work);
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

/** op(A) = A: row i of op(A) is row i of A, read in order. */
function listRows(m: i32, k: i32, a: usize, lda: i32, ldb: i32, work: usize): i32 {
  const capacity = sparseCapacity(m, k);
  const terms = termsAt(work, m);
  let count = 0;
  store<i32>(work, 0);
  for (let i = 0; i < m; i++) {
    const row = a + ((<usize>(i * lda)) << 2);
    let p = 0;
    for (; p + 16 <= k; p += 16) {
      const q = row + ((<usize>p) << 2);
      let bits = nonzeroBits(q);
      if (bits == 0) continue;
      if (count + popcnt(bits) > capacity) return 0;
      while (bits != 0) {
        const lane = ctz(bits);
        bits &= bits - 1;
        const term = terms + ((<usize>count) << 3);
        store<i32>(term, ((p + lane) * ldb) << 2);
        store<f32>(term, load<f32>(q + ((<usize>lane) << 2)), 4);
        count++;
      }
    }
    for (; p < k; p++) {
      const x = load<f32>(row + ((<usize>p) << 2));
      if (x == 0) continue;
      if (count == capacity) return 0;
      const term = terms + ((<usize>count) << 3);
      store<i32>(term, (p * ldb) << 2);
      store<f32>(term, x, 4);
      count++;
    }
    store<i32>(work + ((<usize>(i + 1)) << 2), count);
  }
  return 1;
}

/**
 * op(A) = Aᵀ: row i of op(A) is column i of A. A's rows are read in order into a list of
 * (i, p, value) entries while counting each i's terms; after a prefix sum the entries are
 * moved to their rows (p ascends within each, as in the dense sum).
 */
function listColumns(m: i32, k: i32, a: usize, lda: i32, ldb: i32, work: usize): i32 {
  const capacity = sparseCapacity(m, k);
  const terms = termsAt(work, m);
  const entries = terms + ((<usize>capacity) << 3);
  let count = 0;
  memory.fill(work, 0, (<usize>(m + 1)) << 2);
  for (let p = 0; p < k; p++) {
    const row = a + ((<usize>(p * lda)) << 2);
    const offset = (p * ldb) << 2;
    let i = 0;
    for (; i + 16 <= m; i += 16) {
      const q = row + ((<usize>i) << 2);
      let bits = nonzeroBits(q);
      if (bits == 0) continue;
      if (count + popcnt(bits) > capacity) return 0;
      while (bits != 0) {
        const lane = ctz(bits);
        bits &= bits - 1;
        count = addEntry(entries, count, work, i + lane, offset, load<f32>(q + ((<usize>lane) << 2)));
      }
    }
    for (; i < m; i++) {
      const x = load<f32>(row + ((<usize>i) << 2));
      if (x == 0) continue;
      if (count == capacity) return 0;
      count = addEntry(entries, count, work, i, offset, x);
    }
  }
  // Prefix sums: starts[i] = where row i's terms begin.
  for (let i = 0; i < m; i++) {
    const slot = work + ((<usize>(i + 1)) << 2);
    store<i32>(slot, load<i32>(slot) + load<i32>(slot - 4));
  }
  // Move each entry to its row, advancing starts[i] as a cursor (it ends at row i's end).
  for (let e = 0; e < count; e++) {
    const entry = entries + ((<usize>e) << 4);
    const slot = work + ((<usize>load<i32>(entry)) << 2);
    const at = load<i32>(slot);
    const term = terms + ((<usize>at) << 3);
    store<i32>(term, load<i32>(entry, 4));
    store<f32>(term, load<f32>(entry, 8), 4);
    store<i32>(slot, at + 1);
  }
  // Shift back: row i's terms begin where row i − 1's end.
  for (let i = m; i > 0; i--) store<i32>(work + ((<usize>i) << 2), load<i32>(work + ((<usize>(i - 1)) << 2)));
  store<i32>(work, 0);
  return 1;
}

/** Appends entry (i, B-row offset, x) and counts it for row i (kept in starts[i + 1]). */
function addEntry(entries: usize, count: i32, work: usize, i: i32, offset: i32, x: f32): i32 {
  const entry = entries + ((<usize>count) << 4);
  store<i32>(entry, i);
  store<i32>(entry, offset, 4);
  store<f32>(entry, x, 8);
  const slot = work + ((<usize>(i + 1)) << 2);
  store<i32>(slot, load<i32>(slot) + 1);
  return count + 1;
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
  const terms = termsAt(work, m);
  for (let i = rowStart; i < rowEnd; i++) {
    const first = terms + ((<usize>load<i32>(work + ((<usize>i) << 2))) << 3);
    const last = terms + ((<usize>load<i32>(work + ((<usize>(i + 1)) << 2))) << 3);
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
