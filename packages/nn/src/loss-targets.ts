/** Checking a loss's (yTrue, yPred) and bringing the targets to the predictions' shape and dtype. */
import { Tensor } from '@zen/autograd-core';
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
