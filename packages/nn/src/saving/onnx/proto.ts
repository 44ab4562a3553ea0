/**
 * The protobuf side of ONNX export: tensors, attributes and the model message, built
 * with onnx-proto (ONNX's own onnx.proto compiled by protobufjs) and encoded by it.
 */
import { onnx } from 'onnx-proto';

export type NodeProto = onnx.INodeProto;
export type TensorProto = onnx.ITensorProto;
export type ValueInfoProto = onnx.IValueInfoProto;

/** ONNX element types used by the exporter. */
export const ElemType = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
} as const;
export type ElemTypeName = keyof typeof ElemType;

/** A float attribute (plain numbers are ints, as most ONNX attributes are). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
/** A list-of-floats attribute. */
export class FloatsAttr {
  constructor(readonly values: readonly number[]) {}
}
export const float = (v: number): FloatAttr => new FloatAttr(v);
export const floats = (v: readonly number[]): FloatsAttr => new FloatsAttr(v);

export type AttrValue = number | readonly number[] | string | readonly string[] | FloatAttr | FloatsAttr;

const AT = onnx.AttributeProto.AttributeType;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** One attribute, typed from its JavaScript value. */
export function attribute(name: string, value: AttrValue): onnx.IAttributeProto {
  if (value instanceof FloatAttr) return { name, type: AT.FLOAT, f: value.value };
  if (value instanceof FloatsAttr) return { name, type: AT.FLOATS, floats: [...value.values] };
  if (typeof value === 'string') return { name, type: AT.STRING, s: utf8(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`ONNX attribute '${name}': ${value} is not an integer`);
    return { name, type: AT.INT, i: value };
  }
  if (value.every((v): v is string => typeof v === 'string')) {
    return { name, type: AT.STRINGS, strings: value.map(utf8) };
  }
  return { name, type: AT.INTS, ints: [...(value as readonly number[])] };
}

/** A float32 tensor (little-endian raw data) from any numeric array. */
export function floatTensor(name: string, data: ArrayLike<number>, dims: readonly number[]): TensorProto {
  const bytes = new Uint8Array(4 * data.length);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return { name, dims: [...dims], dataType: ElemType.float32, rawData: bytes };
}

/** An int64 tensor (little-endian raw data). */
export function int64Tensor(name: string, data: readonly number[], dims: readonly number[]): TensorProto {
  const bytes = new Uint8Array(8 * data.length);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return { name, dims: [...dims], dataType: ElemType.int64, rawData: bytes };
}

/** A graph input or output: element type and shape (strings are symbolic dimensions, null unknown ones). */
export function valueInfo(
  name: string,
  elemType: ElemTypeName,
  shape: readonly (number | string | null)[],
): ValueInfoProto {
  const dim = shape.map((d) => (d === null ? {} : typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: ElemType[elemType], shape: { dim } } } };
}

/** The ONNX IR version that goes with each supported opset of the default domain. */
export const IR_VERSION_FOR_OPSET: Readonly<Record<number, number>> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

export interface ModelParts {
  opset: number;
  graphName: string;
  nodes: NodeProto[];
  initializers: TensorProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  producerVersion?: string;
  docString?: string;
}

/** Encodes a whole model to ONNX's protobuf bytes. */
export function encodeModel(parts: ModelParts): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: IR_VERSION_FOR_OPSET[parts.opset],
    opsetImport: [{ domain: '', version: parts.opset }],
    producerName: 'zen-ts',
    producerVersion: parts.producerVersion,
    docString: parts.docString,
    graph: {
      name: parts.graphName,
      node: parts.nodes,
      initializer: parts.initializers,
      input: parts.inputs,
      output: parts.outputs,
    },
  };
  const error = onnx.ModelProto.verify(model);
  if (error) throw new Error(`ONNX export: malformed model message (${error})`);
  return onnx.ModelProto.encode(model).finish();
}
