import seedrandom from 'seedrandom';

/** The one random generator every draw in Zen-TS uses (initialisers, dropout, shuffling). */
let generator: seedrandom.PRNG = seedrandom();
/** What per-model streams are derived from: the last seed given to setSeed (or an automatic one). */
let streamBase = `auto-${seedrandom()()}`;
/** How many streams were derived since the last setSeed. */
let streamsDerived = 0;
/** A generator temporarily standing in for the global one (see runWithGenerator). */
let active: (() => number) | null = null;

/** Makes every later random draw reproducible. */
export function setSeed(seed: number | string): void {
  generator = seedrandom(String(seed));
  streamBase = String(seed);
  streamsDerived = 0;
}

/** A uniform float in [0, 1): from the generator of the running `runWithGenerator`, else the global one. */
export function random(): number {
  return active ? active() : generator();
}

/**
 * Runs `fn` (synchronously) with every `random()` draw taken from `next`; the global
 * generator is left untouched. Models train inside their own stream this way.
 */
export function runWithGenerator<T>(next: () => number, fn: () => T): T {
  const previous = active;
  active = next;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/**
 * The seed of the next derived stream: the global seed and a counter, so the k-th stream
 * created after `setSeed(s)` is the same in every run, whatever else drew numbers since.
 */
export function nextStreamSeed(): string {
  return `${streamBase}/stream-${streamsDerived++}`;
}

/** A new independent generator seeded from `seed` (for a DataLoader's own shuffles). */
export function makeGenerator(seed: number | string): () => number {
  return seedrandom(String(seed));
}

/** A standard normal draw (Box-Muller transform). */
export function randomNormal(next: () => number = random): number {
  let u = 0;
  while (u === 0) u = next();
  const v = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher-Yates shuffle of `indices` in place. */
export function shuffleInPlace(indices: Int32Array | number[], next: () => number = random): void {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = indices[i];
    indices[i] = indices[j];
    indices[j] = t;
  }
}
