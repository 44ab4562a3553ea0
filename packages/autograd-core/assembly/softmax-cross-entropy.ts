/**
 * Softmax cross-entropy, row by row over [rows, classes] logits z (the reference is
 * kernels/softmax-cross-entropy.ts): each row's softmax into `probs`, and its loss from
 * target distributions t, loss_r = Σ_j t_rj·(lse_r − z_rj), or from labels y (class indices
 * as f32), loss_r = lse_r − z_r,y_r, where lse_r = m + log Σ_j e^{z_rj − m} and m is the
 * row's largest logit; lse_r − z_rj is summed as (m − z_rj) + log Σ, so that a loss near 0
 * keeps its digits. The exponentials take four lanes at a time. A NaN logit, or a row
 * whose logits are all −∞, makes the row's softmax and loss NaN (as the reference: its
 * maximum skips NaN, and e^{NaN} or e^{−∞ − (−∞)} is NaN).
 */
import { exp4 } from './exp';

/** The largest of `classes` values at `row` (NaN skipped; −∞ when there is none). */
function rowMax(row: usize, classes: i32): f32 {
  let max: f32 = -Infinity;
  for (let j = 0; j < classes; j++) {
    const v = load<f32>(row + ((<usize>j) << 2));
    if (v > max) max = v;
  }
  return max;
}

/** The row's softmax (`classes` values at `row`, largest `max`) into `p`; returns log Σ_j e^{z_j − max}. */
function softmaxRow(row: usize, classes: i32, max: f32, p: usize): f32 {
  const m = f32x4.splat(max);
  // e^{z − m} into p, summed in four lanes, then the tail one by one.
  const whole = classes & ~3;
  let sums = f32x4.splat(0);
  let j = 0;
  for (; j < whole; j += 4) {
    const at = (<usize>j) << 2;
    const e = exp4(f32x4.sub(v128.load(row + at), m));
    v128.store(p + at, e);
    sums = f32x4.add(sums, e);
  }
  let total: f32 =
    f32x4.extract_lane(sums, 0) +
    f32x4.extract_lane(sums, 1) +
    (f32x4.extract_lane(sums, 2) + f32x4.extract_lane(sums, 3));
  for (; j < classes; j++) {
    const at = (<usize>j) << 2;
    const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(row + at) - max)), 0);
    store<f32>(p + at, e);
    total += e;
  }
  const inverse: f32 = 1 / total;
  for (let k = 0; k < classes; k++) {
    const at = (<usize>k) << 2;
    store<f32>(p + at, load<f32>(p + at) * inverse);
  }
  return Mathf.log(total);
}

export function softmaxCrossEntropyDenseRows(
  z: usize,
  rows: i32,
  classes: i32,
  t: usize,
  loss: usize,
  probs: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const offset = (<usize>r * <usize>classes) << 2;
    const row = z + offset;
    const max = rowMax(row, classes);
    const logTotal = softmaxRow(row, classes, max, probs + offset);
    const targets = t + offset;
    let sum: f32 = 0;
    for (let k = 0; k < classes; k++) {
      const at = (<usize>k) << 2;
      const target = load<f32>(targets + at);
      // A zero target adds nothing, even beside a −∞ logit.
      if (target != 0) sum += target * (max - load<f32>(row + at) + logTotal);
    }
    store<f32>(loss + ((<usize>r) << 2), sum);
  }
}

/** The labels' version: labels[r] is row r's class index (checked by the caller), as f32. */
export function softmaxCrossEntropyLabelRows(
  z: usize,
  rows: i32,
  classes: i32,
  labels: usize,
  loss: usize,
  probs: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const offset = (<usize>r * <usize>classes) << 2;
    const row = z + offset;
    const max = rowMax(row, classes);
    const logTotal = softmaxRow(row, classes, max, probs + offset);
    const label = <usize>(<i32>load<f32>(labels + ((<usize>r) << 2)));
    store<f32>(loss + ((<usize>r) << 2), max - load<f32>(row + (label << 2)) + logTotal);
  }
}
