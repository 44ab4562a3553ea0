/** Checking a loss's (yTrue, yPred) and bringing the targets to the predictions' shape and dtype. */
import { Tensor, ValueError } from '@zen/autograd-core';
import { formatSymbolicShape } from './shapes';

/**
 * Brings `yTrue` to `yPred`'s shape and dtype. Equal sizes are reshaped ([N] vs
 * [N, 1], which would otherwise broadcast to [N, N]); other mismatches are errors.
 */
export function alignTargets(loss: string, yTrue: Tensor, yPred: Tensor): Tensor {
  checkTensors(loss, yTrue, yPred);
  let y = yTrue;
  if (y.shape.length !== yPred.shape.length || y.shape.some((d, i) => d !== yPred.shape[i])) {
    if (y.size !== yPred.size) {
      throw new Error(
        `${loss}: yTrue of shape ${formatSymbolicShape(yTrue.shape)} does not match yPred of shape ${formatSymbolicShape(yPred.shape)}`,
      );
    }
    y = y.reshape(yPred.shape);
  }
  return y.dtype === yPred.dtype ? y.detach() : y.detach().astype(yPred.dtype);
}

export function checkTensors(loss: string, yTrue: Tensor, yPred: Tensor): void {
  if (!(yTrue instanceof Tensor) || !(yPred instanceof Tensor)) {
    throw new Error(`${loss}: yTrue and yPred must be Tensors`);
  }
  if (yPred.dtype === 'int32') throw new Error(`${loss}: yPred must be a float tensor, got int32`);
  if (yPred.ndim === 0) throw new Error(`${loss}: yPred must have a batch axis, got a scalar`);
}

/**
 * A target value a loss cannot take. The message says where it is in the loss's yTrue
 * ('at position 3'); `row` is that value's sample in the batch, so fit and evaluate can
 * restate it as the sample of the user's data (`relocate`).
 */
export class TargetError extends ValueError {
  override name = 'TargetError';

  constructor(
    private readonly head: string,
    private readonly tail: string,
    readonly row: number,
    position: number,
  ) {
    super(`${head} at position ${position} ${tail}`);
  }

  /** Rewrites where the value is, e.g. 'of sample 1234 (row 3 of batch 2)'. */
  relocate(where: string): void {
    this.message = `${this.head} ${where} ${this.tail}`;
  }
}

/** Sample (row of axis 0) of flat index `i` in `t`. */
export function rowOf(t: Tensor, i: number): number {
  return t.shape.length === 0 || t.size === 0 ? 0 : Math.floor(i / (t.size / t.shape[0]));
}
