/**
 * GELU as one op (x·Φ(x), Keras's exact form): one kernel pass forward and one for the
 * derivative, instead of six elementwise ops. The derivative is an op too, with its own
 * rule φ(x)·(2 − x²) written with Tensor ops, so higher derivatives work.
 */
import { type Op, defineOp, isGradEnabled } from '../engine';
import { floatDType } from '../dtype';
import { type Tensor, outputTensor } from '../tensor';
import { getBackend } from '../backend';

function geluForward(x: Tensor, derivative: boolean): Tensor {
  const input = x.dtype === 'int32' ? x.astype('float32') : x;
  const out = outputTensor(x.shape, floatDType(x.dtype));
  getBackend().gelu(input.data, out.data, derivative);
  return out;
}

/** gelu″(x) = φ(x)·(2 − x²). */
function secondDerivative(x: Tensor): Tensor {
  const square = x.square();
  return square
    .mul(-0.5)
    .exp()
    .mul(1 / Math.sqrt(2 * Math.PI))
    .mul(square.neg().add(2));
}

const geluDerivativeOp: Op<undefined> = defineOp({
  name: 'geluDerivative',
  forward: ([x]) => geluForward(x, true),
  vjp: (g, [x]) => [g.mul(secondDerivative(x))],
  jvp: ([t], [x]) => t!.mul(secondDerivative(x)),
});

/**
 * g ⊙ gelu′(x) in one kernel pass (an unrecorded backward pass needs no derivative tensor),
 * given the forward output y = gelu(x).
 */
function fusedBackward(g: Tensor, x: Tensor, y: Tensor): Tensor {
  const dtype = floatDType(x.dtype);
  const input = x.dtype === dtype ? x : x.astype(dtype);
  const grad = g.dtype === dtype ? g : g.astype(dtype);
  const out = outputTensor(x.shape, dtype);
  getBackend().geluBackward(input.data, y.data, grad.data, out.data);
  return out;
}

const geluOp: Op<undefined> = defineOp({
  name: 'gelu',
  forward: ([x]) => geluForward(x, false),
  vjp: (g, [x], y) => [isGradEnabled() ? g.mul(geluDerivativeOp([x], undefined)) : fusedBackward(g, x, y)],
  jvp: ([t], [x]) => t!.mul(geluDerivativeOp([x], undefined)),
});

/** x·Φ(x) = x/2·(1 + erf(x/√2)), fused. */
export const fusedGelu = (x: Tensor): Tensor => geluOp([x], undefined);
