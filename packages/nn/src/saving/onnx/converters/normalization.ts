/** ONNX converters for BatchNormalization (moving statistics) and LayerNormalization. */
import { type Tensor, noGrad, ones, zeros } from '@zen/autograd-core';
import type { BatchNormalization, LayerNormalization } from '../../../layers/normalization';
import type { OnnxGraph, OnnxValue } from '../graph';
import { channelsLast, storedAxis } from '../layout';
import { float } from '../proto';
import { registerOnnxConverter } from '../registry';

/** The logical feature axis of `layer` for a value of `rank`. */
function featureAxis(layer: { axis: number }, rank: number): number {
  return layer.axis < 0 ? rank + layer.axis : layer.axis;
}

/** A per-feature vector as a constant that broadcasts along stored axis `axis` of a rank-`rank` value. */
function alongAxis(g: OnnxGraph, base: string, t: Tensor, axis: number, rank: number): string {
  const dims = Array.from({ length: rank }, (_, i) => (i === axis ? t.size : 1));
  return g.weight(base, t.data, dims);
}

registerOnnxConverter<BatchNormalization>('BatchNormalization', {
  convert: (g, layer, [input]) => {
    const rank = input.shape.length;
    const axis = storedAxis(input, featureAxis(layer, rank));
    const features = layer.movingMean!.value.size;
    const gamma = layer.gamma?.value ?? ones([features]);
    const beta = layer.beta?.value ?? zeros([features]);
    if (axis === 1) {
      // ONNX's op normalises axis 1: NCHW images and [N, C] rows.
      const y = g.op(
        'BatchNormalization',
        [
          input.name,
          g.tensor('gamma', gamma),
          g.tensor('beta', beta),
          g.tensor('moving_mean', layer.movingMean!.value),
          g.tensor('moving_variance', layer.movingVariance!.value),
        ],
        { epsilon: float(layer.epsilon) },
      );
      return { name: y, channelsFirst: input.channelsFirst };
    }
    // Another feature axis: fold the statistics into x·a + b, a = γ/√(var + ε), b = β − mean·a.
    const [a, b] = noGrad(() => {
      const scale = gamma
        .astype('float64')
        .div(layer.movingVariance!.value.astype('float64').add(layer.epsilon).sqrt());
      return [scale, beta.astype('float64').sub(layer.movingMean!.value.astype('float64').mul(scale))];
    });
    const scaled = g.op('Mul', [input.name, alongAxis(g, 'scale', a, axis, rank)]);
    return {
      name: g.op('Add', [scaled, alongAxis(g, 'offset', b, axis, rank)]),
      channelsFirst: input.channelsFirst,
    };
  },
});

registerOnnxConverter<LayerNormalization>('LayerNormalization', {
  convert: (g, layer, [input]) => {
    const x: OnnxValue = channelsLast(g, input);
    const rank = x.shape.length;
    const axis = featureAxis(layer, rank);
    const features = x.shape[axis] as number;
    const gamma = layer.gamma?.value ?? ones([features]);
    if (axis === rank - 1) {
      // The native op (opset 17) normalises the last axis.
      const inputs = [x.name, g.tensor('gamma', gamma)];
      if (layer.beta) inputs.push(g.tensor('beta', layer.beta.value));
      return g.op('LayerNormalization', inputs, { axis: -1, epsilon: float(layer.epsilon) });
    }
    // A middle feature axis: (x − mean)/√(var + ε)·γ + β over that axis alone.
    const centred = g.op('Sub', [x.name, g.reduce('ReduceMean', x.name, [axis], true)]);
    const variance = g.reduce('ReduceMean', g.op('Mul', [centred, centred]), [axis], true);
    const std = g.op('Sqrt', [g.op('Add', [variance, g.scalar('epsilon', layer.epsilon)])]);
    let y = g.op('Mul', [g.op('Div', [centred, std]), alongAxis(g, 'gamma', gamma, axis, rank)]);
    if (layer.beta) y = g.op('Add', [y, alongAxis(g, 'beta', layer.beta.value, axis, rank)]);
    return y;
  },
});
