/**
 * toOnnx: a built model → ONNX bytes (opset 17 by default). Inference mode throughout;
 * the graph takes the same inputs as `predict` (NHWC images), with a dynamic batch axis.
 * A Sequential's input is named `<first layer>_input` (as Keras) and its output after its
 * last layer; a functional model's inputs and outputs carry its input and output names.
 */
import { Model } from '../../models/model';
import { Sequential } from '../../models/sequential';
import type { SymbolicShape } from '../../shapes';
import './converters';
import { OnnxExportError, OnnxGraph, type OnnxValue } from './graph';
import { channelsLast } from './layout';
import { IR_VERSION_FOR_OPSET, encodeModel, valueInfo } from './proto';
import { convertModel, graphInputs, walkable } from './model-graph';
import { getOnnxConverter } from './registry';

export interface OnnxExportOptions {
  /** Opset of the default ONNX domain: 17 (default) to 21. */
  opset?: number;
}

export const DEFAULT_OPSET = 17;

/** Name of the symbolic batch dimension of inputs and outputs. */
const BATCH = 'batch';

/** The graph's dimensions for a shape: the batch axis symbolic, other unknown axes left open. */
function graphDims(shape: SymbolicShape): (number | string | null)[] {
  return shape.map((d, i) => (i === 0 ? BATCH : d));
}

/** Throws unless `model` is a built Sequential or functional model. */
function checkExportable(model: unknown): asserts model is Model {
  if (!(model instanceof Model))
    throw new OnnxExportError(`toOnnx: expected a model, got ${describe(model)}`);
  if (!walkable(model)) getOnnxConverter(model); // throws, saying why
  if (model instanceof Sequential && (!model.built || !model.builtInputShape)) {
    throw new OnnxExportError(
      `toOnnx: model '${model.name}' is not built yet; give its first layer an inputShape or call it on data first`,
    );
  }
}

/** The ONNX bytes of `model` (a built Sequential or functional model), ready for ONNX Runtime. */
export function toOnnx(model: Model, options: OnnxExportOptions = {}): Uint8Array {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!(opset in IR_VERSION_FOR_OPSET)) {
    throw new OnnxExportError(
      `toOnnx: opset ${opset} is not supported (supported: ${Object.keys(IR_VERSION_FOR_OPSET).join(', ')})`,
    );
  }
  checkExportable(model);
  const g = new OnnxGraph(opset);
  const inputs: OnnxValue[] = graphInputs(model).map((i) => ({
    name: g.claim(i.name),
    shape: i.shape,
    channelsFirst: false,
    elemType: i.elemType,
  }));
  const outputNames = model.outputNames.map((name) => g.claim(name));
  const results = convertModel(g, model, inputs).map((v) => channelsLast(g, v));
  results.forEach((v, i) =>
    g.nodes.push({
      name: `${outputNames[i]}/output`,
      opType: 'Identity',
      input: [v.name],
      output: [outputNames[i]],
    }),
  );
  return encodeModel({
    opset,
    graphName: model.name,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: inputs.map((v) => valueInfo(v.name, v.elemType ?? 'float32', graphDims(v.shape))),
    outputs: results.map((v, i) => valueInfo(outputNames[i], v.elemType ?? 'float32', graphDims(v.shape))),
    docString: `Zen-TS model '${model.name}', exported for inference`,
  });
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'an object';
  return typeof x;
}
