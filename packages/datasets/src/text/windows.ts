/**
 * Next-token training windows over a token sequence: x = ids[s … s+T), y = ids[s+1 … s+T]
 * for random starts s. Batches are cut on demand (nothing is materialised up front) from
 * a seeded generator, so every epoch draws fresh windows reproducibly; a fixed held-out
 * tail of the text serves for validation.
 */
import { Tensor, makeGenerator } from '@zen/autograd-core';

export interface TextSplitOptions {
  /** Fraction of the tokens, from the end, held out for validation; default 0.1. */
  validationFraction?: number;
}

/** The token ids cut into a training head and a held-out validation tail. */
export function splitTokens(
  ids: Int32Array,
  options: TextSplitOptions = {},
): { train: Int32Array; validation: Int32Array } {
  const fraction = options.validationFraction ?? 0.1;
  if (!(fraction >= 0 && fraction < 1)) {
    throw new Error(`splitTokens: validationFraction must be in [0, 1), got ${fraction}`);
  }
  const cut = Math.floor(ids.length * (1 - fraction));
  return { train: ids.subarray(0, cut), validation: ids.subarray(cut) };
}

export interface TextWindowsOptions {
  /** Steps per window (the model's context length). */
  sequenceLength: number;
  /** Windows per batch. */
  batchSize: number;
  /** Batches one iteration (epoch) yields. */
  batchesPerEpoch: number;
  /** Seed of the window starts; epoch e draws from seed `${seed}/${e}`. Default 0. */
  seed?: number | string;
}

/** One batch of windows: x and y are int32 [batchSize, sequenceLength]. */
export interface TextBatch {
  x: Tensor;
  y: Tensor;
}

/** Random next-token windows, re-iterable: each pass over it is one epoch of fresh draws. */
export class TextWindows implements Iterable<TextBatch> {
  readonly sequenceLength: number;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  private readonly seed: number | string;
  private epoch = 0;

  constructor(
    readonly ids: Int32Array,
    options: TextWindowsOptions,
  ) {
    for (const key of ['sequenceLength', 'batchSize', 'batchesPerEpoch'] as const) {
      const v = options[key];
      if (!Number.isInteger(v) || v <= 0)
        throw new Error(`TextWindows: ${key} must be a positive integer, got ${v}`);
    }
    if (ids.length < options.sequenceLength + 1) {
      throw new Error(
        `TextWindows: ${ids.length} tokens are too few for windows of ${options.sequenceLength} steps plus a target`,
      );
    }
    this.sequenceLength = options.sequenceLength;
    this.batchSize = options.batchSize;
    this.batchesPerEpoch = options.batchesPerEpoch;
    this.seed = options.seed ?? 0;
  }

  /** The batch of windows starting at `starts`. */
  batchAt(starts: ArrayLike<number>): TextBatch {
    const T = this.sequenceLength;
    const x = new Int32Array(starts.length * T);
    const y = new Int32Array(starts.length * T);
    for (let b = 0; b < starts.length; b++) {
      const s = starts[b];
      if (!(Number.isInteger(s) && s >= 0 && s + T < this.ids.length)) {
        throw new Error(`TextWindows: window start ${s} is outside [0, ${this.ids.length - T - 1}]`);
      }
      x.set(this.ids.subarray(s, s + T), b * T);
      y.set(this.ids.subarray(s + 1, s + T + 1), b * T);
    }
    return { x: new Tensor(x, [starts.length, T]), y: new Tensor(y, [starts.length, T]) };
  }

  /** One epoch: `batchesPerEpoch` batches of uniformly random windows (the next epoch draws anew). */
  *[Symbol.iterator](): Iterator<TextBatch> {
    const next = makeGenerator(`${this.seed}/${this.epoch++}`);
    const range = this.ids.length - this.sequenceLength; // starts 0 … length − T − 1
    for (let n = 0; n < this.batchesPerEpoch; n++) {
      const starts = Array.from({ length: this.batchSize }, () => Math.floor(next() * range));
      yield this.batchAt(starts);
    }
  }
}
