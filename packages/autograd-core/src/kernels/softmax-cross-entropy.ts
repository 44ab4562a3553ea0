/**
 * Softmax cross-entropy, row by row over [rows, classes] logits z, with integer labels
 * (loss_r = log Σ_j e^{z_rj} − z_r,y_r) or with target distributions t (one-hot or soft:
 * loss_r = Σ_j t_rj·(lse_r − z_rj) = lse_r·Σ_j t_rj − Σ_j t_rj·z_rj). The log-sum-exp
 * lse_r is m + log Σ_j e^{z_rj − m} with m the row's maximum (finite for any finite logits).
 * The forward pass also keeps each row's softmax, which the backward pass reads:
 * ∂loss_r/∂z_rj = softmax_rj − [j = y_r], or softmax_rj·Σ_k t_rk − t_rj.
 */
import type { TypedArray } from '../dtype';

/** Writes row `base`'s softmax into probs and returns its log-sum-exp. */
function softmaxRow(logits: TypedArray, base: number, classes: number, probs: TypedArray): number {
  let max = -Infinity;
  for (let j = 0; j < classes; j++) if (logits[base + j] > max) max = logits[base + j];
  let total = 0;
  for (let j = 0; j < classes; j++) {
    const e = Math.exp(logits[base + j] - max);
    probs[base + j] = e;
    total += e;
  }
  const inverse = 1 / total;
  for (let j = 0; j < classes; j++) probs[base + j] *= inverse;
  return max + Math.log(total);
}

export function softmaxCrossEntropyForward(
  logits: TypedArray,
  rows: number,
  classes: number,
  labels: TypedArray,
  loss: TypedArray,
  probs: TypedArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    loss[r] = softmaxRow(logits, base, classes, probs) - logits[base + labels[r]];
  }
}

/** dlogits_rj = g_r · (softmax_rj − [j = y_r]). */
export function softmaxCrossEntropyBackward(
  probs: TypedArray,
  rows: number,
  classes: number,
  labels: TypedArray,
  g: TypedArray,
  dlogits: TypedArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const gr = g[r];
    for (let j = 0; j < classes; j++) dlogits[base + j] = gr * probs[base + j];
    dlogits[base + labels[r]] -= gr;
  }
}

/** The targets' version of the forward pass: loss_r = Σ_j t_rj·(lse_r − z_rj). */
export function softmaxCrossEntropyDenseForward(
  logits: TypedArray,
  rows: number,
  classes: number,
  targets: TypedArray,
  loss: TypedArray,
  probs: TypedArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const lse = softmaxRow(logits, base, classes, probs);
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const t = targets[base + j];
      if (t !== 0) sum += t * (lse - logits[base + j]); // a zero target adds nothing, even beside −∞ logits
    }
    loss[r] = sum;
  }
}

/** dlogits_rj = g_r · (softmax_rj · Σ_k t_rk − t_rj). */
export function softmaxCrossEntropyDenseBackward(
  probs: TypedArray,
  rows: number,
  classes: number,
  targets: TypedArray,
  g: TypedArray,
  dlogits: TypedArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let mass = 0;
    for (let j = 0; j < classes; j++) mass += targets[base + j];
    const gr = g[r];
    for (let j = 0; j < classes; j++) dlogits[base + j] = gr * (probs[base + j] * mass - targets[base + j]);
  }
}
