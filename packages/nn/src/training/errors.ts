/** Errors raised on one batch, restated in terms of the data the user passed. */
import { Tensor } from '@zen/autograd-core';
import { formatSymbolicShape } from '../shapes';
import { TargetError } from '../loss-targets';
import type { DataLists } from './data';

/**
 * Runs `step` on one batch. A bad target value is restated at its sample in the user's
 * data (`describeRow`: 'of sample 1234', or the row of a dataset batch); a shape error
 * gets the shapes of the whole x and y (`whole`, for in-memory data) appended, since the
 * batch's shapes are not what the user wrote.
 */
export function inBatch<T>(
  where: string,
  batch: { describeRow(row: number): string },
  whole: DataLists | null,
  step: () => T,
): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof TargetError) err.relocate(batch.describeRow(err.row));
    else if (whole) appendShapes(err, where, whole.x, whole.y);
    throw err;
  }
}

function appendShapes(err: unknown, where: string, x: readonly Tensor[], y: readonly Tensor[]): void {
  if (err instanceof Error && /shape/.test(err.message) && !err.message.includes(' was given x of shape ')) {
    err.message +=
      ` (${where} was given x of shape ${shapes(x)} and y of shape ` +
      `${shapes(y)}; the shapes above are of one batch)`;
  }
}

/** '[60,3]', or '[60,3], [60,4]' for several tensors. */
function shapes(t: Tensor | readonly Tensor[]): string {
  return t instanceof Tensor
    ? formatSymbolicShape(t.shape)
    : t.map((u) => formatSymbolicShape(u.shape)).join(', ');
}
