/** Mini-batches of (x, y) rows for training loops. */
import { Tensor, checkOptions, makeGenerator, random, shuffleInPlace } from '@zen/autograd-core';
import { checkSameRows, identityOrder, takeRows } from './rows';

export interface DataLoaderOptions {
  /** Rows per batch; 32 by default. */
  batchSize?: number;
  /** Visit the rows in a new random order every epoch; false by default. */
  shuffle?: boolean;
  /**
   * Seed of the shuffles: the same seed gives the same sequence of epoch orders.
   * Without one, a seed is drawn from the global generator (see `setSeed`).
   */
  seed?: number | string;
  /** Leave out the last batch when it would be smaller than `batchSize`; false by default. */
  dropLast?: boolean;
  /** One weight per row; batches then carry the rows' weights as `sampleWeight` (for fit). */
  sampleWeight?: Tensor;
}

const OPTIONS = ['batchSize', 'shuffle', 'seed', 'dropLast', 'sampleWeight'];

/** One batch: rows of x, and the matching rows of y (and sample weights) when the loader has them. */
export type Batch<Y extends Tensor | undefined = Tensor> = Y extends Tensor
  ? { x: Tensor; y: Tensor; sampleWeight?: Tensor }
  : { x: Tensor };

/**
 * Iterates over `x` (and `y`) in batches of rows, as Tensors. Each `for … of` is one
 * epoch; with `shuffle`, every epoch visits the rows in a fresh order drawn from the
 * loader's own seeded generator. Pass `undefined` for `y` to batch inputs alone.
 * @example
 * for (const { x, y } of new DataLoader(images, labels, { batchSize: 64, shuffle: true, seed: 1 })) {}
 */
export class DataLoader<Y extends Tensor | undefined = Tensor> implements Iterable<Batch<Y>> {
  readonly x: Tensor;
  readonly y: Y;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly sampleWeight: Tensor | undefined;
  private readonly next: () => number;

  constructor(x: Tensor, y: Y, options: DataLoaderOptions = {}) {
    checkOptions({ call: 'new DataLoader', positional: 'batchSize', before: 'x, y, ' }, options, OPTIONS);
    const { batchSize = 32, shuffle = false, dropLast = false, sampleWeight } = options;
    if (!(x instanceof Tensor) || x.ndim === 0) {
      throw new Error('DataLoader: x must be a Tensor with at least one axis (rows along axis 0)');
    }
    if (y !== undefined) {
      if (!(y instanceof Tensor)) throw new Error('DataLoader: y must be a Tensor or undefined');
      checkSameRows('DataLoader', x, y);
    }
    if (sampleWeight !== undefined) {
      if (!(sampleWeight instanceof Tensor)) throw new Error('DataLoader: sampleWeight must be a Tensor');
      if (y === undefined) throw new Error('DataLoader: sampleWeight weighs the targets; give y too');
      checkSameRows('DataLoader (sampleWeight)', x, sampleWeight);
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    this.x = x;
    this.y = y;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.sampleWeight = sampleWeight;
    this.next = makeGenerator(options.seed ?? Math.floor(random() * 2 ** 32));
  }

  /** Number of rows. */
  get numSamples(): number {
    return this.x.shape[0];
  }

  /** Number of batches in one epoch. */
  get length(): number {
    const n = this.numSamples / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** One epoch of batches (reshuffled on every call when `shuffle` is on). */
  *[Symbol.iterator](): Iterator<Batch<Y>> {
    const order = identityOrder(this.numSamples);
    if (this.shuffle) shuffleInPlace(order, this.next);
    for (let b = 0; b < this.length; b++) {
      const rows = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      const x = takeRows(this.x, rows);
      if (this.y === undefined) yield { x } as Batch<Y>;
      else if (this.sampleWeight === undefined) yield { x, y: takeRows(this.y, rows) } as Batch<Y>;
      else
        yield { x, y: takeRows(this.y, rows), sampleWeight: takeRows(this.sampleWeight, rows) } as Batch<Y>;
    }
  }
}
