/**
 * The walk over a model's layers: a Sequential's chain, or a functional model's graph
 * (layer calls in run order, each reading the values of the calls before it). Nested
 * models convert through the same walk, so a model inside a model is inlined.
 */
import type { Layer } from '../../layers/layer';
import { InputLayer } from '../../models/input-layer';
import { Model } from '../../models/model';
import { Sequential } from '../../models/sequential';
import { type SymbolicTensor, substituteSymbolic } from '../../models/symbolic';
import { type ShapeOrShapes, type SymbolicShape, isShapeList } from '../../shapes';
import { convertCall } from './convert';
import { OnnxExportError, type OnnxGraph, type OnnxValue } from './graph';
import { getOnnxConverter } from './registry';

const shapeList = (shape: ShapeOrShapes): SymbolicShape[] => (isShapeList(shape) ? shape : [shape]);

/** Whether the model's layers can be walked (a subclassed model's `call` is code, not a graph). */
export function walkable(model: Model): boolean {
  return model instanceof Sequential || model.graph !== null;
}

/** Adds the nodes of `model` run on `inputs` (one per model input); returns one value per output. */
export function convertModel(g: OnnxGraph, model: Model, inputs: readonly OnnxValue[]): OnnxValue[] {
  if (!walkable(model)) getOnnxConverter(model); // throws, saying why
  if (model instanceof Sequential) {
    if (inputs.length !== 1) {
      throw new OnnxExportError(
        `ONNX export: Sequential '${model.name}' takes one input, got ${inputs.length}`,
      );
    }
    let v = inputs[0];
    for (const layer of model.layers)
      v = convertCall(g, layer, [v], shapeList(layer.computeOutputShape(v.shape)))[0];
    return [v];
  }
  const graph = model.graph!;
  if (inputs.length !== graph.inputs.length) {
    throw new OnnxExportError(
      `ONNX export: model '${model.name}' takes ${graph.inputs.length} inputs (${graph.inputNames.join(', ')}), got ${inputs.length}`,
    );
  }
  const values = new Map<number, OnnxValue>();
  graph.inputs.forEach((t, i) => values.set(t.id, inputs[i]));
  const lookup = (t: SymbolicTensor): OnnxValue => values.get(t.id)!;
  for (const node of graph.nodes) {
    const args = node.inputs.map(lookup);
    const shapes = args.map((a) => a.shape);
    const outShapes = shapeList(node.layer.computeOutputShape(node.inputIsList ? shapes : shapes[0]));
    const kwargs = substituteSymbolic(node.kwargs, lookup) as Record<string, unknown>;
    const outs = convertCall(g, node.layer, args, outShapes, kwargs);
    node.outputs.forEach((t, i) => values.set(t.id, outs[i]));
  }
  return graph.outputs.map(lookup);
}

/** A model input as the exported graph sees it: its shape (a first layer may fix an axis) and element type. */
export interface GraphInput {
  name: string;
  shape: SymbolicShape;
  elemType: 'float32' | 'int32';
}

/** The graph inputs of a top-level model: a Sequential's `<first layer>_input`, a functional model's input layers. */
export function graphInputs(model: Model): GraphInput[] {
  if (model instanceof Sequential) {
    const first = model.layers[0];
    return [fromConsumer(`${first.name}_input`, [null, ...model.builtInputShape!.slice(1)], first, null)];
  }
  const graph = model.graph!;
  return graph.inputs.map((t, i) => {
    const layer = t.node.layer as InputLayer;
    // The first layer reading the input may fix an axis of it (a position embedding's sequence axis).
    const reader = graph.nodes.find((n) => n.inputs.includes(t))?.layer ?? null;
    const shape: SymbolicShape = [null, ...layer.batchInputShape.slice(1)];
    return fromConsumer(
      graph.inputNames[i],
      shape,
      reader,
      layer.inputDType === 'int32' ? 'int32' : 'float32',
    );
  });
}

function fromConsumer(
  name: string,
  shape: SymbolicShape,
  reader: Layer | null,
  declared: 'float32' | 'int32' | null,
): GraphInput {
  if (reader instanceof Model && walkable(reader)) {
    const inner = graphInputs(reader);
    if (inner.length === 1) return { ...inner[0], name, elemType: declared ?? inner[0].elemType };
  }
  const converter = reader && !(reader instanceof InputLayer) ? getOnnxConverter(reader) : null;
  const fixed = converter?.inputShape ? converter.inputShape(reader!, shape) : shape;
  const elemType = declared ?? (converter?.inputType === 'int32' ? 'int32' : 'float32');
  return { name, shape: fixed, elemType };
}
