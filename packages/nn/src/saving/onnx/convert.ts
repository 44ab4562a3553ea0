/** Converting one layer: its converter from the table, under a name scope, with the output's shape attached. */
import type { Layer } from '../../layers/layer';
import type { SymbolicShape } from '../../shapes';
import type { OnnxGraph, OnnxValue } from './graph';
import { getOnnxConverter } from './registry';

/** Adds one layer's nodes; returns its output value. */
export function convertLayer(
  g: OnnxGraph,
  layer: Layer,
  inputs: readonly OnnxValue[],
  outShape: SymbolicShape,
): OnnxValue {
  const converter = getOnnxConverter(layer);
  return g.within(layer.name, () => {
    const emitted = converter.convert(g, layer, inputs);
    return typeof emitted === 'string'
      ? { name: emitted, shape: outShape, channelsFirst: false }
      : { name: emitted.name, shape: outShape, channelsFirst: emitted.channelsFirst };
  });
}
