/**
 * The last step of every built-in loss: per-element values to the batch loss, optionally
 * weighted per sample. Keras's default reduction ('sum_over_batch_size'): each sample's
 * loss is the mean of its elements, multiplied by its weight, and the weighted losses are
 * summed and divided by the number of samples (not by the sum of the weights), so a
 * weight of 0 removes a sample's part but still counts it in the divisor.
 */
import { Tensor, ValueError } from '@zen/autograd-core';
import { formatSymbolicShape } from './shapes';

/** Options shared by every built-in loss. */
export interface LossOptions {
  /**
   * One weight per sample ([N], or [N, 1]), or per leading position of the loss values
   * ([N, T] for sequences). Non-negative and finite.
   */
  sampleWeight?: Tensor;
}

/**
 * Mean of `values` ([N, …] per-element losses), or Σ wᵢ·lᵢ / count with lᵢ the mean of
 * the elements under weight i when `sampleWeight` is given.
 */
export function reduceLoss(loss: string, values: Tensor, sampleWeight: Tensor | undefined): Tensor {
  if (sampleWeight === undefined) return values.mean();
  const flat = checkSampleWeight(loss, sampleWeight, values.shape);
  const w = flat.dtype === values.dtype ? flat : flat.astype(values.dtype);
  const count = w.size;
  const perWeight = values.ndim === 0 ? values.reshape([1]) : values.reshape([count, values.size / count]);
  return perWeight.mean(-1).mul(w).sum().div(count);
}

/**
 * Checks a sample-weight tensor against loss values of `shape` and returns it flat, in
 * the values' dtype: its shape must be a leading part of `shape` (a trailing 1 is allowed).
 */
function checkSampleWeight(loss: string, sampleWeight: Tensor, shape: readonly number[]): Tensor {
  if (!(sampleWeight instanceof Tensor)) throw new ValueError(`${loss}: sampleWeight must be a Tensor`);
  let dims = sampleWeight.shape;
  if (dims.length > 1 && dims[dims.length - 1] === 1) dims = dims.slice(0, -1);
  const fits =
    dims.length >= 1 && dims.length <= Math.max(shape.length, 1) && dims.every((d, i) => d === shape[i]);
  if (!fits) {
    throw new ValueError(
      `${loss}: sampleWeight of shape ${formatSymbolicShape(sampleWeight.shape)} does not fit losses of shape ` +
        `${formatSymbolicShape(shape)} (one weight per sample: [${shape[0]}])`,
    );
  }
  checkWeightValues(loss, 'sampleWeight', sampleWeight);
  return sampleWeight.detach().reshape([sampleWeight.size]);
}

/** Throws naming the position of the first negative or non-finite weight. */
export function checkWeightValues(
  where: string,
  name: string,
  weights: Tensor,
  describe = (i: number) => `position ${i}`,
): void {
  const d = weights.data;
  for (let i = 0; i < d.length; i++) {
    if (!(d[i] >= 0 && d[i] < Infinity)) {
      throw new ValueError(
        `${where}: ${name} holds ${d[i]} at ${describe(i)}; weights must be finite and non-negative`,
      );
    }
  }
}
