/** Activation functions by name, as layers' `activation` option takes them. */
import {
  type Tensor,
  biasActivation,
  elu,
  exp,
  gelu,
  hardSigmoid,
  leakyRelu,
  logSoftmax,
  mish,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  softsign,
  tanh,
} from '@zen/autograd-core';

export type ActivationName =
  | 'linear'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'softmax'
  | 'leakyRelu'
  | 'elu'
  | 'gelu'
  | 'softplus'
  | 'selu'
  | 'silu'
  | 'swish'
  | 'relu6'
  | 'softsign'
  | 'mish'
  | 'exponential'
  | 'hardSigmoid'
  | 'hardSigmoidKeras3'
  | 'logSoftmax';

/** Slope of 'leakyRelu' for x < 0 (the LeakyReLU layer's default, as TensorFlow.js). */
export const LEAKY_RELU_ALPHA = 0.3;

const ACTIVATIONS: Record<ActivationName, (x: Tensor) => Tensor> = {
  linear: (x) => x,
  relu,
  sigmoid,
  tanh,
  softmax: (x) => softmax(x, -1),
  leakyRelu: (x) => leakyRelu(x, LEAKY_RELU_ALPHA),
  elu: (x) => elu(x, 1),
  gelu,
  softplus,
  selu,
  silu,
  swish: silu,
  relu6,
  softsign,
  mish,
  exponential: exp,
  // TensorFlow.js and Keras 2: clip(0.2x + 0.5, 0, 1); Keras 3: relu6(x + 3)/6.
  hardSigmoid: (x) => hardSigmoid(x),
  hardSigmoidKeras3: (x) => hardSigmoid(x, 1 / 6, 0.5),
  logSoftmax: (x) => logSoftmax(x, -1),
};

/** The activation function called `name` (throws listing the known names). */
export function getActivation(name: string): (x: Tensor) => Tensor {
  const fn = ACTIVATIONS[name as ActivationName];
  if (!fn) {
    throw new Error(`unknown activation '${name}' (expected one of ${Object.keys(ACTIVATIONS).join(', ')})`);
  }
  return fn;
}

/** Activations a cross-entropy loss can fuse with (it then works on the logits before them). */
export type FusableActivation = 'softmax' | 'sigmoid';

export function isFusable(name: string): name is FusableActivation {
  return name === 'softmax' || name === 'sigmoid';
}

/** Activations computed in the same pass as the bias add (autograd-core's biasActivation). */
const WITH_BIAS = new Set<ActivationName>(['linear', 'relu', 'sigmoid', 'tanh']);

/** Whether `activation(z + bias)` is one fused op (biasActivation, conv2dBiasActivation). */
export function fusesWithBias(
  activation: ActivationName,
): activation is 'linear' | 'relu' | 'sigmoid' | 'tanh' {
  return WITH_BIAS.has(activation);
}

/**
 * activation(z + bias), the end of a Dense or Conv2D layer: one fused op where the
 * activation allows it, else the bias add followed by the activation.
 */
export function addBiasAndActivate(z: Tensor, bias: Tensor | null, activation: ActivationName): Tensor {
  if (bias && fusesWithBias(activation)) {
    return biasActivation(z, bias, activation);
  }
  return getActivation(activation)(bias ? z.add(bias) : z);
}
