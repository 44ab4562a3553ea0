/**
 * Stateful metrics (Keras's Metric API): `updateState` accumulates over batches,
 * `result` is the value over everything seen since `resetState`, so epoch values are
 * exact rather than averages of batch values. fit and evaluate reset them at the start
 * of every epoch and evaluation.
 */
import { type Tensor } from '@zen/autograd-core';
import { formatSymbolicShape } from './shapes';

export abstract class Metric {
  /** Key in logs and History (Keras's default names: 'auc', 'precision', …). */
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  abstract updateState(yTrue: Tensor, yPred: Tensor): void;
  abstract result(): number;
  abstract resetState(): void;
}

/** Per-threshold confusion counts of binary (0/1) targets against scores. */
class ConfusionCounts {
  tp: Float64Array;
  fp: Float64Array;
  tn: Float64Array;
  fn: Float64Array;

  constructor(readonly thresholds: readonly number[]) {
    const n = thresholds.length;
    this.tp = new Float64Array(n);
    this.fp = new Float64Array(n);
    this.tn = new Float64Array(n);
    this.fn = new Float64Array(n);
  }

  update(owner: string, yTrue: Tensor, yPred: Tensor): void {
    if (yTrue.size !== yPred.size) {
      throw new Error(
        `${owner}: yTrue of shape ${formatSymbolicShape(yTrue.shape)} does not match yPred of shape ${formatSymbolicShape(yPred.shape)}`,
      );
    }
    const t = yTrue.data;
    const p = yPred.data;
    this.thresholds.forEach((threshold, k) => {
      for (let i = 0; i < p.length; i++) {
        const positive = t[i] > 0.5;
        if (p[i] > threshold) {
          if (positive) this.tp[k]++;
          else this.fp[k]++;
        } else if (positive) this.fn[k]++;
        else this.tn[k]++;
      }
    });
  }

  reset(): void {
    for (const a of [this.tp, this.fp, this.tn, this.fn]) a.fill(0);
  }
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

export interface ThresholdMetricArgs {
  /** A prediction above it counts as positive; default 0.5. */
  threshold?: number;
  name?: string;
}

/** tp / (tp + fp) over everything seen, at a threshold (default 0.5). */
export class Precision extends Metric {
  private readonly counts: ConfusionCounts;
  constructor(args: ThresholdMetricArgs = {}) {
    super(args.name ?? 'precision');
    this.counts = new ConfusionCounts([args.threshold ?? 0.5]);
  }
  updateState(yTrue: Tensor, yPred: Tensor): void {
    this.counts.update(this.name, yTrue, yPred);
  }
  result(): number {
    return ratio(this.counts.tp[0], this.counts.tp[0] + this.counts.fp[0]);
  }
  resetState(): void {
    this.counts.reset();
  }
}

/** tp / (tp + fn) over everything seen, at a threshold (default 0.5). */
export class Recall extends Metric {
  private readonly counts: ConfusionCounts;
  constructor(args: ThresholdMetricArgs = {}) {
    super(args.name ?? 'recall');
    this.counts = new ConfusionCounts([args.threshold ?? 0.5]);
  }
  updateState(yTrue: Tensor, yPred: Tensor): void {
    this.counts.update(this.name, yTrue, yPred);
  }
  result(): number {
    return ratio(this.counts.tp[0], this.counts.tp[0] + this.counts.fn[0]);
  }
  resetState(): void {
    this.counts.reset();
  }
}

export interface AUCArgs {
  /** 'ROC' (default) or 'PR'. */
  curve?: 'ROC' | 'PR';
  /** Thresholds evenly spaced in [0, 1] (Keras's default 200). */
  numThresholds?: number;
  name?: string;
}

/**
 * Area under the ROC or precision–recall curve from confusion counts at evenly spaced
 * thresholds (Keras's AUC with summation 'interpolation': trapezoids for ROC, the
 * Davis–Goadrich interpolation for PR).
 */
export class AUC extends Metric {
  readonly curve: 'ROC' | 'PR';
  private readonly counts: ConfusionCounts;

  constructor(args: AUCArgs = {}) {
    super(args.name ?? 'auc');
    this.curve = args.curve ?? 'ROC';
    if (this.curve !== 'ROC' && this.curve !== 'PR') {
      throw new Error(`AUC: curve must be 'ROC' or 'PR', got '${this.curve as string}'`);
    }
    const n = args.numThresholds ?? 200;
    if (!Number.isInteger(n) || n < 2) throw new Error(`AUC: numThresholds must be an integer ≥ 2, got ${n}`);
    const eps = 1e-7;
    const thresholds = Array.from({ length: n }, (_, i) => i / (n - 1));
    thresholds[0] = -eps;
    thresholds[n - 1] = 1 + eps;
    this.counts = new ConfusionCounts(thresholds);
  }

  updateState(yTrue: Tensor, yPred: Tensor): void {
    this.counts.update(this.name, yTrue, yPred);
  }

  result(): number {
    const { tp, fp, tn, fn } = this.counts;
    let area = 0;
    for (let i = 0; i + 1 < tp.length; i++) {
      if (this.curve === 'ROC') {
        const tpr = (k: number) => ratio(tp[k], tp[k] + fn[k]);
        const fpr = (k: number) => ratio(fp[k], fp[k] + tn[k]);
        area += ((fpr(i) - fpr(i + 1)) * (tpr(i) + tpr(i + 1))) / 2;
      } else {
        // Precision interpolated linearly in the number of predicted positives p = tp + fp.
        const dtp = tp[i] - tp[i + 1];
        const p0 = tp[i] + fp[i];
        const p1 = tp[i + 1] + fp[i + 1];
        const slope = ratio(dtp, Math.max(p0 - p1, 0));
        const intercept = tp[i + 1] - slope * p1;
        const logRatio = p0 > 0 && p1 > 0 ? Math.log(p0 / p1) : 0;
        area += ratio(slope * (dtp + intercept * logRatio), Math.max(tp[i + 1] + fn[i + 1], 0));
      }
    }
    return area;
  }

  resetState(): void {
    this.counts.reset();
  }
}

/** Index of the largest of n values from offset. */
function argmax(d: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (d[offset + k] > d[offset + best]) best = k;
  return best;
}

/** The target's class in each row: an integer label, or the argmax of a one-hot row. */
function targetClasses(yTrue: Tensor, rows: number, classes: number): (r: number) => number {
  if (yTrue.size === rows) return (r) => yTrue.data[r];
  if (yTrue.size === rows * classes) return (r) => argmax(yTrue.data, r * classes, classes);
  throw new Error(
    `metric: yTrue of shape ${formatSymbolicShape(yTrue.shape)} for ${rows} rows of ${classes} classes`,
  );
}

export interface TopKArgs {
  /** Default 5. */
  k?: number;
  name?: string;
}

/** Fraction of rows whose target class is among the k largest predictions (one-hot or integer targets). */
export class TopKCategoricalAccuracy extends Metric {
  readonly k: number;
  private hits = 0;
  private count = 0;

  constructor(args: TopKArgs = {}) {
    super(args.name ?? 'top_k_categorical_accuracy');
    this.k = args.k ?? 5;
  }

  updateState(yTrue: Tensor, yPred: Tensor): void {
    const classes = yPred.shape[yPred.ndim - 1];
    const rows = yPred.size / classes;
    const target = targetClasses(yTrue, rows, classes);
    const p = yPred.data;
    for (let r = 0; r < rows; r++) {
      const t = target(r);
      const score = p[r * classes + t];
      let above = 0;
      for (let c = 0; c < classes; c++) if (p[r * classes + c] > score) above++;
      if (above < this.k) this.hits++;
    }
    this.count += rows;
  }

  result(): number {
    return ratio(this.hits, this.count);
  }

  resetState(): void {
    this.hits = 0;
    this.count = 0;
  }
}

export interface MeanIoUArgs {
  numClasses: number;
  name?: string;
}

/** Mean over classes of intersection / union of predicted (argmax) and target classes. */
export class MeanIoU extends Metric {
  readonly numClasses: number;
  private readonly confusion: Float64Array;

  constructor(args: MeanIoUArgs) {
    super(args.name ?? 'mean_io_u');
    if (!Number.isInteger(args?.numClasses) || args.numClasses < 2) {
      throw new Error(`MeanIoU: numClasses must be an integer ≥ 2, got ${String(args?.numClasses)}`);
    }
    this.numClasses = args.numClasses;
    this.confusion = new Float64Array(this.numClasses * this.numClasses);
  }

  updateState(yTrue: Tensor, yPred: Tensor): void {
    const n = this.numClasses;
    const probabilities = yPred.shape[yPred.ndim - 1] === n && yPred.size !== yTrue.size;
    const rows = probabilities ? yPred.size / n : yPred.size;
    const target = targetClasses(yTrue, rows, n);
    for (let r = 0; r < rows; r++) {
      const predicted = probabilities ? argmax(yPred.data, r * n, n) : yPred.data[r];
      this.confusion[target(r) * n + predicted]++;
    }
  }

  result(): number {
    const n = this.numClasses;
    let total = 0;
    let present = 0;
    for (let c = 0; c < n; c++) {
      let row = 0;
      let column = 0;
      for (let k = 0; k < n; k++) {
        row += this.confusion[c * n + k];
        column += this.confusion[k * n + c];
      }
      const union = row + column - this.confusion[c * n + c];
      if (union > 0) {
        total += this.confusion[c * n + c] / union;
        present++;
      }
    }
    return ratio(total, present);
  }

  resetState(): void {
    this.confusion.fill(0);
  }
}

const STATES = new WeakMap<(yTrue: Tensor, yPred: Tensor) => number, Metric>();

/** A metric function that updates `metric` and returns its value over everything seen so far. */
export function statefulFunction(metric: Metric): (yTrue: Tensor, yPred: Tensor) => number {
  const fn = (yTrue: Tensor, yPred: Tensor) => {
    metric.updateState(yTrue, yPred);
    return metric.result();
  };
  STATES.set(fn, metric);
  return fn;
}

/** The Metric behind a function made by `statefulFunction`, if any. */
export function metricState(fn: (yTrue: Tensor, yPred: Tensor) => number): Metric | undefined {
  return STATES.get(fn);
}

/** Keras's log keys: a repeated name gets _1, _2, … ('auc', 'auc_1'). */
export function uniqueKeys<T>(entries: [string, T][]): [string, T][] {
  const seen = new Map<string, number>();
  return entries.map(([key, value]) => {
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return [n === 0 ? key : `${key}_${n}`, value];
  });
}
