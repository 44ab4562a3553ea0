/** Errors raised on one batch, restated with the shapes of the data the user passed. */
import { Tensor } from '@zen/autograd-core';
import { formatSymbolicShape } from '../shapes';

/**
 * Runs `step` (which sees one batch); a shape error thrown there gets the shapes of the
 * whole x and y appended, since the batch's shapes are not what the user wrote.
 */
export function withDataShapes<T>(
  where: string,
  x: Tensor | readonly Tensor[],
  y: Tensor | readonly Tensor[],
  step: () => T,
): T {
  try {
    return step();
  } catch (err) {
    if (
      err instanceof Error &&
      /shape/.test(err.message) &&
      !err.message.includes(' was given x of shape ')
    ) {
      err.message +=
        ` (${where} was given x of shape ${shapes(x)} and y of shape ` +
        `${shapes(y)}; the shapes above are of one batch)`;
    }
    throw err;
  }
}

/** '[60,3]', or '[60,3], [60,4]' for several tensors. */
function shapes(t: Tensor | readonly Tensor[]): string {
  return t instanceof Tensor
    ? formatSymbolicShape(t.shape)
    : t.map((u) => formatSymbolicShape(u.shape)).join(', ');
}
