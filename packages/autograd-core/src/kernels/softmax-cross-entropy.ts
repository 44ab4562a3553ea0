/**
 * Softmax cross-entropy with integer labels, row by row over [rows, classes] logits z:
 * loss_r = log Σ_j e^{z_rj} − z_r,y_r, computed as m + log Σ_j e^{z_rj − m} with m the row's
 * maximum (finite for any finite logits). The forward pass also keeps each row's softmax,
 * which the backward pass reads: ∂loss_r/∂z_rj = softmax_rj − [j = y_r].
 */
import type { TypedArray } from '../dtype';

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
    loss[r] = max + Math.log(total) - logits[base + labels[r]];
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
