import { type DType, type TypedArray, allocate, allocateUninitialized, dtypeOf } from './dtype';
import { type Shape, sizeOf, formatShape } from './shape';
import type { GraphNode } from './engine';
import { formatTensor } from './format';
import { ShapeError, ValueError } from './errors';
import { scratch, scratchGenerationOf } from './scratch-state';

/** A number or a tensor: binary ops accept either on both sides. */
export type TensorLike = Tensor | number;

/** Axis argument of reductions: one axis, several, or all when omitted. */
export type Axis = number | readonly number[];

/**
 * An n-dimensional array on a contiguous row-major typed array, with autograd.
 *
 * Create tensors with `tensor`, `zeros`, `randn`, …; ops are chainable methods
 * (`x.mul(2).add(1).sum()`) and free functions (`add(x, 1)`).
 */
export class Tensor {
  private readonly storage: TypedArray;
  /** The scratch generation of its storage (scratch.ts), or 0 when it is not scratch memory. */
  private readonly scratchGeneration: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Whether gradients flow to this tensor (set it on leaves you want `.grad` for). */
  requiresGrad: boolean;
  /** Accumulated gradient of a leaf after `backward()`; `null` until then. */
  grad: Tensor | null = null;
  /** @internal The op that produced this tensor, when recorded for autograd. */
  node: GraphNode | null = null;
  /** @internal Forward-mode tangents by jvp level (see engine.ts), or null when there are none. */
  tangents: Map<number, Tensor> | null = null;

  constructor(data: TypedArray, shape: Shape, requiresGrad = false) {
    const size = sizeOf(shape);
    if (data.length !== size) {
      throw new ShapeError(
        `Tensor: ${data.length} elements do not fill shape ${formatShape(shape)} (${size})`,
      );
    }
    this.storage = data;
    this.scratchGeneration = scratchGenerationOf(data);
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
    this.requiresGrad = requiresGrad;
  }

  /**
   * The elements, row-major. Shared between a tensor and its reshaped views. Throws for a
   * tensor made in a scratch scope that has ended (its memory has been reused since).
   */
  get data(): TypedArray {
    if (this.scratchGeneration !== 0 && this.scratchGeneration !== scratch.generation)
      throw staleScratch(this);
    return this.storage;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Whether this tensor was created by the user rather than by an op. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** The elements as nested JavaScript arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    return toNested(this.data, this.shape, 0, 0) as NestedArray;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1)
      throw new ShapeError(
        `item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements, not 1`,
      );
    return this.data[0];
  }

  /** A new tensor with the same values and no graph. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** The same data, cut from the graph: gradients will not flow through the result. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** Numpy-like text, truncated for large tensors. */
  toString(): string {
    return formatTensor(this);
  }

  /** Zeroes (forgets) the accumulated gradient. */
  zeroGrad(): void {
    this.grad = null;
  }
}

function staleScratch(t: Tensor): ValueError {
  return new ValueError(
    `Tensor of shape ${formatShape(t.shape)} was made inside a scratch scope (a training or test step's ` +
      'scratch memory, reused by every step) that has ended; clone() what you keep while the step runs',
  );
}

/** Nested arrays of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

function toNested(data: TypedArray, shape: Shape, axis: number, offset: number): NestedArray {
  if (shape.length === 0) return data[0];
  const n = shape[axis];
  if (axis === shape.length - 1) return Array.from(data.subarray(offset, offset + n));
  const step = sizeOf(shape.slice(axis + 1));
  const out: NestedArray[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = toNested(data, shape, axis + 1, offset + i * step);
  return out;
}

/** A tensor of `shape` and `dtype` filled with zeros (internal helper for op results). */
export function emptyTensor(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}

/**
 * A tensor for an op's result that its kernel writes in full (internal helper): zeros, except
 * inside a scratch scope, where its memory is not cleared first (`allocateUninitialized`).
 */
export function outputTensor(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocateUninitialized(dtype, sizeOf(shape)), shape);
}
