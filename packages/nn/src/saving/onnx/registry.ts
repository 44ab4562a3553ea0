/**
 * The converter table: one entry per layer class (by `className`, as loadModel finds
 * layers). Adding a layer to ONNX export is one `registerOnnxConverter` call.
 */
import type { CallKwargs, Layer } from '../../layers/layer';
import { Model } from '../../models/model';
import { OnnxExportError, type OnnxGraph, type OnnxValue } from './graph';
import type { ElemTypeName } from './proto';
import type { SymbolicShape } from '../../shapes';

/** What a converter produced: a value name (held NHWC / as Zen-TS sees it) or one with its layout. */
export type Emitted = string | { name: string; channelsFirst: boolean; elemType?: ElemTypeName };

export interface OnnxConverter<L extends Layer = Layer> {
  /**
   * Adds the layer's nodes in inference mode; `inputs` are its input values in order,
   * `kwargs` the keyword arguments of a functional call (symbolic tensors as OnnxValues).
   * A layer with several outputs returns one value per output.
   */
  convert(
    g: OnnxGraph,
    layer: L,
    inputs: readonly OnnxValue[],
    kwargs: Readonly<CallKwargs>,
  ): Emitted | Emitted[];
  /** Keyword arguments (besides `training`) the converter honours; a call with any other is refused. */
  kwargs?: readonly string[];
  /** Element type the layer takes when it is a model's first layer (index lookups: 'int32'). */
  inputType?: ElemTypeName;
  /** The graph input's shape when the layer comes first, from the model's (e.g. a fixed sequence axis). */
  inputShape?(layer: L, shape: SymbolicShape): SymbolicShape;
}

const CONVERTERS = new Map<string, OnnxConverter>();

/** Registers how layers of class `className` export to ONNX (replacing any earlier entry). */
export function registerOnnxConverter<L extends Layer>(className: string, converter: OnnxConverter<L>): void {
  CONVERTERS.set(className, converter as unknown as OnnxConverter);
}

/** The layer class names that have a converter. */
export function onnxConverterClassNames(): string[] {
  return [...CONVERTERS.keys()];
}

/** The converter for `layer`, or an error naming the layer and saying why it cannot be exported. */
export function getOnnxConverter(layer: Layer): OnnxConverter {
  const converter = CONVERTERS.get(layer.className);
  if (!converter && layer instanceof Model && !layer.graph) {
    refuse(
      layer,
      'is a subclassed model: its call() is code, not a traced graph, so it cannot be written as ONNX; ' +
        'build it as a functional Model({ inputs, outputs }) or a Sequential to export it',
    );
  }
  if (!converter) {
    throw new OnnxExportError(
      `ONNX export: layer '${layer.name}' (${layer.className}) has no ONNX converter; ` +
        `register one with registerOnnxConverter('${layer.className}', …)`,
    );
  }
  return converter;
}

/** A refusal from inside a converter: names the layer and gives the reason. */
export function refuse(layer: Layer, reason: string): never {
  throw new OnnxExportError(`ONNX export: layer '${layer.name}' (${layer.className}) ${reason}`);
}
