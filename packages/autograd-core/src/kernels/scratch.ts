import type { ScratchArena } from '../scratch-state';

/** The TypeScript backend lends no scratch memory: tensors in a scratch scope are ordinary arrays. */
export function scratchArenaKernel(): ScratchArena | null {
  return null;
}
