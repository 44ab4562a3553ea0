/**
 * Pieces that shrink, for work that threads take from a shared counter (threads.ts).
 * Whoever runs out of pieces first waits for the others' last piece: with equal pieces
 * that wait is half a piece on average (a sixteenth of the work for 8 pieces on 2
 * threads); with pieces that shrink towards the end (guided scheduling) it is half of a
 * small one. Measured on the char-GPT's training: the calling thread waited for its
 * helper 8 % of the time it spent in shared products with 8 equal bands.
 */

/** What remains for the last piece, at most, as a fraction of the whole. */
const TAIL = 0.02;

/**
 * The fraction of what remains each piece takes so that `count` pieces end with a last
 * piece of at most TAIL of the whole: (1 − share)^(count − 1) = TAIL.
 */
export function taperShare(count: number): number {
  return count <= 1 ? 1 : 1 - Math.pow(TAIL, 1 / (count - 1));
}

/**
 * Cuts `units` into at most `count` consecutive sizes, each `share` of what remains
 * (rounded, at least one unit); the last takes the rest. Sizes are whole units and add up
 * to `units`; they depend only on the arguments.
 */
export function taperedSizes(units: number, count: number, share = taperShare(count)): number[] {
  const sizes: number[] = [];
  let left = units;
  for (let p = 0; p < count - 1 && left > 0; p++) {
    const size = Math.min(left, Math.max(1, Math.round(left * share)));
    sizes.push(size);
    left -= size;
  }
  if (left > 0) sizes.push(left);
  return sizes;
}

/**
 * Rows 0..m as at most `count` bands of whole tiles of `tileRows` rows (the last band ends
 * at m), shrinking towards the end: [start, end) pairs.
 */
export function taperedRowBands(m: number, count: number, tileRows: number): [number, number][] {
  const bands: [number, number][] = [];
  let start = 0;
  for (const tiles of taperedSizes(Math.ceil(m / tileRows), count)) {
    const end = Math.min(m, start + tiles * tileRows);
    bands.push([start, end]);
    start = end;
  }
  return bands;
}
