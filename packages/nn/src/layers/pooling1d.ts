/** Pooling over the time axis of [batch, steps, channels]: MaxPooling1D, AveragePooling1D (2-D pooling of height 1) and the global ones. */
import { type Tensor, avgPool2d, maxPool2d } from '@zen/autograd-core';
import { type SymbolicShape, windowOutputLength } from '../shapes';
import { optionNames } from '../options';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from './layer';
import { registerLayer } from './registry';
import { positiveInteger } from './conv-common';

export interface Pooling1DArgs extends LayerArgs {
  /** Window length; default 2. */
  poolSize?: number;
  /** Step; defaults to poolSize. */
  strides?: number;
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
}

abstract class Pooling1D extends Layer {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same';
  protected abstract readonly pool: typeof maxPool2d;

  constructor(args: Pooling1DArgs = {}) {
    super(args);
    this.poolSize = positiveInteger('pooling', 'poolSize', args.poolSize ?? 2);
    this.strides = positiveInteger('pooling', 'strides', args.strides ?? this.poolSize);
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') {
      throw new Error(`pooling: padding must be 'valid' or 'same', got '${this.padding as string}'`);
    }
  }

  override build(): void {
    this.inputSpec = { ndim: 3 };
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    const [n, steps, c] = x.shape;
    const out = this.pool(x.reshape([n, 1, steps, c]), {
      poolSize: [1, this.poolSize],
      strides: [1, this.strides],
      padding: this.padding,
    });
    return out.reshape([n, out.shape[2], c]);
  }

  override computeOutputShape([b, steps, c]: SymbolicShape): SymbolicShape {
    return [b, windowOutputLength(steps, this.poolSize, this.strides, 1, this.padding), c];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

/** The maximum of each window of steps. */
export class MaxPooling1D extends Pooling1D {
  static readonly optionNames = optionNames<Pooling1DArgs, LayerArgs>()(['poolSize', 'strides', 'padding']);
  override readonly className = 'MaxPooling1D';
  protected readonly pool = maxPool2d;
}

/** The mean of each window of steps. */
export class AveragePooling1D extends Pooling1D {
  static readonly optionNames = optionNames<Pooling1DArgs, LayerArgs>()(['poolSize', 'strides', 'padding']);
  override readonly className = 'AveragePooling1D';
  protected readonly pool = avgPool2d;
}

/** The mean over all steps: [batch, steps, channels] → [batch, channels]. */
export class GlobalAveragePooling1D extends Layer {
  static readonly optionNames = optionNames<LayerArgs, LayerArgs>()([]);
  override readonly className: string = 'GlobalAveragePooling1D';

  override build(): void {
    this.inputSpec = { ndim: 3 };
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    return x.mean(1);
  }

  override computeOutputShape([b, , c]: SymbolicShape): SymbolicShape {
    return [b, c];
  }
}

/** The maximum over all steps: [batch, steps, channels] → [batch, channels]. */
export class GlobalMaxPooling1D extends GlobalAveragePooling1D {
  static override readonly optionNames = optionNames<LayerArgs, LayerArgs>()([]);
  override readonly className = 'GlobalMaxPooling1D';

  override call(x: Tensor, _options: CallOptions): Tensor {
    return x.max(1);
  }
}

registerLayer('MaxPooling1D', MaxPooling1D);
registerLayer('AveragePooling1D', AveragePooling1D);
registerLayer('GlobalAveragePooling1D', GlobalAveragePooling1D);
registerLayer('GlobalMaxPooling1D', GlobalMaxPooling1D);
