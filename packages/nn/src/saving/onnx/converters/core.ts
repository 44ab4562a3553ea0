/** ONNX converters for Dense, Flatten, Reshape and Dropout. */
import type { Dense } from '../../../layers/dense';
import type { Dropout } from '../../../layers/dropout';
import type { Flatten, Reshape } from '../../../layers/reshaping';
import { onnxActivation } from '../activations';
import { channelsLast } from '../layout';
import { registerOnnxConverter } from '../registry';

// x·kernel (+ bias) then the activation; MatMul broadcasts, so any rank ≥ 2 works.
registerOnnxConverter<Dense>('Dense', {
  convert: (g, layer, [input]) => {
    const x = channelsLast(g, input);
    let z = g.op('MatMul', [x.name, g.tensor('kernel', layer.kernel!.value)]);
    if (layer.bias) z = g.op('Add', [z, g.tensor('bias', layer.bias.value)]);
    return onnxActivation(g, layer, layer.activation, { ...x, name: z });
  },
});

registerOnnxConverter<Flatten>('Flatten', {
  convert: (g, _layer, [input]) => g.op('Flatten', [channelsLast(g, input).name], { axis: 1 }),
});

// Reshape's 0 keeps the (dynamic) batch axis; -1 is inferred as in Zen-TS.
registerOnnxConverter<Reshape>('Reshape', {
  convert: (g, layer, [input]) =>
    g.op('Reshape', [channelsLast(g, input).name, g.int64s('shape', [0, ...layer.targetShape])]),
});

// Inference mode: the identity, so no node at all.
registerOnnxConverter<Dropout>('Dropout', {
  convert: (_g, _layer, [input]) => ({ name: input.name, channelsFirst: input.channelsFirst }),
});
