/**
 * Merge layers that work along an axis (Keras): Concatenate joins the inputs along one
 * axis; Dot takes the dot product of two inputs along one axis of each, per sample.
 */
import { ShapeError, type Tensor, concat } from '@zen/autograd-core';
import { type ShapeOrShapes, type SymbolicShape } from '../shapes';
import { optionNames } from '../options';
import { type CallOptions, type LayerArgs, type LayerConfig, type LayerInput } from './layer';
import { Merge, formatShapeList } from './merge';
import { registerLayer } from './registry';

export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along (default -1, the last; negative axes count from the end). */
  axis?: number;
}

/** Joins a list of inputs along `axis`; every other axis must have the same length. */
export class Concatenate extends Merge {
  static readonly optionNames = optionNames<ConcatenateArgs, LayerArgs>()(['axis']);
  override readonly className = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis))
      throw new Error(`Concatenate: axis must be an integer, got ${String(args.axis)}`);
  }

  override computeOutputShape(inputShape: ShapeOrShapes): SymbolicShape {
    const shapes = this.inputShapes(inputShape);
    const rank = shapes[0].length;
    const fail = (why: string): never => {
      throw new ShapeError(`${this.label}: ${why}; got shapes ${formatShapeList(shapes)}`);
    };
    if (shapes.some((s) => s.length !== rank)) fail('inputs must have the same rank');
    if (this.axis < -rank || this.axis >= rank) fail(`axis ${this.axis} is out of range for rank ${rank}`);
    const ax = this.axis < 0 ? this.axis + rank : this.axis;
    const out: (number | null)[] = [];
    for (let i = 0; i < rank; i++) {
      const lengths = shapes.map((s) => s[i]);
      if (i === ax) {
        out.push(lengths.some((d) => d === null) ? null : (lengths as number[]).reduce((a, b) => a + b, 0));
        continue;
      }
      const known = lengths.filter((d): d is number => d !== null);
      if (known.some((d) => d !== known[0])) {
        fail(
          `inputs must have the same length on every axis but the concatenation axis ${ax} (axis ${i} differs)`,
        );
      }
      out.push(known.length > 0 ? known[0] : null);
    }
    return out;
  }

  call(x: LayerInput, _options: CallOptions): Tensor {
    return concat(this.tensorList(x), this.axis);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), axis: this.axis };
  }
}

export interface DotArgs extends LayerArgs {
  /** The axis of each input to contract: one for both, or one per input (not the batch axis; negative counts from the end). */
  axes: number | readonly [number, number];
  /** L2-normalise both inputs along their axis first, so the result is the cosine similarity (default false). */
  normalize?: boolean;
}

/**
 * Per-sample dot product of two inputs along `axes` (Keras's batch_dot): inputs [b, …x]
 * and [b, …y] give [b, …x without its axis, …y without its axis], and [b, 1] when nothing remains.
 */
export class Dot extends Merge {
  static readonly optionNames = optionNames<DotArgs, LayerArgs>()(['axes', 'normalize']);
  override readonly className = 'Dot';
  protected override readonly maxInputs = 2;
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    const axes = args?.axes;
    const valid =
      Number.isInteger(axes) ||
      (Array.isArray(axes) && axes.length === 2 && axes.every((a) => Number.isInteger(a)));
    if (!valid)
      throw new Error(`Dot: axes must be an integer or a pair of integers, got ${JSON.stringify(axes)}`);
    this.axes = typeof axes === 'number' ? axes : [axes[0], axes[1]];
    this.normalize = args.normalize ?? false;
  }

  /** The contracted axis of each input, as non-negative indices, checked against the shapes. */
  private contracted(shapes: SymbolicShape[]): [number, number] {
    const given = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    const axes = given.map((a, i) => {
      const rank = shapes[i].length;
      const ax = a < 0 ? a + rank : a;
      if (ax < 1 || ax >= rank) {
        throw new ShapeError(
          `${this.label}: axis ${a} of input ${i} must be a non-batch axis of its rank-${rank} shape; got shapes ${formatShapeList(shapes)}`,
        );
      }
      return ax;
    }) as [number, number];
    const [p, q] = [shapes[0][axes[0]], shapes[1][axes[1]]];
    if (p !== null && q !== null && p !== q) {
      throw new ShapeError(
        `${this.label}: axis ${axes[0]} of the first input has length ${p} but axis ${axes[1]} of the second has length ${q}; got shapes ${formatShapeList(shapes)}`,
      );
    }
    return axes;
  }

  override computeOutputShape(inputShape: ShapeOrShapes): SymbolicShape {
    const shapes = this.inputShapes(inputShape);
    const batch = this.batchLength(shapes);
    const [i, j] = this.contracted(shapes);
    const rest = [
      ...shapes[0].filter((_, k) => k > 0 && k !== i),
      ...shapes[1].filter((_, k) => k > 0 && k !== j),
    ];
    return [batch, ...(rest.length > 0 ? rest : [1])];
  }

  call(x: LayerInput, _options: CallOptions): Tensor {
    let [a, b] = this.tensorList(x);
    const [i, j] = this.contracted([a.shape, b.shape]);
    if (this.normalize) [a, b] = [l2Normalize(a, i), l2Normalize(b, j)];
    // Contract with one batched matmul: a as [batch, rest, k], b as [batch, k, rest].
    const aRest = a.shape.filter((_, k) => k > 0 && k !== i);
    const bRest = b.shape.filter((_, k) => k > 0 && k !== j);
    const size = (s: number[]) => s.reduce((m, d) => m * d, 1);
    const batch = a.shape[0];
    const aT = a.transpose([0, ...a.shape.map((_, k) => k).filter((k) => k > 0 && k !== i), i]);
    const bT = b.transpose([0, j, ...b.shape.map((_, k) => k).filter((k) => k > 0 && k !== j)]);
    const product = aT
      .reshape([batch, size(aRest), a.shape[i]])
      .matmul(bT.reshape([batch, b.shape[j], size(bRest)]));
    const rest = [...aRest, ...bRest];
    return product.reshape([batch, ...(rest.length > 0 ? rest : [1])]);
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      axes: typeof this.axes === 'number' ? this.axes : [...this.axes],
      normalize: this.normalize,
    };
  }
}

/** x / sqrt(max(sum(x², axis), 1e-12)), as Keras's l2_normalize. */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return x.div(x.square().sum(axis, true).maximum(1e-12).sqrt());
}

registerLayer('Concatenate', Concatenate);
registerLayer('Dot', Dot);
