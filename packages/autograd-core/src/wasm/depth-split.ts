/**
 * Deep products — weight gradients op(A)·op(B) = Xᵀ·dY, whose depth (batch × positions)
 * is many times their sides — cut along the depth into DEPTH_PARTS products whose partial
 * sums are then added. Each part packs only its own slices of A and B on whichever thread
 * runs it, where the split by rows packs all of B on the calling thread first while the
 * helpers wait. The cut depends only on the shape (never on how many threads join), so a
 * product's result is the same however its parts are shared.
 */
import type { GemmJob } from './backend';
import { taperedSizes } from './tapered-split';

/**
 * Parts a deep product is cut into: several per thread balance a helper that joins late
 * or runs slower (the caller then waits at most for one part). Eight against four: the
 * GPT's training 1.075× (median of 8 alternated runs) when the helper lagged, 0.99–1.02×
 * on steadier stretches.
 */
export const DEPTH_PARTS = 8;
/** A product is deep when its depth is at least this many times its longer side. */
const DEPTH_RATIO = 2;

/** Whether an m×n product of depth k is cut along its depth (C must be a whole number of vectors). */
export function splitsDepth(m: number, n: number, k: number): boolean {
  return k >= DEPTH_RATIO * Math.max(m, n) && (m * n) % 4 === 0;
}

/**
 * The parts of `job` (C contiguous: ldc = n), at most DEPTH_PARTS, shallower towards the
 * end (tapered-split.ts): part 0 writes C, part p > 0 writes the m×n block at `partials` +
 * (p − 1)·m·n floats (byte addresses).
 */
export function depthParts(job: GemmJob, partials: number): GemmJob[] {
  const { m, n } = job;
  const parts: GemmJob[] = [];
  let end = 0;
  for (const depth of taperedSizes(job.k, DEPTH_PARTS)) {
    const p = parts.length;
    const start = end;
    end = start + depth;
    // op(A)'s depth runs along A's rows when A is transposed, else along its columns; op(B)'s the other way.
    const a = job.a + (job.transA ? start * job.lda : start) * 4;
    const b = job.b + (job.transB ? start : start * job.ldb) * 4;
    const c = p === 0 ? job.c : partials + (p - 1) * m * n * 4;
    parts.push({ ...job, k: end - start, a, b, c, ldc: n });
  }
  return parts;
}
