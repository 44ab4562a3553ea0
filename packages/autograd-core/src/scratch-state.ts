/**
 * The state behind scratch scopes (scratch.ts), in a module of its own so that `allocate`
 * and `Tensor` can consult it without importing the backends.
 */
import type { TypedArray } from './dtype';

/** Memory a backend lends to one scratch scope at a time (the wasm backend: its kernels' memory). */
export interface ScratchArena {
  /**
   * An array of `length` floats, zeroed unless `zeroed` is false (then it holds whatever the
   * memory held), or null when the arena cannot hold it.
   */
  allocate(length: number, zeroed: boolean): Float32Array | null;
  /** Whether `a` lies in the arena's memory. */
  owns(a: TypedArray): boolean;
  /** Makes all of the arena's memory free again (every array it lent is then stale). */
  reset(): void;
}

/**
 * The arena of the scope running now (null outside one) and the generation: tensors on
 * scratch memory remember the generation they were made in, and every scope's end starts a
 * new one, so a tensor of an older generation is stale.
 */
export const scratch: { arena: ScratchArena | null; generation: number; poison: boolean } = {
  arena: null,
  generation: 1,
  /**
   * Fill arrays lent without zeroing with NaN (for tests: an op that leaves part of such an
   * output unwritten then shows NaN instead of a previous step's values).
   */
  poison: false,
};

/** Float32 arrays shorter than this stay ordinary ones (small arrays live on the JavaScript heap). */
export const SCRATCH_MIN_FLOATS = 256;

/** The generation a tensor on `data` belongs to: the current one for scratch memory, else 0 (never stale). */
export function scratchGenerationOf(data: TypedArray): number {
  const arena = scratch.arena;
  return arena !== null && arena.owns(data) ? scratch.generation : 0;
}
