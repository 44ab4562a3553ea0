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

/** Compile arguments from a trainingConfig, or null when it names something Zen-TS lacks. */
export function compileArgsFromTfjs(training: Record<string, unknown> | undefined): CompileArgs | null {
  if (!training || typeof training.loss !== 'string') return null;
  let loss: SavedLoss;
  try {
    loss = resolveLoss(training.loss).config!;
  } catch {
    return null;
  }
  const optimizer = optimizerFromTfjs((training.optimizer_config ?? training.optimizerConfig) as KerasObject);
  if (!optimizer) return null;
  const metrics = (Array.isArray(training.metrics) ? training.metrics : []).filter((m): m is string => {
    if (typeof m !== 'string') return false;
    try {
      getMetric(m);
      return true;
    } catch {
      return false;
    }
  });
  return { optimizer, loss, metrics };
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

/**
 * A Zen-TS training config (model.getTrainingConfig()) in tfjs-layers form, or null when
 * TensorFlow.js could not compile it (a loss from logits, an optimiser or schedule it lacks).
 */
export function trainingConfigToTfjs(config: Record<string, unknown> | null): Record<string, unknown> | null {
  const loss = config?.loss as LossConfig | null | undefined;
  const optimizer = config?.optimizer as { className: string; config: Record<string, unknown> } | undefined;
  if (!loss || loss.fromLogits || loss.labelSmoothing || !TFJS_LOSSES.has(loss.name)) return null;
  if (!optimizer || !TFJS_OPTIMIZERS.has(optimizer.className)) return null;
  if (typeof optimizer.config.learningRate !== 'number') return null;
  const optimizerConfig = { ...optimizer.config };
  if (optimizer.className === 'RMSProp') optimizerConfig.decay = optimizerConfig.rho;
  return {
    loss: toSnakeCase(loss.name),
    metrics: config?.metrics ?? [],
    optimizer_config: { class_name: optimizer.className, config: optimizerConfig },
  };
}
