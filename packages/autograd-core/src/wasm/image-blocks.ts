/**
 * Cutting a batch into blocks of whole images for the helper threads (threads.ts): how
 * many blocks, which images each holds, and a geometry block per block. The count
 * depends only on the work and the configured threads, never on which thread is free,
 * so results are the same from run to run.
 */
import type { WindowGeometry } from '../kernels/conv';
import type { WasmHeap } from './heap';
import { type KernelThreads, MAX_BLOCKS } from './threads';

/** Blocks per thread: more than one balances a helper that joins late. */
const BLOCKS_PER_THREAD = 4;
/** Floats reserved for each block's geometry (14 i32 fields, padded to a cache line). */
export const GEOMETRY_FLOATS = 16;

/** Blocks a batch is cut into: 1 without helpers or when the work is too small to share. */
export function imageBlockCount(threads: KernelThreads, batch: number, worthSharing: boolean): number {
  if (threads.helpers === 0 || !worthSharing) return 1;
  return Math.min(batch, MAX_BLOCKS, BLOCKS_PER_THREAD * (1 + threads.helpers));
}

/** Splits images 0..batch into `parts` consecutive ranges of nearly equal size: [start, end) pairs. */
export function imageRanges(batch: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, p): [number, number] => [
    Math.round((batch * p) / parts),
    Math.round((batch * (p + 1)) / parts),
  ]);
}

/** Writes `g` narrowed to each range's images at `at` (GEOMETRY_FLOATS apart); returns their addresses. */
export function blockGeometries(
  heap: WasmHeap,
  g: WindowGeometry,
  ranges: readonly [number, number][],
  at: number,
): number[] {
  return ranges.map(([start, end], b) =>
    heap.writeGeometry({ ...g, batch: end - start }, at + b * GEOMETRY_FLOATS * 4),
  );
}
