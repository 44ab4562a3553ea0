/**
 * Metrics: plain numbers computed from targets and predictions (no graph), averaged
 * over an epoch weighted by batch size. 'accuracy' picks binary, categorical or
 * sparse accuracy from the shapes, as Keras does.
 */
import { Tensor, ValueError, noGrad } from '@zen/autograd-core';
import { meanAbsoluteError, meanSquaredError } from './losses';
import { formatSymbolicShape } from './shapes';
import { AUC, Metric, Precision, Recall, statefulFunction } from './stateful-metrics';
import { type RegisterFunction, Registry } from './registry';
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

/** A user's metric function may return a number or a one-element Tensor. */
export type CustomMetric = (yTrue: Tensor, yPred: Tensor) => number | Tensor;

/** A metric as compile takes it: a name or a function (its log key is the name, or the function's name). */
export type MetricSpec = string | MetricFunction | CustomMetric | Metric;

/** What a metric name stands for: a function, or a stateful Metric class (a fresh one per compile). */
export type RegisteredMetric = (CustomMetric | (new () => Metric)) & { readonly className?: unknown };

const metrics = new Registry<RegisteredMetric>('metric', 'registerMetric');

/**
 * Registers a metric so compile takes its name and a model compiled with it saves and
 * loads: `registerMetric('f1', fn)`, `registerMetric(MyMetric)` for a Metric subclass
 * with a `static className`, or `registerMetric(fn)` with `fn.className` set.
 */
export const registerMetric: RegisterFunction<RegisteredMetric> = metrics.registerFunction();

const BUILT_IN: [string, RegisteredMetric][] = [
  ['accuracy', accuracy],
  ['acc', accuracy],
  ['binaryAccuracy', (t: Tensor, p: Tensor) => binaryAccuracy(t, p)],
  ['categoricalAccuracy', categoricalAccuracy],
  ['sparseCategoricalAccuracy', sparseCategoricalAccuracy],
  ['mse', mse],
  ['meanSquaredError', mse],
  ['mae', mae],
  ['meanAbsoluteError', mae],
  // Stateful metrics compile knows by name (Keras's strings).
  ['auc', AUC],
  ['precision', Precision],
  ['recall', Recall],
];
for (const [name, metric] of BUILT_IN) metrics.register(name, metric);
/** The built-in functions, which need no check that they return a number. */
const RETURNS_NUMBER = new Set<RegisteredMetric>(BUILT_IN.map(([, metric]) => metric));

function isMetricClass(value: RegisteredMetric): value is new () => Metric {
  return (value as { prototype?: unknown }).prototype instanceof Metric;
}

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
  if (typeof spec === 'string') return [spec, metricFunction(spec, metrics.require(spec))];
  if (typeof spec === 'function') return [spec.name || 'metric', metricFunction(spec.name || 'metric', spec)];
  throw new ValueError(`getMetric: expected a name, a function or a Metric, got ${typeof spec}`);
}

function metricFunction(key: string, metric: RegisteredMetric): MetricFunction {
  if (isMetricClass(metric)) return statefulFunction(new metric());
  if (RETURNS_NUMBER.has(metric)) return metric as MetricFunction;
  return (yTrue, yPred) => metricNumber(key, metric(yTrue, yPred));
}

/** The name a metric is saved under in model.json: its name, or a registered function's name; else null. */
export function savedMetricName(spec: MetricSpec): string | null {
  if (typeof spec === 'string') return spec;
  return typeof spec === 'function' ? (metrics.nameOf(spec) ?? null) : null;
}
