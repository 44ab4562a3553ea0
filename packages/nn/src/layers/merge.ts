/**
 * Elementwise merge layers (Keras): Add, Subtract, Multiply, Average, Maximum, Minimum.
 * They take a list of tensors whose shapes agree up to broadcasting, as Keras's rule: the
 * batch axes must match, the other axes broadcast aligned from the right (a rank-2 input
 * merges with a rank-3 one as if it had a length-1 axis after the batch axis).
 */
import { ShapeError, type Tensor } from '@zen/autograd-core';
import { type ShapeOrShapes, type SymbolicShape, formatSymbolicShape, isShapeList } from '../shapes';
import { type CallOptions, Layer, type LayerArgs, type LayerInput } from './layer';
import { registerLayer } from './registry';
import { optionNames } from '../options';

/** Base of the layers that combine a list of tensors; checks the list's length and shapes. */
export abstract class Merge extends Layer {
  /** How many inputs the layer takes: at least `minInputs`, at most `maxInputs`. */
  protected readonly minInputs: number = 2;
  protected readonly maxInputs: number = Infinity;

  /** The input shapes as a list, after checking the layer was given a list of the right length. */
  protected inputShapes(shapes: ShapeOrShapes): SymbolicShape[] {
    const count =
      this.maxInputs === this.minInputs ? `exactly ${this.minInputs}` : `at least ${this.minInputs}`;
    if (!isShapeList(shapes)) {
      throw new ShapeError(
        `${this.label} must be called on a list of ${count} inputs, got one tensor of shape ${formatSymbolicShape(shapes)}`,
      );
    }
    if (shapes.length < this.minInputs || shapes.length > this.maxInputs) {
      throw new ShapeError(
        `${this.label} must be called on a list of ${count} inputs, got ${shapes.length}: ${formatShapeList(shapes)}`,
      );
    }
    return shapes;
  }

  /** Throws unless the known batch lengths agree; returns the batch length (null if unknown). */
  protected batchLength(shapes: readonly SymbolicShape[]): number | null {
    let batch: number | null = null;
    for (const s of shapes) {
      if (s[0] === null) continue;
      if (batch !== null && s[0] !== batch) {
        throw new ShapeError(
          `${this.label}: cannot merge inputs with different batch sizes: ${formatShapeList(shapes)}`,
        );
      }
      batch = s[0];
    }
    return batch;
  }

  protected tensorList(x: LayerInput): Tensor[] {
    const xs = Array.isArray(x) ? x : [x];
    this.computeOutputShape(Array.isArray(x) ? xs.map((t) => t.shape) : x.shape);
    return xs;
  }
}

/** '[null,3] and [null,4]', '[2,3], [2,1] and [2,4]'. */
export function formatShapeList(shapes: readonly SymbolicShape[]): string {
  const all = shapes.map(formatSymbolicShape);
  return all.length < 2 ? all.join('') : `${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}`;
}

/** Broadcasts two per-sample shapes (no batch axis) aligned from the right; null when they do not fit. */
function broadcastSample(a: SymbolicShape, b: SymbolicShape): SymbolicShape | null {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  const offset = long.length - short.length;
  const out = long.slice(0, offset);
  for (let i = 0; i < short.length; i++) {
    const p = long[offset + i];
    const q = short[i];
    // An unknown length against 1 stays unknown; against a known n > 1 it must be n (or 1).
    if (p === null) out.push(q === 1 ? null : q);
    else if (q === null) out.push(p === 1 ? null : p);
    else if (p === 1 || q === 1 || p === q) out.push(Math.max(p, q));
    else return null;
  }
  return out;
}

const NO_OPTIONS = optionNames<LayerArgs, LayerArgs>()([]);

/** Merge layers that combine inputs elementwise with broadcasting. */
abstract class ElementwiseMerge extends Merge {
  /** Combines tensors already brought to the same rank. */
  protected abstract merge(xs: Tensor[]): Tensor;

  override computeOutputShape(inputShape: ShapeOrShapes): SymbolicShape {
    const shapes = this.inputShapes(inputShape);
    const batch = this.batchLength(shapes);
    let sample: SymbolicShape | null = shapes[0].slice(1);
    for (let i = 1; i < shapes.length && sample; i++) sample = broadcastSample(sample, shapes[i].slice(1));
    if (!sample)
      throw new ShapeError(`${this.label}: inputs have incompatible shapes ${formatShapeList(shapes)}`);
    return [batch, ...sample];
  }

  call(x: LayerInput, _options: CallOptions): Tensor {
    const xs = this.tensorList(x);
    const rank = Math.max(...xs.map((t) => t.ndim));
    // Missing axes go right after the batch axis (Keras), so the sample axes align from the right.
    const same = xs.map((t) =>
      t.ndim === rank
        ? t
        : t.reshape([t.shape[0], ...new Array<number>(rank - t.ndim).fill(1), ...t.shape.slice(1)]),
    );
    return this.merge(same);
  }
}

/** Sum of the inputs. */
export class Add extends ElementwiseMerge {
  static readonly optionNames = NO_OPTIONS;
  override readonly className = 'Add';
  protected merge(xs: Tensor[]): Tensor {
    return xs.reduce((a, b) => a.add(b));
  }
}

/** First input minus the second (exactly two inputs). */
export class Subtract extends ElementwiseMerge {
  static readonly optionNames = NO_OPTIONS;
  override readonly className = 'Subtract';
  protected override readonly maxInputs = 2;
  protected merge([a, b]: Tensor[]): Tensor {
    return a.sub(b);
  }
}

/** Elementwise product of the inputs. */
export class Multiply extends ElementwiseMerge {
  static readonly optionNames = NO_OPTIONS;
  override readonly className = 'Multiply';
  protected merge(xs: Tensor[]): Tensor {
    return xs.reduce((a, b) => a.mul(b));
  }
}

/** Mean of the inputs. */
export class Average extends ElementwiseMerge {
  static readonly optionNames = NO_OPTIONS;
  override readonly className = 'Average';
  protected merge(xs: Tensor[]): Tensor {
    return xs.reduce((a, b) => a.add(b)).div(xs.length);
  }
}

/** Elementwise maximum of the inputs. */
export class Maximum extends ElementwiseMerge {
  static readonly optionNames = NO_OPTIONS;
  override readonly className = 'Maximum';
  protected merge(xs: Tensor[]): Tensor {
    return xs.reduce((a, b) => a.maximum(b));
  }
}

/** Elementwise minimum of the inputs. */
export class Minimum extends ElementwiseMerge {
  static readonly optionNames = NO_OPTIONS;
  override readonly className = 'Minimum';
  protected merge(xs: Tensor[]): Tensor {
    return xs.reduce((a, b) => a.minimum(b));
  }
}

registerLayer('Add', Add);
registerLayer('Subtract', Subtract);
registerLayer('Multiply', Multiply);
registerLayer('Average', Average);
registerLayer('Maximum', Maximum);
registerLayer('Minimum', Minimum);
