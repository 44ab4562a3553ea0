/** Pooling layers over NHWC images: MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D. */
import { type Tensor, avgPool2d, maxPool2d } from '@zen/autograd-core';
import { type SymbolicShape, toPair, windowOutputLength } from '../shapes';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from './layer';
import { registerLayer } from './registry';
import { optionNames } from '../options';

export interface Pooling2DArgs extends LayerArgs {
  /** Window size, a number or [h, w]; default 2. */
  poolSize?: number | readonly [number, number];
  /** Step; defaults to the pool size. */
  strides?: number | readonly [number, number];
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
}

abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';

  constructor(args: Pooling2DArgs = {}) {
    super(args);
    this.poolSize = toPair(args.poolSize ?? 2, 'pooling: poolSize');
    this.strides = toPair(args.strides ?? this.poolSize, 'pooling: strides');
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') {
      throw new Error(`pooling: padding must be 'valid' or 'same', got '${this.padding as string}'`);
    }
  }

  override build(): void {
    this.inputSpec = { ndim: 4 };
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const [batch, h, w, c] = inputShape;
    return [
      batch,
      windowOutputLength(h, this.poolSize[0], this.strides[0], 1, this.padding),
      windowOutputLength(w, this.poolSize[1], this.strides[1], 1, this.padding),
      c,
    ];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

/** The maximum of each window. */
export class MaxPooling2D extends Pooling2D {
  static readonly optionNames = optionNames<Pooling2DArgs, LayerArgs>()(['poolSize', 'strides', 'padding']);
  override readonly className = 'MaxPooling2D';
  call(x: Tensor, _options: CallOptions): Tensor {
    return maxPool2d(x, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

/** The mean of each window (over its non-padding elements with 'same'). */
export class AveragePooling2D extends Pooling2D {
  static readonly optionNames = optionNames<Pooling2DArgs, LayerArgs>()(['poolSize', 'strides', 'padding']);
  override readonly className = 'AveragePooling2D';
  call(x: Tensor, _options: CallOptions): Tensor {
    return avgPool2d(x, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

/** Mean over height and width: [N, H, W, C] → [N, C]. */
export class GlobalAveragePooling2D extends Layer {
  static readonly optionNames = optionNames<LayerArgs, LayerArgs>()([]);
  override readonly className: string = 'GlobalAveragePooling2D';
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  override build(): void {
    this.inputSpec = { ndim: 4 };
  }
  call(x: Tensor, _options: CallOptions): Tensor {
    return x.mean([1, 2]);
  }
  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [inputShape[0], inputShape[3]];
  }
}

/** Maximum over height and width: [N, H, W, C] → [N, C]. */
export class GlobalMaxPooling2D extends GlobalAveragePooling2D {
  static override readonly optionNames = optionNames<LayerArgs, LayerArgs>()([]);
  override readonly className = 'GlobalMaxPooling2D';
  override call(x: Tensor, _options: CallOptions): Tensor {
    return x.max([1, 2]);
  }
}

registerLayer('MaxPooling2D', MaxPooling2D);
registerLayer('AveragePooling2D', AveragePooling2D);
registerLayer('GlobalAveragePooling2D', GlobalAveragePooling2D);
registerLayer('GlobalMaxPooling2D', GlobalMaxPooling2D);
