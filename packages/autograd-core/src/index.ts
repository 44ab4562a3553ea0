/**
 * @zen/autograd-core — tensors on typed arrays with reverse- and forward-mode autodiff.
 * This file is the package's whole public surface.
 */
import './methods';
import './register';
import './wasm/register';
import './tfjs-aliases';

export { Tensor } from './tensor';
export { ZenError, ShapeError, DTypeError, ValueError, FormatError } from './errors';
export type { TensorLike, Axis, NestedArray } from './tensor';
export type { DType, TypedArray } from './dtype';
export type { Shape } from './shape';
export { broadcastShapes, sizeOf } from './shape';
export {
  tensor,
  scalar,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
} from './creation';
export type { TensorOptions, TensorDataOptions, RandomOptions } from './creation';
export { setSeed, random, randomNormal, makeGenerator, shuffleInPlace } from './random';
export { RandomStream, RANDOM_STREAM_STATE_SIZE } from './random-stream';
export { noGrad, isGradEnabled, withGradMode, defineOp } from './engine';
export { scratchScope, keepGradients, gradientStore, adoptGradient } from './scratch';
export type { ScratchArena } from './scratch-state';
export type { OpDef, BackwardOptions } from './engine';
export { grad, valueAndGrad, vjp, jvp, jacobian, hessian } from './functional';
export type { TensorFunction } from './functional';
export { gradcheck, gradgradcheck } from './gradcheck';
export type { GradcheckOptions, GradcheckReport } from './gradcheck';
export {
  setBackend,
  getBackend,
  registerBackend,
  listBackends,
  tsBackend,
  ready,
  registerKernel,
  getKernel,
} from './backend';
export type { Backend, BackendFactory, BackendInit, BackendKernels, Kernels, KernelName } from './backend';
export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  equal,
  notEqual,
  greater,
  greaterEqual,
  less,
  lessEqual,
  neg,
  abs,
  sign,
  exp,
  log,
  sqrt,
  square,
  reciprocal,
  sin,
  cos,
  tan,
  tanh,
  sigmoid,
  relu,
  leakyRelu,
  elu,
  gelu,
  softplus,
  erf,
  clip,
  where,
} from './ops/elementwise';
export { sum, mean, max, min, variance, logSumExp, argmax, argmin } from './ops/reduce';
export { matmul } from './ops/matmul';
export {
  reshape,
  flatten,
  expandDims,
  squeeze,
  transpose,
  permute,
  broadcastTo,
  sumToShape,
  slice,
  pad,
  concat,
  stack,
  split,
  gather,
  indexSelect,
  astype,
  oneHot,
} from './ops/shape';
export { softmax, logSoftmax, conv2d, maxPool2d, avgPool2d, dropout } from './ops/nn';
export { selu, silu, swish, relu6, softsign, mish, hardSigmoid } from './ops/activations';
export { SELU_ALPHA, SELU_SCALE } from './kernels/activations';
export { biasActivation } from './ops/bias-activation';
export type { BiasActivation } from './ops/bias-activation';
export { fromExpression, EXPRESSION_FUNCTIONS } from './expression';
export type { ExpressionFunction } from './expression';
export { checkOptions, nearestName } from './options';
export { tensor1d, tensor2d, tensor3d, tensor4d } from './tfjs-aliases';
export { conv2dTranspose } from './ops/conv-transpose';
export { conv2dBiasActivation } from './ops/conv-bias-activation';
export type { Conv2DTransposeOptions } from './ops/conv-transpose';
export type { OptionsOwner } from './options';
export type { Conv2DOptions, Pool2DOptions, DropoutOptions } from './ops/nn';
export { scaledDotProductAttention } from './ops/attention';
export type { AttentionOptions } from './ops/attention';
export { layerNorm } from './ops/layer-norm';
export { softmaxCrossEntropy, sparseSoftmaxCrossEntropy } from './ops/softmax-cross-entropy';
export type { LayerNormOptions } from './ops/layer-norm';
export { linear } from './ops/linear';
export { einsum } from './ops/einsum';
export { triu, tril } from './ops/band';
export { firstNonFinite } from './kernels/optimizer';
export type { NonFinitePosition, ParameterUpdate, UpdateRule } from './kernels/optimizer';
export { tanhRecurrence } from './ops/recurrence';
