/** The finiteness scan of data arrays (fit's batches, predict's inputs). */
import type { TypedArray } from '../dtype';

/** Values per block of the scan. */
const SCAN_BLOCK = 4096;

/**
 * The index of the first NaN or ±Infinity in `d`, or −1. Each block is summed as v·0
 * (±0 for a finite v, NaN otherwise) in four independent sums, with no branch per value;
 * only a block whose sum is not 0 is searched value by value. Integer arrays are finite.
 */
export function indexOfNonFiniteKernel(d: TypedArray): number {
  if (!(d instanceof Float32Array || d instanceof Float64Array)) return -1;
  for (let start = 0; start < d.length; start += SCAN_BLOCK) {
    const end = Math.min(d.length, start + SCAN_BLOCK);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = start;
    for (; i + 4 <= end; i += 4) {
      s0 += d[i] * 0;
      s1 += d[i + 1] * 0;
      s2 += d[i + 2] * 0;
      s3 += d[i + 3] * 0;
    }
    for (; i < end; i++) s0 += d[i] * 0;
    if (s0 + s1 + s2 + s3 === 0) continue;
    for (let j = start; j < end; j++) if (d[j] - d[j] !== 0) return j;
  }
  return -1;
}
