/**
 * ONNX converters for the smaller everyday layers: inference-time identities (spatial
 * dropout, Gaussian noise), Permute, RepeatVector, Rescaling, Normalization, and the
 * 1-D pooling layers (as NCL MaxPool/AveragePool, or reductions over the steps).
 */
import type { Layer } from '../../../layers/layer';
import type { AveragePooling1D, MaxPooling1D } from '../../../layers/pooling1d';
import type { Normalization, Rescaling } from '../../../layers/preprocessing';
import type { Permute, RepeatVector } from '../../../layers/sequence-shape';
import { channelsLast, storedAxis } from '../layout';
import { registerOnnxConverter } from '../registry';
import { windowAttributes } from './window';

for (const className of ['SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise']) {
  registerOnnxConverter<Layer>(className, {
    convert: (_g, _layer, [input]) => ({ name: input.name, channelsFirst: input.channelsFirst }),
  });
}

registerOnnxConverter<Permute>('Permute', {
  convert: (g, layer, [input]) =>
    g.op('Transpose', [channelsLast(g, input).name], { perm: [0, ...layer.dims] }),
});

// [N, F] → [N, 1, F] → broadcast to [N, n, F].
registerOnnxConverter<RepeatVector>('RepeatVector', {
  convert: (g, layer, [input]) => {
    const column = g.op('Unsqueeze', [input.name, g.int64s('axes', [1])]);
    return g.op('Expand', [column, g.int64s('shape', [1, layer.n, 1])]);
  },
});

registerOnnxConverter<Rescaling>('Rescaling', {
  convert: (g, layer, [input]) => {
    let y = g.op('Mul', [input.name, g.scalar('scale', layer.scale)]);
    if (layer.offset !== 0) y = g.op('Add', [y, g.scalar('offset', layer.offset)]);
    return { name: y, channelsFirst: input.channelsFirst };
  },
});

// (x − mean) / max(√variance, 1e-7) along the feature axis, as Zen-TS computes it.
registerOnnxConverter<Normalization>('Normalization', {
  convert: (g, layer, [input]) => {
    const rank = input.shape.length;
    const axis = storedAxis(input, layer.axis);
    const dims = Array.from({ length: rank }, (_, i) => (i === axis ? layer.mean!.value.size : 1));
    const std = Array.from(layer.variance!.value.data, (v) => Math.max(Math.sqrt(Math.fround(v)), 1e-7));
    const centred = g.op('Sub', [input.name, g.weight('mean', layer.mean!.value.data, dims)]);
    return { name: g.op('Div', [centred, g.weight('std', std, dims)]), channelsFirst: input.channelsFirst };
  },
});

for (const [className, opType] of [
  ['MaxPooling1D', 'MaxPool'],
  ['AveragePooling1D', 'AveragePool'],
] as const) {
  registerOnnxConverter<MaxPooling1D | AveragePooling1D>(className, {
    convert: (g, layer, [input]) => {
      const ncl = g.op('Transpose', [input.name], { perm: [0, 2, 1] });
      const attrs = windowAttributes([input.shape[1]], [layer.poolSize], [layer.strides], [1], layer.padding);
      if (opType === 'AveragePool') attrs.count_include_pad = 0;
      return g.op('Transpose', [g.op(opType, [ncl], attrs)], { perm: [0, 2, 1] });
    },
  });
}

for (const [className, reduceOp] of [
  ['GlobalAveragePooling1D', 'ReduceMean'],
  ['GlobalMaxPooling1D', 'ReduceMax'],
] as const) {
  registerOnnxConverter<Layer>(className, {
    convert: (g, _layer, [input]) => g.reduce(reduceOp, input.name, [1], false),
  });
}
