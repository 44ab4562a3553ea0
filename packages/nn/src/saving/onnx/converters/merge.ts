/**
 * ONNX converters for the merge layers. Elementwise merges follow Keras's broadcasting
 * (a lower-rank input gains length-1 axes right after the batch axis, where ONNX would
 * prepend them), so such inputs are unsqueezed first. Images that all arrive NCHW stay so.
 */
import type { Layer } from '../../../layers/layer';
import type { Concatenate, Dot } from '../../../layers/merge-axes';
import type { OnnxGraph, OnnxValue } from '../graph';
import { channelsFirst, channelsLast, storedAxis } from '../layout';
import { registerOnnxConverter } from '../registry';

/** The inputs in one layout: NCHW when all are images and one already is, else as Zen-TS sees them. */
function oneLayout(g: OnnxGraph, inputs: readonly OnnxValue[]): OnnxValue[] {
  const nchw = inputs.some((v) => v.channelsFirst) && inputs.every((v) => v.shape.length === 4);
  return inputs.map((v) => (nchw ? channelsFirst(g, v) : channelsLast(g, v)));
}

/** Each input at the largest rank, Keras-style: missing axes inserted after the batch axis. */
function kerasRanked(g: OnnxGraph, inputs: readonly OnnxValue[]): string[] {
  const rank = Math.max(...inputs.map((v) => v.shape.length));
  return inputs.map((v) => {
    const missing = rank - v.shape.length;
    if (missing === 0) return v.name;
    const axes = Array.from({ length: missing }, (_, i) => i + 1);
    return g.op('Unsqueeze', [v.name, g.int64s('axes', axes)]);
  });
}

/** Variadic ONNX ops take every input at once; the others are chained pairwise. */
const ELEMENTWISE: Record<string, { op: string; variadic: boolean }> = {
  Add: { op: 'Sum', variadic: true },
  Subtract: { op: 'Sub', variadic: false },
  Multiply: { op: 'Mul', variadic: false },
  Average: { op: 'Mean', variadic: true },
  Maximum: { op: 'Max', variadic: true },
  Minimum: { op: 'Min', variadic: true },
};

for (const [className, { op, variadic }] of Object.entries(ELEMENTWISE)) {
  registerOnnxConverter<Layer>(className, {
    convert: (g, _layer, inputs) => {
      const values = oneLayout(g, inputs);
      const names = kerasRanked(g, values);
      const name = variadic ? g.op(op, names) : names.reduce((a, b) => g.op(op, [a, b]));
      return { name, channelsFirst: values[0].channelsFirst };
    },
  });
}

registerOnnxConverter<Concatenate>('Concatenate', {
  convert: (g, layer, inputs) => {
    const values = oneLayout(g, inputs);
    const axis = storedAxis(values[0], layer.axis);
    return {
      name: g.op(
        'Concat',
        values.map((v) => v.name),
        { axis },
      ),
      channelsFirst: values[0].channelsFirst,
    };
  },
});

/** x / sqrt(max(Σ x² over `axis`, 1e-12)), as the layer's l2 normalisation. */
function l2Normalize(g: OnnxGraph, x: string, axis: number): string {
  const squares = g.reduce('ReduceSumSquare', x, [axis], true);
  return g.op('Div', [x, g.op('Sqrt', [g.op('Max', [squares, g.scalar('epsilon', 1e-12)])])]);
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

// Per-sample contraction as one Einsum: 'b' for the batch axis, 'z' for the contracted one.
registerOnnxConverter<Dot>('Dot', {
  convert: (g, layer, inputs) => {
    const [a, b] = inputs.map((v) => channelsLast(g, v));
    const given = typeof layer.axes === 'number' ? [layer.axes, layer.axes] : layer.axes;
    const [i, j] = given.map((ax, k) => (ax < 0 ? ax + inputs[k].shape.length : ax));
    const free = LETTERS.replace(/[bz]/g, '');
    let next = 0;
    const spec = (rank: number, contracted: number): string[] =>
      Array.from({ length: rank }, (_, k) => (k === 0 ? 'b' : k === contracted ? 'z' : free[next++]));
    const sa = spec(a.shape.length, i);
    const sb = spec(b.shape.length, j);
    const rest = [...sa, ...sb].filter((c) => c !== 'b' && c !== 'z');
    const [x, y] = layer.normalize
      ? [l2Normalize(g, a.name, i), l2Normalize(g, b.name, j)]
      : [a.name, b.name];
    const product = g.op('Einsum', [x, y], { equation: `${sa.join('')},${sb.join('')}->b${rest.join('')}` });
    // Nothing left but the batch axis: Keras keeps a length-1 axis.
    return rest.length > 0 ? product : g.op('Unsqueeze', [product, g.int64s('axes', [1])]);
  },
});
