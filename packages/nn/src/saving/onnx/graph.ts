/**
 * The graph under construction: nodes, weights (initialisers) and unique value names.
 * Converters add nodes through it and pass `OnnxValue`s along, each knowing its
 * logical (Zen-TS) shape and whether it is held channels-first (see layout.ts).
 */
import { type Tensor, ZenError } from '@zen/autograd-core';
import type { SymbolicShape } from '../../shapes';
import {
  type AttrValue,
  type ElemTypeName,
  type NodeProto,
  type TensorProto,
  attribute,
  floatTensor,
  int64Tensor,
} from './proto';

/** A tensor in the graph being built. */
export interface OnnxValue {
  /** The ONNX value name. */
  readonly name: string;
  /** The shape Zen-TS sees (NHWC for images), batch axis null. */
  readonly shape: SymbolicShape;
  /** True when a rank-4 value is stored NCHW (ONNX's image layout) rather than NHWC. */
  readonly channelsFirst: boolean;
  /** Element type; float32 unless said otherwise (index inputs are int32). */
  readonly elemType?: ElemTypeName;
}

/** Thrown when a model or layer cannot be expressed in ONNX; names the layer and the reason. */
export class OnnxExportError extends ZenError {
  override name = 'OnnxExportError';
}

export class OnnxGraph {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly taken = new Set<string>();
  /** Prefix of new names: the layer being converted. */
  scope = '';
  /** The layer whose nodes are being added, and the weights each converted layer has made. */
  private owner: object | null = null;
  /** How many of the owner's weights come from its earlier calls (only those are reused). */
  private reusable = 0;
  private readonly ownWeights = new Map<object, TensorProto[]>();

  constructor(readonly opset: number) {}

  /** A name not used yet, under the current scope: 'dense/MatMul', 'dense/MatMul_1', … */
  uniqueName(base: string): string {
    const stem = this.scope ? `${this.scope}/${base}` : base;
    let name = stem;
    for (let i = 1; this.taken.has(name); i++) name = `${stem}_${i}`;
    this.taken.add(name);
    return name;
  }

  /** Runs `build` with names under `scope/name` (a layer, or a part of one). */
  within<T>(name: string, build: () => T): T {
    const outer = this.scope;
    this.scope = outer ? `${outer}/${name}` : name;
    try {
      return build();
    } finally {
      this.scope = outer;
    }
  }

  /**
   * Runs `build` as the conversion of one call of `layer`: names under its name, and a
   * weight equal to one the layer made in an earlier call (a shared layer) is reused.
   */
  withinLayer<T>(layer: object & { name: string }, build: () => T): T {
    const [outer, outerReusable] = [this.owner, this.reusable];
    this.owner = layer;
    this.reusable = this.ownWeights.get(layer)?.length ?? 0;
    try {
      return this.within(layer.name, build);
    } finally {
      [this.owner, this.reusable] = [outer, outerReusable];
    }
  }

  /** Claims an exact name (graph inputs and outputs); fails if it is taken. */
  claim(name: string): string {
    if (this.taken.has(name)) throw new OnnxExportError(`ONNX export: the name '${name}' is used twice`);
    this.taken.add(name);
    return name;
  }

  /** Adds a node with `outputs` outputs; returns their names. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttrValue> = {},
    outputs = 1,
  ): string[] {
    const name = this.uniqueName(opType);
    const outs = Array.from({ length: outputs }, (_, i) => (outputs === 1 ? name : `${name}:${i}`));
    outs.forEach((o) => this.taken.add(o));
    this.nodes.push({
      name,
      opType,
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Adds a single-output node and returns its output name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttrValue> = {}): string {
    return this.node(opType, inputs, attributes)[0];
  }

  /** A float32 weight (any float data is rounded to float32). */
  weight(base: string, data: ArrayLike<number>, dims: readonly number[]): string {
    const made = this.owner ? this.ownWeights.get(this.owner) : undefined;
    const candidate = floatTensor('', data, dims);
    const same = made?.slice(0, this.reusable).find((t) => sameTensor(t, candidate));
    if (same) return same.name!;
    const tensor = { ...candidate, name: this.uniqueName(base) };
    this.initializers.push(tensor);
    if (this.owner) {
      if (made) made.push(tensor);
      else this.ownWeights.set(this.owner, [tensor]);
    }
    return tensor.name;
  }

  /** A float32 weight holding a tensor's values (transposes and concatenations done with Tensor ops beforehand). */
  tensor(base: string, t: Tensor): string {
    return this.weight(base, t.data, t.shape);
  }

  /** A 1-D int64 constant (shapes, axes, split sizes). */
  int64s(base: string, values: readonly number[]): string {
    const name = this.uniqueName(base);
    this.initializers.push(int64Tensor(name, values, [values.length]));
    return name;
  }

  /** A float32 scalar constant. */
  scalar(base: string, value: number): string {
    return this.weight(base, [value], []);
  }

  /** ReduceMean/ReduceMax/… over `axes`: axes are an attribute before opset 18 and an input from 18 on. */
  reduce(opType: string, x: string, axes: readonly number[], keepdims: boolean): string {
    if (this.opset >= 18) {
      return this.op(opType, [x, this.int64s('axes', axes)], { keepdims: keepdims ? 1 : 0 });
    }
    return this.op(opType, [x], { axes, keepdims: keepdims ? 1 : 0 });
  }
}

/** Whether two float32 initialisers hold the same dims and bytes. */
function sameTensor(a: TensorProto, b: TensorProto): boolean {
  const da = a.dims!;
  const db = b.dims!;
  if (da.length !== db.length || da.some((d, i) => Number(d) !== Number(db[i]))) return false;
  const ra = a.rawData!;
  const rb = b.rawData!;
  if (ra.length !== rb.length) return false;
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return false;
  return true;
}
