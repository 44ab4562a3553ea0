/** Converting one layer call: its converter from the table, under a name scope, with the output shapes attached. */
import type { CallKwargs, Layer } from '../../layers/layer';
import type { SymbolicShape } from '../../shapes';
import type { OnnxGraph, OnnxValue } from './graph';
import { getOnnxConverter, refuse } from './registry';

/**
 * Adds the nodes of one call of `layer` (a shared layer may be called several times:
 * its weights become initialisers once); returns one value per output shape.
 */
export function convertCall(
  g: OnnxGraph,
  layer: Layer,
  inputs: readonly OnnxValue[],
  outShapes: readonly SymbolicShape[],
  kwargs: Readonly<CallKwargs> = {},
): OnnxValue[] {
  const converter = getOnnxConverter(layer);
  const known = new Set(['training', ...(converter.kwargs ?? [])]);
  for (const [key, value] of Object.entries(kwargs)) {
    if (value !== undefined && !known.has(key))
      refuse(layer, `was called with '${key}', which its ONNX export does not handle`);
  }
  return g.withinLayer(layer, () => {
    const emitted = converter.convert(g, layer, inputs, kwargs);
    const list = Array.isArray(emitted) ? emitted : [emitted];
    if (list.length !== outShapes.length) {
      refuse(layer, `produced ${list.length} ONNX outputs where the model expects ${outShapes.length}`);
    }
    return list.map((e, i) =>
      typeof e === 'string'
        ? { name: e, shape: outShapes[i], channelsFirst: false }
        : { name: e.name, shape: outShapes[i], channelsFirst: e.channelsFirst, elemType: e.elemType },
    );
  });
}

/** Adds one single-output layer's nodes; returns its output value. */
export function convertLayer(
  g: OnnxGraph,
  layer: Layer,
  inputs: readonly OnnxValue[],
  outShape: SymbolicShape,
): OnnxValue {
  return convertCall(g, layer, inputs, [outShape])[0];
}
