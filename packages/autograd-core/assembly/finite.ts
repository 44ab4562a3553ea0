/** Finiteness scans shared by the kernels that must refuse NaN and ±Infinity. */

/**
 * Whether the n floats from `at` are all finite: x − x is 0 for a finite x and NaN
 * otherwise, summed in four independent sums (so the additions' latency does not
 * serialise the scan) with no branch per value.
 */
export function allFinite(at: usize, n: i32): bool {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const q = at + ((<usize>i) << 2);
    const v0 = v128.load(q);
    const v1 = v128.load(q, 16);
    const v2 = v128.load(q, 32);
    const v3 = v128.load(q, 48);
    a0 = f32x4.add(a0, f32x4.sub(v0, v0));
    a1 = f32x4.add(a1, f32x4.sub(v1, v1));
    a2 = f32x4.add(a2, f32x4.sub(v2, v2));
    a3 = f32x4.add(a3, f32x4.sub(v3, v3));
  }
  let tail: f32 = 0;
  for (; i < n; i++) {
    const x = load<f32>(at + ((<usize>i) << 2));
    tail += x - x;
  }
  const sum = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  return i32x4.all_true(f32x4.eq(sum, f32x4.splat(0))) && tail == 0;
}

/** Floats per block of `indexOfNonFinite`'s branch-free scan. */
const SCAN_BLOCK: i32 = 1024;

/**
 * The index of the first NaN or ±Infinity among the n floats from `at`, or −1: blocks are
 * scanned by `allFinite`, and only a block that is not all finite value by value.
 */
export function indexOfNonFinite(at: usize, n: i32): i32 {
  for (let start = 0; start < n; start += SCAN_BLOCK) {
    const count = min(SCAN_BLOCK, n - start);
    const block = at + ((<usize>start) << 2);
    if (allFinite(block, count)) continue;
    for (let i = 0; i < count; i++) {
      const x = load<f32>(block + ((<usize>i) << 2));
      if (x - x != 0) return start + i;
    }
  }
  return -1;
}
