/** Row selection shared by the splitter, the loaders and the batcher. */
import { Tensor, gather } from '@zen/autograd-core';

/** The rows of `t` (entries along axis 0) at `indices`, copied into a new Tensor. */
export function takeRows(t: Tensor, indices: Int32Array): Tensor {
  return gather(t, new Tensor(indices, [indices.length]), 0);
}

/** Throws unless `x` and `y` have the same number of rows (axis 0). */
export function checkSameRows(where: string, x: Tensor, y: Tensor): void {
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new Error(
      `${where}: x and y must have the same number of rows, got x [${x.shape.join(', ')}] ` +
        `and y [${y.shape.join(', ')}]`,
    );
  }
}

/**
 * One class index per row of `y`: the values of integer labels [N] or [N, 1], or the
 * position of the largest entry of one-hot rows [N, C].
 */
export function classLabels(where: string, y: Tensor): Int32Array {
  const n = y.shape[0];
  const width = y.ndim === 2 ? y.shape[1] : 1;
  if (y.ndim < 1 || y.ndim > 2) {
    throw new Error(`${where}: labels must be [N], [N, 1] or one-hot [N, C], got [${y.shape.join(', ')}]`);
  }
  const labels = new Int32Array(n);
  if (width === 1) {
    for (let i = 0; i < n; i++) {
      const value = y.data[i];
      if (!Number.isInteger(value)) {
        throw new Error(`${where}: label ${i} is ${value}, not an integer class`);
      }
      labels[i] = value;
    }
    return labels;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (y.data[i * width + c] > y.data[i * width + best]) best = c;
    labels[i] = best;
  }
  return labels;
}

/** The indices 0, 1, …, count-1. */
export function identityOrder(count: number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}
