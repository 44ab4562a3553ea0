/**
 * Datasets for fit and evaluate (Keras's `fit(dataset)`, tfjs's `fitDataset`): anything
 * that iterates, synchronously or not, over batches `{ x, y, sampleWeight? }` (or tfjs's
 * `{ xs, ys }`, or `[x, y, sampleWeight?]`) — a DataLoader, an array of batches, a
 * generator, an async generator, or a tf.data-style object with `iterator()`.
 *
 * Re-iterable datasets (a fresh iterator on each request: arrays, DataLoader, objects
 * whose [Symbol.iterator] is a generator method) start a new pass every epoch. One-shot
 * iterators (a generator object) continue where the last epoch stopped and need the
 * number of batches per epoch (stepsPerEpoch) when there is more than one epoch.
 */
import { Tensor, ValueError, nearestName } from '@zen/autograd-core';
import { describeValue } from '../describe';
import type { ModelData, TrainableModel } from './trainable';
import { type DataLists, readData } from './data';
import { type SampleWeight, readSampleWeight } from './sample-weights';

/** A batch as a dataset yields it (Keras); `sampleWeight` weights its samples' losses. */
export interface DatasetBatch {
  x: ModelData;
  y: ModelData;
  sampleWeight?: SampleWeight;
}

/** A batch as tfjs's datasets yield it. */
export interface TfjsDatasetBatch {
  xs: ModelData;
  ys: ModelData;
}

/** One element of a dataset: one batch. */
export type DatasetElement =
  | DatasetBatch
  | TfjsDatasetBatch
  | readonly [ModelData, ModelData]
  | readonly [ModelData, ModelData, SampleWeight];

/** A tf.data-style dataset: each `iterator()` call starts a new pass. */
export interface IteratorSource<T> {
  iterator(): Promise<{ next(): Promise<IteratorResult<T>> }>;
}

/** What fit and evaluate take as a dataset. */
export type Dataset<T = DatasetElement> = Iterable<T> | AsyncIterable<T> | IteratorSource<T>;

/** A batch ready for a train or test step, with a way to name its rows in messages. */
export interface Batch extends DataLists {
  /** Number of samples in the batch. */
  size: number;
  /** How messages name row `r` of the batch in the user's data ('of sample 1234'). */
  describeRow(r: number): string;
}

type AnyIterator<T> = Iterator<T> | AsyncIterator<T>;

/** True for anything fit treats as a dataset rather than x (a Tensor, an array of Tensors, an object of Tensors). */
export function isDataset(value: unknown): value is Dataset<unknown> {
  if (value === null || typeof value !== 'object' || value instanceof Tensor) return false;
  if (Array.isArray(value)) return value.length > 0 && value.every(isBatchObject);
  const v = value as Record<PropertyKey, unknown>;
  return (
    typeof v[Symbol.iterator] === 'function' ||
    typeof v[Symbol.asyncIterator] === 'function' ||
    typeof v.iterator === 'function'
  );
}

/** An element of an array dataset: an object with x and y (or xs and ys). */
function isBatchObject(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Tensor) return false;
  return ('x' in v && 'y' in v) || ('xs' in v && 'ys' in v);
}

const ELEMENT_KEYS = ['x', 'y', 'sampleWeight', 'xs', 'ys'];

/**
 * Batches from a dataset, pass by pass (re-iterable) or continuing (one-shot). `what`
 * names it in messages ('the dataset', 'validationData').
 */
export class DatasetBatches {
  /** True for a one-shot iterator (a generator object): it cannot start over. */
  readonly oneShot: boolean;
  /** Batches per pass when the dataset knows it (an array, a DataLoader), else null. */
  readonly length: number | null;
  /** Set by `epoch` when the data ended before the requested number of batches. */
  ranOut = false;
  private readonly source: Record<PropertyKey, unknown>;
  private current: AnyIterator<unknown> | null = null;
  private pending: AnyIterator<unknown> | null;

  constructor(
    private readonly model: TrainableModel,
    dataset: Dataset<unknown>,
    private readonly where: string,
    private readonly what: string,
  ) {
    this.source = dataset as unknown as Record<PropertyKey, unknown>;
    const d = this.source;
    if (typeof d.iterator === 'function' && !(Symbol.iterator in d) && !(Symbol.asyncIterator in d)) {
      this.oneShot = false;
      this.pending = null;
    } else {
      this.pending = this.newIterator();
      this.oneShot = this.pending === (dataset as unknown);
    }
    const len = (d as { length?: unknown }).length;
    this.length = typeof len === 'number' && Number.isInteger(len) && len >= 0 ? len : null;
  }

  private newIterator(): AnyIterator<unknown> {
    const d = this.source as Record<PropertyKey, () => AnyIterator<unknown>>;
    return typeof d[Symbol.asyncIterator] === 'function' ? d[Symbol.asyncIterator]() : d[Symbol.iterator]();
  }

  private async iterator(): Promise<AnyIterator<unknown>> {
    if (this.pending) {
      const it = this.pending;
      this.pending = null;
      return it;
    }
    if (this.oneShot) return this.source as unknown as AnyIterator<unknown>;
    const d = this.source as Partial<IteratorSource<unknown>>;
    if (typeof d.iterator === 'function' && !(Symbol.iterator in d) && !(Symbol.asyncIterator in d))
      return (await d.iterator()) as AnyIterator<unknown>;
    return this.newIterator();
  }

  /**
   * One epoch's batches: `steps` of them (or up to the end of a pass when null). A
   * re-iterable dataset starts a new pass; a one-shot one continues. Sets `ranOut` when
   * the data ended before `steps` batches.
   */
  async *epoch(steps: number | null, epoch: number): AsyncGenerator<Batch> {
    if (this.current === null || !this.oneShot) this.current = await this.iterator();
    const it = this.current;
    this.ranOut = false;
    let n = 0;
    let ended = false;
    try {
      while (steps === null || n < steps) {
        const next = await it.next();
        if (next.done) {
          ended = true;
          this.ranOut = steps !== null;
          return;
        }
        n++;
        yield this.toBatch(next.value, n, epoch);
      }
    } finally {
      // A pass left before its end (steps reached, training stopped) is closed, unless it continues next epoch.
      if (!this.oneShot && !ended) await it.return?.();
    }
  }

  /** Checks one element and reads it into lists in input/output order. */
  private toBatch(element: unknown, n: number, epoch: number): Batch {
    const label = `batch ${n} (epoch ${epoch + 1}) of ${this.what}`;
    const where = `${this.where}: ${label}`;
    const { x, y, sampleWeight } = this.parts(element, where);
    const data = readData(this.model, where, x, y);
    const size = data.x[0].shape[0];
    const weights = readSampleWeight(where, sampleWeight, this.model.outputNames, data.y.length, size);
    return { ...data, sampleWeight: weights, size, describeRow: (r) => `at row ${r} of ${label}` };
  }

  /** x, y and sampleWeight of an element in any of the accepted forms. */
  private parts(element: unknown, where: string): { x: unknown; y: unknown; sampleWeight: unknown } {
    const form = `elements are { x, y, sampleWeight? } batches (or tfjs's { xs, ys }, or [x, y, sampleWeight?])`;
    if (Array.isArray(element)) {
      if (element.length < 2 || element.length > 3)
        throw new ValueError(`${where} is an array of ${element.length} items: ${form}`);
      return { x: element[0], y: element[1], sampleWeight: element[2] };
    }
    if (element === null || typeof element !== 'object' || element instanceof Tensor)
      throw new ValueError(`${where} is ${describeValue(element)}: ${form}`);
    const e = element as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (ELEMENT_KEYS.includes(key)) continue;
      const near = nearestName(key, ELEMENT_KEYS);
      throw new ValueError(
        `${where} has an unknown key '${key}'${near ? ` (did you mean '${near}'?)` : ''}: ${form}`,
      );
    }
    const tfjs = 'xs' in e || 'ys' in e;
    const x = tfjs ? e.xs : e.x;
    const y = tfjs ? e.ys : e.y;
    const [xName, yName] = tfjs ? ['xs', 'ys'] : ['x', 'y'];
    if (x === undefined) throw new ValueError(`${where} has no '${xName}': ${form}`);
    if (y === undefined)
      throw new ValueError(
        `${where} has no '${yName}': training and evaluation need targets (${form}); for inputs alone use predict`,
      );
    return { x, y, sampleWeight: e.sampleWeight };
  }
}
