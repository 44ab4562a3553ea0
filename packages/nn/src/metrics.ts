/**
 * Metrics: plain numbers computed from targets and predictions (no graph), averaged
 * over an epoch weighted by batch size. 'accuracy' picks binary, categorical or
 * sparse accuracy from the shapes, as Keras does.
 */
import { Tensor, noGrad } from '@zen/autograd-core';
import { meanAbsoluteError, meanSquaredError } from './losses';
import { formatSymbolicShape } from './shapes';
import { Metric, STATEFUL_BY_NAME, statefulFunction } from './stateful-metrics';
export { Metric, AUC, Precision, Recall, TopKCategoricalAccuracy, MeanIoU } from './stateful-metrics';
export type { AUCArgs, ThresholdMetricArgs, TopKArgs, MeanIoUArgs } from './stateful-metrics';

/** A metric: the batch value of some quality from (yTrue, yPred). */
export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => number;

/** Fraction of predictions p with (p > threshold) equal to the 0/1 target. */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): number {
  checkSameSize('binaryAccuracy', yTrue, yPred);
  const t = yTrue.data;
  const p = yPred.data;
  let hits = 0;
  for (let i = 0; i < p.length; i++) if ((p[i] > threshold ? 1 : 0) === (t[i] > 0.5 ? 1 : 0)) hits++;
  return hits / p.length;
}

/** Fraction of rows whose largest prediction is at the target's largest entry (one-hot targets). */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): number {
  checkSameSize('categoricalAccuracy', yTrue, yPred);
  const classes = yPred.shape[yPred.ndim - 1];
  const rows = yPred.size / classes;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    if (argmaxRow(yTrue.data, r * classes, classes) === argmaxRow(yPred.data, r * classes, classes)) hits++;
  }
  return hits / rows;
}

/** Fraction of rows whose largest prediction is at the integer label. */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): number {
  const classes = yPred.shape[yPred.ndim - 1];
  const rows = yPred.size / classes;
  if (yTrue.size !== rows) {
    throw new Error(
      `sparseCategoricalAccuracy: ${yTrue.size} labels (shape ${formatSymbolicShape(yTrue.shape)}) for ${rows} predictions (shape ${formatSymbolicShape(yPred.shape)})`,
    );
  }
  let hits = 0;
  for (let r = 0; r < rows; r++) if (argmaxRow(yPred.data, r * classes, classes) === yTrue.data[r]) hits++;
  return hits / rows;
}

/** Keras's 'accuracy': binary for one output per sample, categorical when yTrue is one-hot, else sparse. */
export function accuracy(yTrue: Tensor, yPred: Tensor): number {
  const classes = yPred.ndim === 0 ? 1 : yPred.shape[yPred.ndim - 1];
  if (yPred.ndim <= 1 || classes === 1) return binaryAccuracy(yTrue, yPred);
  if (yTrue.size === yPred.size) return categoricalAccuracy(yTrue, yPred);
  return sparseCategoricalAccuracy(yTrue, yPred);
}

/** Mean squared error as a number. */
export function mse(yTrue: Tensor, yPred: Tensor): number {
  return noGrad(() => meanSquaredError(yTrue, yPred).item());
}

/** Mean absolute error as a number. */
export function mae(yTrue: Tensor, yPred: Tensor): number {
  return noGrad(() => meanAbsoluteError(yTrue, yPred).item());
}

function argmaxRow(data: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (data[offset + k] > data[offset + best]) best = k;
  return best;
}

function checkSameSize(metric: string, yTrue: Tensor, yPred: Tensor): void {
  if (yTrue.size !== yPred.size) {
    throw new Error(
      `${metric}: yTrue of shape ${formatSymbolicShape(yTrue.shape)} does not match yPred of shape ${formatSymbolicShape(yPred.shape)}`,
    );
  }
}

const BY_NAME: Record<string, MetricFunction> = {
  accuracy,
  acc: accuracy,
  binaryAccuracy: (t, p) => binaryAccuracy(t, p),
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  mse,
  meanSquaredError: mse,
  mae,
  meanAbsoluteError: mae,
};

/** A user's metric function may return a number or a one-element Tensor. */
export type CustomMetric = (yTrue: Tensor, yPred: Tensor) => number | Tensor;

/** A metric as compile takes it: a name or a function (its log key is the name, or the function's name). */
export type MetricSpec = string | MetricFunction | CustomMetric | Metric;

/** A custom metric's value as a number: numbers and one-element tensors are accepted. */
function metricNumber(key: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (value instanceof Tensor) {
    if (value.size === 1) return value.data[0];
    throw new Error(
      `metric '${key}': returned a tensor of shape ${formatSymbolicShape(value.shape)}; return a number or a ` +
        'scalar tensor (reduce it, e.g. with .mean())',
    );
  }
  throw new Error(`metric '${key}': must return a number or a scalar Tensor, got ${typeof value}`);
}

/** Resolves a metric name or function to [log key, function]. */
export function getMetric(spec: MetricSpec): [string, MetricFunction] {
  if (spec instanceof Metric) return [spec.name, statefulFunction(spec)];
  if (typeof spec === 'string' && STATEFUL_BY_NAME[spec]) {
    return [spec, statefulFunction(STATEFUL_BY_NAME[spec]())];
  }
  if (typeof spec === 'function') {
    const key = spec.name || 'metric';
    return [key, (yTrue, yPred) => metricNumber(key, (spec as CustomMetric)(yTrue, yPred))];
  }
  const fn = BY_NAME[spec] ?? BY_NAME[camelCase(spec)];
  if (!fn) throw new Error(`unknown metric '${spec}' (expected one of ${Object.keys(BY_NAME).join(', ')})`);
  return [spec, fn];
}

/** 'sparse_categorical_accuracy' → 'sparseCategoricalAccuracy'. */
function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
