/** Errors raised on one batch, restated with the shapes of the data the user passed. */
import { Tensor } from '@zen/autograd-core';
import { formatSymbolicShape } from '../shapes';

/**
 * Runs `step` (which sees one batch); a shape error thrown there gets the shapes of the
 * whole x and y appended, since the batch's shapes are not what the user wrote.
 */
export function withDataShapes<T>(where: string, x: Tensor, y: Tensor, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (
      err instanceof Error &&
      /shape/.test(err.message) &&
      !err.message.includes(' was given x of shape ')
    ) {
      err.message +=
        ` (${where} was given x of shape ${formatSymbolicShape(x.shape)} and y of shape ` +
        `${formatSymbolicShape(y.shape)}; the shapes above are of one batch)`;
    }
    throw err;
  }
}
