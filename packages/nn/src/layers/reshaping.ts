/** Layers that only rearrange: Flatten and Reshape. */
import { ShapeError, type Tensor } from '@zen/autograd-core';
import { type SymbolicShape, formatSymbolicShape, sampleSize } from '../shapes';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from './layer';
import { registerLayer } from './registry';
import { optionNames } from '../options';

/** Flattens each sample: [N, d1, d2, …] → [N, d1·d2·…]. */
export class Flatten extends Layer {
  static readonly optionNames = optionNames<LayerArgs, LayerArgs>()([]);
  override readonly className = 'Flatten';
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  override build(inputShape: SymbolicShape): void {
    this.inputSpec = { minNdim: 1 };
    if (inputShape.length >= 2) {
      const axes: Record<number, number> = {};
      inputShape.forEach((d, i) => {
        if (i > 0 && d !== null) axes[i] = d;
      });
      this.inputSpec = { ndim: inputShape.length, axes };
    }
  }
  call(x: Tensor, _options: CallOptions): Tensor {
    return x.reshape([x.shape[0], -1]);
  }
  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [inputShape[0], sampleSize(inputShape)];
  }
}

export interface ReshapeArgs extends LayerArgs {
  /** Shape of each output sample (no batch axis); one entry may be -1. */
  targetShape: readonly number[];
}

/** Reshapes each sample to `targetShape` (the batch axis is kept). */
export class Reshape extends Layer {
  static readonly optionNames = optionNames<ReshapeArgs, LayerArgs>()(['targetShape']);
  override readonly className = 'Reshape';
  readonly targetShape: readonly number[];

  constructor(args: ReshapeArgs) {
    super(args);
    const unknowns = args.targetShape.filter((d) => d === -1).length;
    if (unknowns > 1 || !args.targetShape.every((d) => d === -1 || (Number.isInteger(d) && d > 0))) {
      throw new Error(
        `Reshape: targetShape must hold positive integers and at most one -1, got ${JSON.stringify(args.targetShape)}`,
      );
    }
    this.targetShape = [...args.targetShape];
  }

  override build(inputShape: SymbolicShape): void {
    this.computeOutputShape(inputShape); // validates the sizes
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    return x.reshape([x.shape[0], ...this.resolve(x.size / x.shape[0], x.shape)]);
  }

  /** The target shape with -1 filled in for samples of `size` elements. */
  private resolve(size: number, inputShape: SymbolicShape): number[] {
    const known = this.targetShape.reduce((n, d) => (d === -1 ? n : n * d), 1);
    const out = this.targetShape.map((d) => (d === -1 ? size / known : d));
    if (out.some((d) => !Number.isInteger(d)) || out.reduce((a, b) => a * b, 1) !== size) {
      throw new ShapeError(
        `${this.label}: cannot reshape input ${formatSymbolicShape(inputShape)} to samples of shape [${this.targetShape}]`,
      );
    }
    return out;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const size = sampleSize(inputShape);
    if (size === null) return [inputShape[0], ...this.targetShape.map((d) => (d === -1 ? null : d))];
    return [inputShape[0], ...this.resolve(size, inputShape)];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}

registerLayer('Flatten', Flatten);
registerLayer('Reshape', Reshape);
