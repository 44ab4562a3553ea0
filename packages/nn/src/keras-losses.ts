/**
 * More of Keras's losses, with Keras's semantics: a value per sample (over the last
 * axis), averaged over the batch. Built from Tensor ops, so autograd differentiates them.
 */
import { type Tensor, softplus } from '@zen/autograd-core';
import { alignTargets } from './loss-targets';
import { type LossOptions, reduceLoss } from './loss-weights';

/** Clipping used by Keras's probabilistic losses. */
const EPSILON = 1e-7;

/** Kullback–Leibler divergence Σ y·log(y/p) over the last axis, y and p clipped to [ε, 1]. */
export function kld(yTrue: Tensor, yPred: Tensor, options: LossOptions = {}): Tensor {
  const y = alignTargets('kld', yTrue, yPred).clip(EPSILON, 1);
  const p = yPred.clip(EPSILON, 1);
  return reduceLoss('kld', y.mul(y.log().sub(p.log())).sum(-1), options.sampleWeight);
}
export const kullbackLeiblerDivergence = kld;

/** Targets for margin losses: 0/1 labels become −1/+1 (Keras does the same); −1/+1 stay. */
function signedTargets(loss: string, yTrue: Tensor, yPred: Tensor): Tensor {
  const y = alignTargets(loss, yTrue, yPred);
  const d = y.data;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0 && d[i] !== 1) return y;
  return y.mul(2).sub(1);
}

/** Hinge loss: mean of max(1 − y·p, 0) over the last axis; y in {−1, 1} (0/1 labels are converted). */
export function hinge(yTrue: Tensor, yPred: Tensor, options: LossOptions = {}): Tensor {
  return reduceLoss(
    'hinge',
    signedTargets('hinge', yTrue, yPred).mul(yPred).neg().add(1).relu(),
    options.sampleWeight,
  );
}

/** Squared hinge: mean of max(1 − y·p, 0)² over the last axis. */
export function squaredHinge(yTrue: Tensor, yPred: Tensor, options: LossOptions = {}): Tensor {
  return reduceLoss(
    'squaredHinge',
    signedTargets('squaredHinge', yTrue, yPred).mul(yPred).neg().add(1).relu().square(),
    options.sampleWeight,
  );
}

/**
 * Categorical hinge for one-hot targets: max(neg − pos + 1, 0) with pos = Σ y·p and
 * neg = max((1 − y)·p) over the last axis.
 */
export function categoricalHinge(yTrue: Tensor, yPred: Tensor, options: LossOptions = {}): Tensor {
  const y = alignTargets('categoricalHinge', yTrue, yPred);
  const pos = y.mul(yPred).sum(-1);
  const neg = y.neg().add(1).mul(yPred).max(-1);
  return reduceLoss('categoricalHinge', neg.sub(pos).add(1).relu(), options.sampleWeight);
}

/** log(cosh(p − y)), written as x + softplus(−2x) − log 2 so it stays finite for large errors. */
export function logcosh(yTrue: Tensor, yPred: Tensor, options: LossOptions = {}): Tensor {
  const x = yPred.sub(alignTargets('logcosh', yTrue, yPred));
  return reduceLoss('logcosh', x.add(softplus(x.mul(-2))).sub(Math.LN2), options.sampleWeight);
}
export const logCosh = logcosh;

/** Poisson loss: mean of p − y·log(p + ε). */
export function poisson(yTrue: Tensor, yPred: Tensor, options: LossOptions = {}): Tensor {
  const y = alignTargets('poisson', yTrue, yPred);
  return reduceLoss('poisson', yPred.sub(y.mul(yPred.add(EPSILON).log())), options.sampleWeight);
}

/** x / ‖x‖ over the last axis, with ‖x‖² floored at 1e-12 (Keras's l2_normalize). */
function l2Normalize(x: Tensor): Tensor {
  return x.div(x.square().sum(-1, true).maximum(1e-12).sqrt());
}

/** Negative cosine similarity over the last axis (−1 when the directions agree), averaged: Keras's loss. */
export function cosineSimilarity(yTrue: Tensor, yPred: Tensor, options: LossOptions = {}): Tensor {
  const y = alignTargets('cosineSimilarity', yTrue, yPred);
  return reduceLoss(
    'cosineSimilarity',
    l2Normalize(y).mul(l2Normalize(yPred)).sum(-1).neg(),
    options.sampleWeight,
  );
}
