/**
 * A tfjs-layers `trainingConfig` (`loss`, `metrics`, `optimizer_config`) ↔ Zen-TS compile
 * arguments. Losses and metrics Zen-TS does not know leave the model uncompiled rather than
 * failing the load: inference does not need them.
 */
import type { CompileArgs } from '../../models/sequential';
import { getMetric } from '../../metrics';
import type { Optimizer } from '../../optimizers/optimizer';
import { optimizerFromConfig } from '../../optimizers/registry';
import type { LossConfig, SavedLoss } from '../../training/loss-spec';
import type { LossWeights, MetricSpecs } from '../../training/outputs';
import { resolveLoss } from '../../training/loss-spec';
import { type KerasObject, classNameOf } from './format';
import { camelKeys, toSnakeCase } from './keys';

/** Optimiser classes by lower-cased Keras/TensorFlow.js name, with the options each reads. */
const OPTIMIZERS: Record<string, { className: string; options: string[] }> = {
  sgd: { className: 'SGD', options: ['momentum', 'nesterov'] },
  momentum: { className: 'Momentum', options: ['momentum'] },
  rmsprop: { className: 'RMSProp', options: ['rho', 'momentum', 'epsilon'] },
  adagrad: { className: 'Adagrad', options: ['initialAccumulatorValue', 'epsilon'] },
  adam: { className: 'Adam', options: ['beta1', 'beta2', 'epsilon'] },
  adamw: { className: 'AdamW', options: ['beta1', 'beta2', 'epsilon', 'weightDecay'] },
};

function optimizerFromTfjs(saved: KerasObject): Optimizer | null {
  const known = OPTIMIZERS[String(classNameOf(saved)).toLowerCase()];
  if (!known) return null;
  const raw = camelKeys(saved.config ?? {});
  // TensorFlow.js calls RMSProp's ρ 'decay'; Keras 2 files may say 'lr'.
  if (raw.rho === undefined && known.className === 'RMSProp') raw.rho = raw.decay;
  const config: Record<string, unknown> = {};
  const learningRate = raw.learningRate ?? raw.lr;
  if (typeof learningRate === 'number') config.learningRate = learningRate;
  for (const key of known.options) if (typeof raw[key] === 'number') config[key] = raw[key];
  if (typeof raw.nesterov === 'boolean') config.nesterov = raw.nesterov;
  return optimizerFromConfig({ className: known.className, config });
}

/** One loss name as a saved loss config, or undefined when Zen-TS does not know it. */
function lossFromName(name: unknown): SavedLoss | null | undefined {
  if (name === null) return null;
  if (typeof name !== 'string') return undefined;
  try {
    return resolveLoss(name).config;
  } catch {
    return undefined;
  }
}

/** The metric names Zen-TS knows (others are dropped: inference and training do not need them). */
function knownMetrics(names: unknown): string[] {
  const list = Array.isArray(names) ? names : [names];
  return list.filter((m): m is string => {
    if (typeof m !== 'string') return false;
    try {
      getMetric(m);
      return true;
    } catch {
      return false;
    }
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The loss for every output (one name), per output (a list), or by output name; undefined when one is unknown. */
function lossesFromTfjs(loss: unknown): CompileArgs['loss'] | undefined {
  if (typeof loss === 'string') return lossFromName(loss) ?? undefined;
  const entries = Array.isArray(loss)
    ? loss.map((l, i) => [i, l] as const)
    : isRecord(loss)
      ? Object.entries(loss)
      : null;
  if (!entries || entries.length === 0) return undefined;
  const resolved = entries.map(([, l]) => lossFromName(l));
  if (resolved.some((l) => l === undefined)) return undefined;
  if (Array.isArray(loss)) return resolved as (SavedLoss | null)[];
  return Object.fromEntries(entries.map(([k], i) => [k, resolved[i]])) as Record<string, SavedLoss | null>;
}

/** Metrics for every output (a list), per output (a list of lists) or by output name. */
function metricsFromTfjs(metrics: unknown): MetricSpecs {
  if (isRecord(metrics))
    return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, knownMetrics(v)]));
  if (Array.isArray(metrics) && metrics.length > 0 && metrics.every(Array.isArray))
    return metrics.map(knownMetrics);
  return knownMetrics(metrics ?? []);
}

/** Keras's loss_weights: a list in output order or an object by output name, of numbers. */
function lossWeightsFromTfjs(weights: unknown): LossWeights | undefined {
  if (Array.isArray(weights) && weights.every((w) => typeof w === 'number')) return weights;
  if (isRecord(weights) && Object.values(weights).every((w) => typeof w === 'number'))
    return weights as Record<string, number>;
  return undefined;
}

/**
 * Compile arguments from a trainingConfig (one loss, one per output, or by output name), or
 * null when it names a loss or optimiser Zen-TS lacks.
 */
export function compileArgsFromTfjs(training: Record<string, unknown> | undefined): CompileArgs | null {
  if (!training) return null;
  const loss = lossesFromTfjs(training.loss);
  if (loss === undefined) return null;
  const optimizer = optimizerFromTfjs((training.optimizer_config ?? training.optimizerConfig) as KerasObject);
  if (!optimizer) return null;
  const metrics = metricsFromTfjs(training.metrics);
  const lossWeights = lossWeightsFromTfjs(training.loss_weights ?? training.lossWeights);
  return lossWeights ? { optimizer, loss, metrics, lossWeights } : { optimizer, loss, metrics };
}

/** Losses and optimisers TensorFlow.js can compile from a trainingConfig. */
const TFJS_LOSSES = new Set([
  'meanSquaredError',
  'meanAbsoluteError',
  'binaryCrossentropy',
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
]);
const TFJS_OPTIMIZERS = new Set(['SGD', 'Momentum', 'RMSProp', 'Adagrad', 'Adam']);

/** A saved loss as TensorFlow.js names it, or null when it cannot compile it. */
function lossToTfjs(loss: unknown): string | null {
  const l = loss as LossConfig | null;
  if (!l || l.fromLogits || l.labelSmoothing || !TFJS_LOSSES.has(l.name)) return null;
  return toSnakeCase(l.name);
}

/** compile's losses (one, per output, or by output name) in TensorFlow.js's form, or null. */
function lossesToTfjs(loss: unknown): string | string[] | Record<string, string> | null {
  if (!isRecord(loss) || typeof loss.name === 'string')
    return Array.isArray(loss) ? listToTfjs(loss) : lossToTfjs(loss);
  const entries = Object.entries(loss).map(([k, v]) => [k, lossToTfjs(v)] as const);
  return entries.every(([, v]) => v !== null)
    ? (Object.fromEntries(entries) as Record<string, string>)
    : null;
}

function listToTfjs(losses: unknown[]): string[] | null {
  const out = losses.map(lossToTfjs);
  return out.every((l) => l !== null) ? (out as string[]) : null;
}

/**
 * A Zen-TS training config (model.getTrainingConfig()) in tfjs-layers form, or null when
 * TensorFlow.js could not compile it (a loss from logits, loss weights, an optimiser or
 * schedule it lacks). Per-output metric lists are written by output name.
 */
export function trainingConfigToTfjs(
  config: Record<string, unknown> | null,
  outputNames: readonly string[],
): Record<string, unknown> | null {
  if (!config || config.lossWeights !== undefined) return null;
  const loss = lossesToTfjs(config.loss);
  const optimizer = config.optimizer as { className: string; config: Record<string, unknown> } | undefined;
  if (!loss || !optimizer || !TFJS_OPTIMIZERS.has(optimizer.className)) return null;
  if (typeof optimizer.config.learningRate !== 'number') return null;
  const optimizerConfig = { ...optimizer.config };
  if (optimizer.className === 'RMSProp') optimizerConfig.decay = optimizerConfig.rho;
  const m = config.metrics ?? [];
  const perOutput = Array.isArray(m) && m.length > 0 && m.every(Array.isArray);
  return {
    loss,
    metrics: perOutput ? Object.fromEntries(outputNames.map((name, i) => [name, m[i] ?? []])) : m,
    optimizer_config: { class_name: optimizer.className, config: optimizerConfig },
  };
}
