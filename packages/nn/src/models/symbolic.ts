/**
 * Symbolic tensors: placeholders with a shape (batch axis null) and a dtype, produced by
 * `input()` and by `layer.apply` on other symbolic tensors. Each records the node (the
 * layer call) that made it, so a Model can trace its graph from outputs back to inputs.
 */
import type { DType } from '@zen/autograd-core';
import type { CallKwargs, Layer } from '../layers/layer';
import { type ShapeOrShapes, type SymbolicShape, formatSymbolicShape, isShapeList } from '../shapes';
import { describeValue } from '../describe';

let nextId = 0;

/** One call of a layer on symbolic tensors. */
export interface Node {
  readonly layer: Layer;
  /** Positional inputs, in order. */
  readonly inputs: readonly SymbolicTensor[];
  /** Whether the layer was called on a list (merge layers) rather than one tensor. */
  readonly inputIsList: boolean;
  /** Keyword arguments as given; symbolic tensors among them are replaced by real ones when run. */
  readonly kwargs: Readonly<CallKwargs>;
  /** Symbolic tensors found in `kwargs` (graph edges too). */
  readonly kwargInputs: readonly SymbolicTensor[];
  /** Outputs, filled in right after the node is made. */
  readonly outputs: SymbolicTensor[];
}

export class SymbolicTensor {
  /** Unique in the process; orders tensors by creation. */
  readonly id = nextId++;

  constructor(
    /** Shape with the batch axis (and any other unknown axis) null. */
    readonly shape: SymbolicShape,
    readonly dtype: DType,
    /** The layer call that produces this tensor. */
    readonly node: Node,
    /** Which of the node's outputs this is. */
    readonly outputIndex: number,
  ) {}

  /** 'dense_1' (or 'model/1' for a second output), for errors and summaries. */
  get name(): string {
    const layer = this.node.layer.name;
    return this.node.outputs.length > 1 ? `${layer}/${this.outputIndex}` : layer;
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor '${this.name}' ${formatSymbolicShape(this.shape)} ${this.dtype}`;
  }
}

/** Whether `value` is, or (in arrays and plain objects, one level deep) holds, a symbolic tensor. */
export function containsSymbolic(value: unknown): boolean {
  return symbolicIn(value).length > 0;
}

/** The symbolic tensors in `value` (itself, array items, plain-object values, one level of nesting each). */
export function symbolicIn(value: unknown, depth = 0): SymbolicTensor[] {
  if (value instanceof SymbolicTensor) return [value];
  if (depth > 2 || value === null || typeof value !== 'object') return [];
  const items = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [];
  return items.flatMap((item) => symbolicIn(item, depth + 1));
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Replaces every symbolic tensor in `value` by `lookup(tensor)` (same nesting as symbolicIn). */
export function substituteSymbolic(
  value: unknown,
  lookup: (t: SymbolicTensor) => unknown,
  depth = 0,
): unknown {
  if (value instanceof SymbolicTensor) return lookup(value);
  if (depth > 2 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => substituteSymbolic(v, lookup, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = substituteSymbolic(v, lookup, depth + 1);
  return out;
}

/**
 * `layer.apply` on symbolic input: builds the layer for the input shape(s), works out the
 * output shape(s) and records a node. Returns one symbolic tensor, or a list when the
 * layer has several outputs.
 */
export function applySymbolic(
  layer: Layer,
  x: unknown,
  kwargs: CallKwargs,
): SymbolicTensor | SymbolicTensor[] {
  const inputIsList = Array.isArray(x);
  const inputs = (inputIsList ? x : [x]) as unknown[];
  const where = `${layer.className} layer '${layer.name}'`;
  inputs.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      throw new Error(
        `${where}: cannot mix symbolic tensors and other values in its inputs (input ${i} is ${describeValue(t)}); ` +
          'apply a layer to outputs of input() and of other layers',
      );
    }
  });
  if (inputIsList && inputs.length === 0) throw new Error(`${where}: applied to an empty list`);
  const symbolic = inputs as SymbolicTensor[];
  const shapes: ShapeOrShapes = inputIsList ? symbolic.map((t) => t.shape) : symbolic[0].shape;
  layer.maybeBuild(shapes);
  const outShape = layer.computeOutputShape(shapes);
  const outShapes: SymbolicShape[] = isShapeList(outShape) ? outShape : [outShape];
  const node: Node = {
    layer,
    inputs: symbolic,
    inputIsList,
    kwargs: { ...kwargs },
    kwargInputs: symbolicIn(kwargs),
    outputs: [],
  };
  const dtype = layer.outputDType(symbolic.map((t) => t.dtype));
  outShapes.forEach((shape, i) => node.outputs.push(new SymbolicTensor([...shape], dtype, node, i)));
  layer.inboundNodes.push(node);
  return isShapeList(outShape) ? [...node.outputs] : node.outputs[0];
}
