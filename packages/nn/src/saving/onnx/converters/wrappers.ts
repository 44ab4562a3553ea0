/**
 * ONNX converters for the wrappers. TimeDistributed folds the steps into the batch axis
 * around the wrapped layer's own nodes; Bidirectional runs the forward layer and the
 * backward copy as ONNX recurrent ops (the backward one with direction 'reverse', which
 * keeps each output at its step, as the layer's re-reversed outputs) and merges them.
 */
import type { Bidirectional, TimeDistributed } from '../../../layers/wrappers';
import type { SymbolicShape } from '../../../shapes';
import { convertCall } from '../convert';
import { channelsLast } from '../layout';
import { registerOnnxConverter, refuse } from '../registry';
import { isRecurrent, recurrentGraph } from './recurrent';

registerOnnxConverter<TimeDistributed>('TimeDistributed', {
  convert: (g, layer, [input]) => {
    const x = channelsLast(g, input);
    const rest = x.shape.slice(2);
    if (rest.some((d) => d === null))
      refuse(layer, `needs every axis after the steps known to fold them, got [${x.shape.join(', ')}]`);
    const folded = g.op('Reshape', [x.name, g.int64s('folded_shape', [-1, ...(rest as number[])])]);
    const innerShape: SymbolicShape = [null, ...rest];
    const outShape = layer.layer.computeOutputShape(innerShape) as SymbolicShape;
    const [y] = convertCall(
      g,
      layer.layer,
      [{ name: folded, shape: innerShape, channelsFirst: false }],
      [outShape],
    );
    const outRest = outShape.slice(1);
    if (outRest.some((d) => d === null))
      refuse(layer, `wraps a layer whose output [${outShape.join(', ')}] has unknown axes`);
    // [batch, steps] from the input, then the wrapped layer's per-sample shape.
    const batchSteps = g.op('Slice', [
      g.op('Shape', [x.name]),
      g.int64s('starts', [0]),
      g.int64s('ends', [2]),
    ]);
    const shape = g.op('Concat', [batchSteps, g.int64s('sample_shape', outRest as number[])], { axis: 0 });
    return g.op('Reshape', [channelsLast(g, y).name, shape]);
  },
});

const MERGE_OPS = { sum: 'Add', mul: 'Mul', ave: 'Add' } as const;

registerOnnxConverter<Bidirectional>('Bidirectional', {
  convert: (g, layer, [input]) => {
    const { forwardLayer, backwardLayer } = layer;
    if (!isRecurrent(forwardLayer) || !isRecurrent(backwardLayer)) {
      refuse(layer, `wraps ${forwardLayer.className}; ONNX export handles SimpleRNN, LSTM and GRU`);
    }
    const run = (reverse: boolean) => {
      const inner = reverse ? backwardLayer : forwardLayer;
      const out = g.withinLayer(inner, () => recurrentGraph(g, inner, input, reverse));
      return typeof out === 'string' ? out : out.name;
    };
    const [forward, backward] = [run(false), run(true)];
    if (layer.mergeMode === 'concat') return g.op('Concat', [forward, backward], { axis: -1 });
    const merged = g.op(MERGE_OPS[layer.mergeMode], [forward, backward]);
    return layer.mergeMode === 'ave' ? g.op('Mul', [merged, g.scalar('half', 0.5)]) : merged;
  },
});
