/**
 * RandomStream: a generator of its own (a model's dropout and shuffling), derived from the
 * global seed when it is created, so concurrent work draws the same numbers whatever the
 * interleaving. Its state can be saved and restored exactly (to resume training).
 */
import seedrandom from 'seedrandom';
import { nextStreamSeed, runWithGenerator } from './random';

/** Numbers in a saved stream state: ARC4's two indices and its 256-entry permutation. */
export const RANDOM_STREAM_STATE_SIZE = 258;

export class RandomStream {
  private prng: seedrandom.StatefulPRNG<seedrandom.State.Arc4>;

  /** A stream seeded with `seed`, or derived from the global seed (see `setSeed`). */
  constructor(seed?: string) {
    this.prng = seedrandom(seed ?? nextStreamSeed(), { state: true });
  }

  /** A uniform float in [0, 1). */
  readonly next = (): number => this.prng();

  /** Runs `fn` with every `random()` draw (dropout, initialisers) taken from this stream. */
  run<T>(fn: () => T): T {
    return runWithGenerator(this.next, fn);
  }

  /** The generator's state as RANDOM_STREAM_STATE_SIZE numbers: [i, j, S[0..255]]. */
  getState(): Float64Array {
    const { i, j, S } = this.prng.state();
    const out = new Float64Array(RANDOM_STREAM_STATE_SIZE);
    out[0] = i;
    out[1] = j;
    out.set(S, 2);
    return out;
  }

  /** Restores a state from getState; refuses anything that is not one (naming `what`). */
  setState(state: ArrayLike<number>, what = 'random stream state'): void {
    if (state.length !== RANDOM_STREAM_STATE_SIZE)
      throw new Error(`${what}: expected ${RANDOM_STREAM_STATE_SIZE} numbers, got ${state.length}`);
    const S = Array.from(state).slice(2);
    const seen = new Uint8Array(256);
    for (let k = 0; k < state.length; k++) {
      const v = state[k];
      if (!Number.isInteger(v) || v < 0 || v > 255)
        throw new Error(`${what}: element ${k} is ${v}, expected an integer in [0, 255]`);
    }
    for (const v of S) {
      if (seen[v]++) throw new Error(`${what}: the permutation repeats ${v}`);
    }
    this.prng = seedrandom('', { state: { i: state[0], j: state[1], S } });
  }
}
