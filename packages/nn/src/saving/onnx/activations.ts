/** Activation functions by name as ONNX nodes (elementwise, so they work in either image layout). */
import { SELU_ALPHA, SELU_SCALE } from '@zen/autograd-core';
import { LEAKY_RELU_ALPHA } from '../../activations';
import type { Layer } from '../../layers/layer';
import { type OnnxGraph, type OnnxValue } from './graph';
import { storedAxis } from './layout';
import { float } from './proto';
import { refuse } from './registry';

type ActivationBuilder = (g: OnnxGraph, v: OnnxValue) => string;

const unary =
  (opType: string): ActivationBuilder =>
  (g, v) =>
    g.op(opType, [v.name]);

const ACTIVATIONS: Record<string, ActivationBuilder> = {
  linear: (_g, v) => v.name,
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  softplus: unary('Softplus'),
  softmax: (g, v) => g.op('Softmax', [v.name], { axis: storedAxis(v, -1) }),
  leakyRelu: (g, v) => g.op('LeakyRelu', [v.name], { alpha: float(LEAKY_RELU_ALPHA) }),
  elu: (g, v) => g.op('Elu', [v.name], { alpha: float(1) }),
  // Exact GELU, x/2·(1 + erf(x/√2)), from Erf (the Gelu op only exists from opset 20).
  selu: (g, v) => g.op('Selu', [v.name], { alpha: float(SELU_ALPHA), gamma: float(SELU_SCALE) }),
  silu: (g, v) => g.op('Mul', [v.name, g.op('Sigmoid', [v.name])]),
  swish: (g, v) => g.op('Mul', [v.name, g.op('Sigmoid', [v.name])]),
  relu6: (g, v) => g.op('Clip', [v.name, g.scalar('zero', 0), g.scalar('six', 6)]),
  softsign: unary('Softsign'),
  // x·tanh(softplus(x)) (the Mish op only exists from opset 18).
  mish: (g, v) => g.op('Mul', [v.name, g.op('Tanh', [g.op('Softplus', [v.name])])]),
  exponential: unary('Exp'),
  hardSigmoid: (g, v) => g.op('HardSigmoid', [v.name], { alpha: float(0.2), beta: float(0.5) }),
  hardSigmoidKeras3: (g, v) => g.op('HardSigmoid', [v.name], { alpha: float(1 / 6), beta: float(0.5) }),
  logSoftmax: (g, v) => g.op('LogSoftmax', [v.name], { axis: storedAxis(v, -1) }),
  gelu: (g, v) => {
    const erf = g.op('Erf', [g.op('Mul', [v.name, g.scalar('sqrt1_2', Math.SQRT1_2)])]);
    const onePlus = g.op('Add', [erf, g.scalar('one', 1)]);
    return g.op('Mul', [g.op('Mul', [v.name, onePlus]), g.scalar('half', 0.5)]);
  },
};

/** Applies `layer`'s activation `name` to `v`; returns the output name (kept in `v`'s layout). */
export function onnxActivation(g: OnnxGraph, layer: Layer, name: string, v: OnnxValue): string {
  const build = ACTIVATIONS[name];
  if (!build) refuse(layer, `uses activation '${name}', which has no ONNX form yet`);
  return build(g, v);
}

/** Registers the ONNX form of an activation added by name (e.g. a new activation op). */
export function registerOnnxActivation(name: string, build: ActivationBuilder): void {
  ACTIVATIONS[name] = build;
}
