/** Activation functions by name as ONNX nodes (elementwise, so they work in either image layout). */
import { LEAKY_RELU_ALPHA } from '../../activations';
import type { Layer } from '../../layers/layer';
import { OnnxGraph, OnnxValue } from './graph';
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
