/**
 * Band masks of the last two axes: `triu` keeps the upper triangle, `tril` the lower,
 * as numpy and PyTorch. Both multiply by a constant 0/1 mask, so their gradients are
 * the same masks (no rules of their own).
 */
import { type Tensor, emptyTensor } from '../tensor';
import { formatShape } from '../shape';

/** A [rows, cols] mask of the entries with (j − i ≥ k) when `upper`, or (j − i ≤ k) otherwise. */
function bandMask(x: Tensor, k: number, upper: boolean, op: string): Tensor {
  if (x.ndim < 2) throw new Error(`${op}: needs at least 2 axes, got ${formatShape(x.shape)}`);
  if (!Number.isInteger(k)) throw new Error(`${op}: diagonal offset must be an integer, got ${k}`);
  const rows = x.shape[x.ndim - 2];
  const cols = x.shape[x.ndim - 1];
  const mask = emptyTensor([rows, cols], x.dtype);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) mask.data[i * cols + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  }
  return mask;
}

/** The upper triangle of the last two axes: entries with column − row ≥ k kept, the rest zero. */
export function triu(x: Tensor, k = 0): Tensor {
  return x.mul(bandMask(x, k, true, 'triu'));
}

/** The lower triangle of the last two axes: entries with column − row ≤ k kept, the rest zero. */
export function tril(x: Tensor, k = 0): Tensor {
  return x.mul(bandMask(x, k, false, 'tril'));
}
