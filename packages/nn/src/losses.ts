/**
 * Losses, called as Keras does: `loss(yTrue, yPred)` → a scalar tensor (the mean
 * over the batch; with `{ sampleWeight }` the weighted mean of loss-weights.ts). Everything is built from Tensor ops, so autograd differentiates them.
 * The cross-entropies take probabilities by default (clipped to [ε, 1 − ε] so log(0)
 * never appears) or logits with `fromLogits: true` (then log-softmax / softplus keep
 * them finite for logits of any size).
 */
import {
  type Tensor,
  logSoftmax,
  oneHot,
  softmaxCrossEntropy,
  softplus,
  sparseSoftmaxCrossEntropy,
} from '@zen/autograd-core';
import { formatSymbolicShape } from './shapes';
import { TargetError, alignTargets, checkTensors, rowOf } from './loss-targets';
import { type LossOptions, reduceLoss } from './loss-weights';

/** Clipping of probabilities in cross-entropies, as Keras's backend epsilon. */
export const EPSILON = 1e-7;

/** Any loss: a scalar tensor from targets and predictions. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

export interface CrossentropyOptions extends LossOptions {
  /** `yPred` holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
}

export interface CategoricalCrossentropyOptions extends CrossentropyOptions {
  /** Mixes the one-hot targets with the uniform distribution: y(1 − s) + s/classes. Default 0. */
  labelSmoothing?: number;
}

export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear; default 1. */
  delta?: number;
}

/** Mean of (yTrue − yPred)². */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor, options: LossOptions = {}): Tensor {
  const squared = yPred.sub(alignTargets('meanSquaredError', yTrue, yPred)).square();
  return reduceLoss('meanSquaredError', squared, options.sampleWeight);
}

/** Mean of |yTrue − yPred|. */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor, options: LossOptions = {}): Tensor {
  const absolute = yPred.sub(alignTargets('meanAbsoluteError', yTrue, yPred)).abs();
  return reduceLoss('meanAbsoluteError', absolute, options.sampleWeight);
}

/**
 * Huber loss: ½e² where |e| ≤ δ, δ(|e| − ½δ) beyond, with e = yPred − yTrue. Written
 * as ½q² + δ(|e| − q) with q = min(|e|, δ), which is both pieces at once.
 */
export function huber(yTrue: Tensor, yPred: Tensor, options: HuberOptions = {}): Tensor {
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new Error(`huber: delta must be positive, got ${delta}`);
  const absError = yPred.sub(alignTargets('huber', yTrue, yPred)).abs();
  const quadratic = absError.minimum(delta);
  const values = quadratic.square().mul(0.5).add(absError.sub(quadratic).mul(delta));
  return reduceLoss('huber', values, options.sampleWeight);
}

/**
 * Binary cross-entropy −[y·log p + (1 − y)·log(1 − p)], averaged. From logits x it is
 * softplus(x) − x·y, which is exact and finite for any x (gradient σ(x) − y).
 */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, options: CrossentropyOptions = {}): Tensor {
  const y = alignTargets('binaryCrossentropy', yTrue, yPred);
  checkProbabilities(yTrue);
  if (options.fromLogits) {
    return reduceLoss('binaryCrossentropy', softplus(yPred).sub(yPred.mul(y)), options.sampleWeight);
  }
  const p = yPred.clip(EPSILON, 1 - EPSILON);
  const positive = y.mul(p.log());
  const negative = y.neg().add(1).mul(p.neg().add(1).log());
  return reduceLoss('binaryCrossentropy', positive.add(negative).neg(), options.sampleWeight);
}

/** Binary cross-entropy targets are probabilities of the positive class: refuse values outside [0, 1]. */
function checkProbabilities(yTrue: Tensor): void {
  const d = yTrue.data;
  for (let i = 0; i < d.length; i++) {
    if (d[i] >= 0 && d[i] <= 1) continue;
    throw new TargetError(
      `binaryCrossentropy: target ${d[i]}`,
      'is outside [0, 1]: the targets are probabilities of the positive class (0/1 labels or soft labels); ' +
        "for class indices use 'sparseCategoricalCrossentropy', for -1/+1 labels 'hinge'",
      rowOf(yTrue, i),
      i,
    );
  }
}

/**
 * Categorical cross-entropy −Σ y·log p over the last axis with one-hot (or soft)
 * targets, averaged over the batch. Probabilities are renormalised and clipped as
 * Keras does; logits go through log-softmax.
 */
export function categoricalCrossentropy(
  yTrue: Tensor,
  yPred: Tensor,
  options: CategoricalCrossentropyOptions = {},
): Tensor {
  checkNotSparse(yTrue, yPred);
  let y = alignTargets('categoricalCrossentropy', yTrue, yPred);
  const smoothing = options.labelSmoothing ?? 0;
  if (smoothing !== 0) {
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw new Error(`categoricalCrossentropy: labelSmoothing must be in [0, 1], got ${smoothing}`);
    }
    y = y.mul(1 - smoothing).add(smoothing / yPred.shape[yPred.ndim - 1]);
  }
  const fromLogits = options.fromLogits ?? false;
  // From logits, one fused op (its backward is one pass: softmax·Σy − y).
  const sameShape = y.ndim === yPred.ndim && y.shape.every((d, i) => d === yPred.shape[i]);
  const values =
    fromLogits && sameShape
      ? softmaxCrossEntropy(yPred, y)
      : y.mul(logProbabilities(yPred, fromLogits)).sum(-1).neg();
  return reduceLoss('categoricalCrossentropy', values, options.sampleWeight);
}

/** Integer labels given to categoricalCrossentropy: say which loss takes them. */
function checkNotSparse(yTrue: Tensor, yPred: Tensor): void {
  checkTensors('categoricalCrossentropy', yTrue, yPred);
  const classes = yPred.shape[yPred.ndim - 1];
  if (classes > 1 && yTrue.size * classes === yPred.size) {
    throw new Error(
      `categoricalCrossentropy: yTrue of shape ${formatSymbolicShape(yTrue.shape)} holds one class label per sample ` +
        `but yPred of shape ${formatSymbolicShape(yPred.shape)} has ${classes} classes: use ` +
        `'sparseCategoricalCrossentropy' for integer labels (or one-hot encode them with oneHot(y, ${classes}))`,
    );
  }
}

/** log p along the last axis from logits (log-softmax) or from probabilities (renormalised, clipped). */
function logProbabilities(yPred: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) return logSoftmax(yPred, -1);
  return yPred
    .div(yPred.sum(-1, true))
    .clip(EPSILON, 1 - EPSILON)
    .log();
}

/**
 * Cross-entropy with integer class labels: yTrue [N] (or [N, 1], or yPred's shape
 * without the class axis) and yPred [N, classes]. Labels must be integers in [0, classes).
 */
export function sparseCategoricalCrossentropy(
  yTrue: Tensor,
  yPred: Tensor,
  options: CrossentropyOptions = {},
): Tensor {
  const loss = 'sparseCategoricalCrossentropy';
  checkTensors(loss, yTrue, yPred);
  const classes = yPred.shape[yPred.ndim - 1];
  const labelShape = yPred.shape.slice(0, -1);
  const labels = sparseLabels(loss, yTrue, labelShape, classes);
  // From logits: one fused op (log-softmax, the label's entry and its gradient in one pass each).
  if (options.fromLogits)
    return reduceLoss(loss, sparseSoftmaxCrossEntropy(yPred, labels), options.sampleWeight);
  const picked = oneHot(labels, classes, { dtype: yPred.dtype }).mul(logProbabilities(yPred, false));
  return reduceLoss(loss, picked.sum(-1).neg(), options.sampleWeight);
}

/** Checks and reshapes integer labels for predictions with `labelShape` + [classes]. */
function sparseLabels(where: string, yTrue: Tensor, labelShape: readonly number[], classes: number): Tensor {
  const count = labelShape.reduce((a, b) => a * b, 1);
  if (yTrue.size === count * classes && classes > 1) {
    throw new Error(
      `${where}: yTrue of shape ${formatSymbolicShape(yTrue.shape)} looks one-hot (one value per class) for yPred ` +
        `of shape ${formatSymbolicShape([...labelShape, classes])}: use 'categoricalCrossentropy' for one-hot ` +
        'targets, or pass integer labels (argmax of the one-hot rows)',
    );
  }
  if (yTrue.size !== count) {
    throw new Error(
      `${where}: yTrue of shape ${formatSymbolicShape(yTrue.shape)} should hold one integer label per prediction ` +
        `(${formatSymbolicShape(labelShape)} for yPred with ${classes} classes)`,
    );
  }
  const d = yTrue.data;
  for (let i = 0; i < d.length; i++) {
    if (!(d[i] >= 0 && d[i] < classes) || !Number.isInteger(d[i])) {
      throw new TargetError(
        `${where}: label ${d[i]}`,
        `is not an integer class in [0, ${classes})`,
        rowOf(yTrue, i),
        i,
      );
    }
  }
  const labels = yTrue.dtype === 'int32' ? yTrue.detach() : yTrue.detach().astype('int32');
  return labels.reshape(labelShape);
}

/** Short aliases, as Keras: `mse`, `mae`. */
export const mse = meanSquaredError;
export const mae = meanAbsoluteError;

export {
  kld,
  kullbackLeiblerDivergence,
  hinge,
  squaredHinge,
  categoricalHinge,
  logcosh,
  logCosh,
  poisson,
  cosineSimilarity,
} from './keras-losses';
