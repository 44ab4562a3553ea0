/** Activation functions by name, as layers' `activation` option takes them. */
import {
  type Tensor,
  ValueError,
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
import { type RegisterFunction, Registry } from './registry';

/** The built-in activations. */
export type BuiltinActivationName =
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

/** An activation's name: a built-in one, or one registered with `registerActivation`. */
export type ActivationName = BuiltinActivationName | (string & {});

/** An activation function, optionally naming itself with a `className` property. */
export type ActivationFunction = ((x: Tensor) => Tensor) & { readonly className?: unknown };

/** Slope of 'leakyRelu' for x < 0 (the LeakyReLU layer's default, as TensorFlow.js). */
export const LEAKY_RELU_ALPHA = 0.3;

const BUILT_IN: Record<BuiltinActivationName, (x: Tensor) => Tensor> = {
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

const activations = new Registry<ActivationFunction>('activation', 'registerActivation');
for (const [name, fn] of Object.entries(BUILT_IN)) activations.register(name, fn);

/**
 * Registers an activation so layers take its name (and saved configs naming it load):
 * `registerActivation('hardTanh', fn)`, or `registerActivation(fn)` with `fn.className` set.
 */
export const registerActivation: RegisterFunction<ActivationFunction> = activations.registerFunction();

/** The activation function called `name` (throws listing the registered names). */
export function getActivation(name: ActivationName): (x: Tensor) => Tensor {
  if (typeof name !== 'string') {
    throw new ValueError(`getActivation: expected an activation name, got ${typeof name}`);
  }
  return activations.require(name);
}

/** Activations a cross-entropy loss can fuse with (it then works on the logits before them). */
export type FusableActivation = 'softmax' | 'sigmoid';

export function isFusable(name: string): name is FusableActivation {
  return name === 'softmax' || name === 'sigmoid';
}

/** Activations computed in the same pass as the bias add (autograd-core's biasActivation). */
const WITH_BIAS = new Set<string>(['linear', 'relu', 'sigmoid', 'tanh']);

/** Whether `activation(z + bias)` is one fused op (biasActivation, conv2dBiasActivation). */
export function fusesWithBias(
  activation: ActivationName,
): activation is 'linear' | 'relu' | 'sigmoid' | 'tanh' {
  return WITH_BIAS.has(activation);
}

/**
 * activation(z + bias), the end of a Dense or Conv2D layer: one fused op where the
 * activation allows it, else the bias add (one pass, no broadcast copy) followed by the
 * activation.
 */
export function addBiasAndActivate(z: Tensor, bias: Tensor | null, activation: ActivationName): Tensor {
  if (bias && fusesWithBias(activation)) {
    return biasActivation(z, bias, activation);
  }
  if (!bias) return getActivation(activation)(z);
  const alongLastAxis = bias.ndim === 1 && z.ndim > 0 && z.shape[z.ndim - 1] === bias.shape[0];
  return getActivation(activation)(alongLastAxis ? biasActivation(z, bias, 'linear') : z.add(bias));
}
