import seedrandom from 'seedrandom';

/** The one random generator every draw in Zen-TS uses (initialisers, dropout, shuffling). */
let generator: seedrandom.PRNG = seedrandom();

/** Makes every later random draw reproducible. */
export function setSeed(seed: number | string): void {
  generator = seedrandom(String(seed));
}

/** A uniform float in [0, 1) from the global generator. */
export function random(): number {
  return generator();
}

/** A new independent generator seeded from `seed` (for a DataLoader's own shuffles). */
export function makeGenerator(seed: number | string): () => number {
  return seedrandom(String(seed));
}

/** A standard normal draw (Box-Muller transform). */
export function randomNormal(next: () => number = generator): number {
  let u = 0;
  while (u === 0) u = next();
  const v = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher-Yates shuffle of `indices` in place. */
export function shuffleInPlace(indices: Int32Array | number[], next: () => number = generator): void {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = indices[i];
    indices[i] = indices[j];
    indices[j] = t;
  }
}
