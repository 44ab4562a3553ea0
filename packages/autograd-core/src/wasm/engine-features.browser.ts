/**
 * Browser twin of engine-features.ts: a page cannot switch engine features on, so the
 * relaxed SIMD build is used where the browser validates it (Chrome has it from version 114).
 */

/** Whether relaxed SIMD may be used here. */
export function relaxedSimdWanted(): boolean {
  return true;
}

/** Nothing to switch on in a browser. */
export function enableRelaxedSimd(): void {}
