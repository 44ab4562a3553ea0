/**
 * toOnnx: a built model → ONNX bytes (opset 17 by default). Inference mode throughout;
 * the graph takes the same input as `predict` (NHWC images), with a dynamic batch axis,
 * the input named after the model's input (`<first layer>_input` for a Sequential, as
 * Keras) and the output after its last layer.
 */
import type { Layer } from '../../layers/layer';
import { Sequential } from '../../models/sequential';
import type { SymbolicShape } from '../../shapes';
import './converters';
import { OnnxExportError, OnnxGraph, type OnnxValue } from './graph';
import { channelsLast } from './layout';
import { IR_VERSION_FOR_OPSET, encodeModel, valueInfo } from './proto';
import { convertLayer } from './convert';
import { getOnnxConverter } from './registry';

export interface OnnxExportOptions {
  /** Opset of the default ONNX domain: 17 (default) to 21. */
  opset?: number;
}

export const DEFAULT_OPSET = 17;

/** Name of the symbolic batch dimension of inputs and outputs. */
const BATCH = 'batch';

/** A stack of layers, each feeding the next. */
function convertStack(g: OnnxGraph, layers: readonly Layer[], input: OnnxValue): OnnxValue {
  let v = input;
  for (const layer of layers)
    v = convertLayer(g, layer, [v], layer.computeOutputShape(v.shape) as SymbolicShape);
  return v;
}

/** The graph's dimensions for a shape: the batch axis symbolic, other unknown axes left open. */
function graphDims(shape: SymbolicShape): (number | string | null)[] {
  return shape.map((d, i) => (i === 0 ? BATCH : d));
}

/** The ONNX bytes of `model` (a built Sequential), ready for ONNX Runtime. */
export function toOnnx(model: Sequential, options: OnnxExportOptions = {}): Uint8Array {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!(opset in IR_VERSION_FOR_OPSET)) {
    throw new OnnxExportError(
      `toOnnx: opset ${opset} is not supported (supported: ${Object.keys(IR_VERSION_FOR_OPSET).join(', ')})`,
    );
  }
  if (!(model instanceof Sequential)) {
    const kind = describe(model);
    throw new OnnxExportError(
      (model as { className?: unknown })?.className
        ? `toOnnx: only Sequential models export to ONNX so far; got a ${kind}`
        : `toOnnx: expected a model, got ${kind}`,
    );
  }
  if (!model.built || !model.builtInputShape) {
    throw new OnnxExportError(
      `toOnnx: model '${model.name}' is not built yet; give its first layer an inputShape or call it on data first`,
    );
  }
  const g = new OnnxGraph(opset);
  const first = model.layers[0];
  const converter = getOnnxConverter(first);
  const inputType = converter.inputType ?? 'float32';
  const built: SymbolicShape = [null, ...model.builtInputShape.slice(1)];
  const inputShape = converter.inputShape ? converter.inputShape(first, built) : built;
  const input: OnnxValue = {
    name: g.claim(`${first.name}_input`),
    shape: inputShape,
    channelsFirst: false,
    elemType: inputType,
  };
  const result = channelsLast(g, convertStack(g, model.layers, input));
  const outputName = g.claim(model.layers[model.layers.length - 1].name);
  g.nodes.push({
    name: `${outputName}/output`,
    opType: 'Identity',
    input: [result.name],
    output: [outputName],
  });
  return encodeModel({
    opset,
    graphName: model.name,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [valueInfo(input.name, inputType, graphDims(inputShape))],
    outputs: [valueInfo(outputName, 'float32', graphDims(result.shape))],
    docString: `Zen-TS model '${model.name}', exported for inference`,
  });
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'an object';
  return typeof x;
}
