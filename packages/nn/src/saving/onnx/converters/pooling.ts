/** ONNX converters for the pooling layers (NCHW MaxPool/AveragePool; global pools end in [N, C]). */
import type { Layer } from '../../../layers/layer';
import type { AveragePooling2D, MaxPooling2D } from '../../../layers/pooling';
import { channelsFirst } from '../layout';
import { registerOnnxConverter } from '../registry';
import { imageWindow } from './window';

for (const [className, opType] of [
  ['MaxPooling2D', 'MaxPool'],
  ['AveragePooling2D', 'AveragePool'],
] as const) {
  registerOnnxConverter<MaxPooling2D | AveragePooling2D>(className, {
    convert: (g, layer, [input]) => {
      const x = channelsFirst(g, input);
      const attrs = imageWindow(input, layer.poolSize, layer.strides, layer.padding);
      // Averages count only the non-padding elements, as Zen-TS does ('same').
      if (opType === 'AveragePool') attrs.count_include_pad = 0;
      return { name: g.op(opType, [x.name], attrs), channelsFirst: true };
    },
  });
}

for (const [className, globalOp, reduceOp] of [
  ['GlobalAveragePooling2D', 'GlobalAveragePool', 'ReduceMean'],
  ['GlobalMaxPooling2D', 'GlobalMaxPool', 'ReduceMax'],
] as const) {
  registerOnnxConverter<Layer>(className, {
    convert: (g, _layer, [input]) =>
      input.channelsFirst
        ? g.op('Flatten', [g.op(globalOp, [input.name])], { axis: 1 }) // [N, C, 1, 1] → [N, C]
        : g.reduce(reduceOp, input.name, [1, 2], false),
  });
}
