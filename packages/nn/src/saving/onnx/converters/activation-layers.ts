/** ONNX converters for Activation, ReLU, LeakyReLU, Sigmoid, Tanh and Softmax layers. */
import type { Activation, LeakyReLU, ReLU, Softmax } from '../../../layers/activation-layers';
import type { Layer } from '../../../layers/layer';
import { onnxActivation } from '../activations';
import type { OnnxValue } from '../graph';
import { storedAxis } from '../layout';
import { float } from '../proto';
import { type Emitted, registerOnnxConverter } from '../registry';

/** Elementwise ops keep the input's layout. */
const same = (input: OnnxValue, name: string): Emitted => ({ name, channelsFirst: input.channelsFirst });

registerOnnxConverter<Activation>('Activation', {
  convert: (g, layer, [input]) => {
    return same(input, onnxActivation(g, layer, layer.activation, input));
  },
});

registerOnnxConverter<ReLU>('ReLU', {
  convert: (g, layer, [input]) => {
    if (layer.maxValue === undefined) return same(input, g.op('Relu', [input.name]));
    const clipped = g.op('Clip', [input.name, g.scalar('min', 0), g.scalar('max', layer.maxValue)]);
    return same(input, clipped);
  },
});

registerOnnxConverter<LeakyReLU>('LeakyReLU', {
  convert: (g, layer, [input]) => same(input, g.op('LeakyRelu', [input.name], { alpha: float(layer.alpha) })),
});

for (const [className, opType] of [
  ['Sigmoid', 'Sigmoid'],
  ['Tanh', 'Tanh'],
] as const) {
  registerOnnxConverter<Layer>(className, {
    convert: (g, _layer, [input]) => same(input, g.op(opType, [input.name])),
  });
}

registerOnnxConverter<Softmax>('Softmax', {
  convert: (g, layer, [input]) =>
    same(input, g.op('Softmax', [input.name], { axis: storedAxis(input, layer.axis) })),
});
