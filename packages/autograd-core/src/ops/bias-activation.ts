/**
 * A layer's bias add and activation as one op: act(z + bias) over the last axis. One
 * pass and one allocation instead of three (broadcast, add, activation); the rules
 * need only the output, since each supported activation's derivative is a function of it.
 * The first-order backward (nothing recorded, no tangent) is one kernel call too: the
 * gated gradient and the bias gradient in the same pass. Otherwise it is built from ops,
 * so derivatives of any order work.
 */
import { type Op, defineOp } from '../engine';
import { floatDType, promote } from '../dtype';
import { formatShape } from '../shape';
import { type Tensor, emptyTensor, outputTensor } from '../tensor';
import type { BiasActivationKernel } from '../kernels/elementwise';
import { getBackend } from '../backend';
import { reluGrad } from './elementwise';
import { firstOrderOnly, sumTangents } from './util';
import { ShapeError, ValueError } from '../errors';

export type BiasActivation = BiasActivationKernel;

/** g · act'(z + bias), written from the output y = act(z + bias). */
export function throughActivation(g: Tensor, y: Tensor, activation: BiasActivation): Tensor {
  switch (activation) {
    case 'linear':
      return g;
    case 'relu':
      return reluGrad(g, y); // y > 0 exactly where z + bias > 0
    case 'sigmoid':
      return g.mul(y.mul(y.neg().add(1))); // σ' = σ(1 − σ)
    case 'tanh':
      return g.mul(y.square().neg().add(1)); // tanh' = 1 − tanh²
  }
}

const biasActivationOp: Op<{ activation: BiasActivation }> = defineOp<{ activation: BiasActivation }>({
  name: 'biasActivation',
  forward: ([z, bias], { activation }) => {
    const out = emptyTensor(z.shape, floatDType(promote(z.dtype, bias.dtype)));
    getBackend().biasActivation(activation, z.data, bias.data, out.data);
    return out;
  },
  vjp: (g, [, bias], y, { activation }, needs) => {
    if (needs[1] && firstOrderOnly([g, y]) && g.dtype === y.dtype) {
      const dz = outputTensor(y.shape, y.dtype);
      const dBias = outputTensor(bias.shape, y.dtype);
      getBackend().biasActivationGrad(activation, g.data, y.data, dz.data, dBias.data);
      return [dz, dBias];
    }
    // Both inputs receive g·act'; the engine sums the bias's copy over the leading axes.
    const gz = throughActivation(g, y, activation);
    return [gz, gz];
  },
  jvp: ([tz, tb], _inputs, y, { activation }) => throughActivation(sumTangents([tz, tb]), y, activation),
});

/**
 * act(z + bias) with `bias` [C] added along the last axis of z [..., C], in one pass.
 * @example biasActivation(x.matmul(w), b, 'relu') // a Dense layer with ReLU
 */
export function biasActivation(z: Tensor, bias: Tensor, activation: BiasActivation): Tensor {
  if (bias.ndim !== 1 || z.ndim === 0 || z.shape[z.ndim - 1] !== bias.shape[0]) {
    throw new ShapeError(
      `biasActivation: bias ${formatShape(bias.shape)} must be 1-D and match the last axis of ${formatShape(z.shape)}`,
    );
  }
  if (!['linear', 'relu', 'sigmoid', 'tanh'].includes(activation)) {
    throw new ValueError(
      `biasActivation: unsupported activation '${activation}' (linear, relu, sigmoid or tanh)`,
    );
  }
  return biasActivationOp([z, bias], { activation });
}
