/**
 * Training-only noise: SpatialDropout1D/2D (drop whole channels) and GaussianNoise.
 * At inference they are the identity. Draws come from the seeded generator.
 */
import { type Tensor, random, randn, zeros } from '@zen/autograd-core';
import { optionNames } from '../options';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from './layer';
import { registerLayer } from './registry';

export interface SpatialDropoutArgs extends LayerArgs {
  /** Fraction of channels to drop, in [0, 1). */
  rate: number;
}

/** Drops whole channels: one keep/drop draw per (sample, channel), shared along the other axes. */
abstract class SpatialDropout extends Layer {
  readonly rate: number;
  protected abstract readonly rank: number;

  constructor(args: SpatialDropoutArgs) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) {
      throw new Error(`${new.target.name}: rate must be in [0, 1), got ${args.rate}`);
    }
    this.rate = args.rate;
  }

  override build(): void {
    this.inputSpec = { ndim: this.rank };
  }

  call(x: Tensor, options: CallOptions): Tensor {
    if (!options.training || this.rate === 0) return x;
    const n = x.shape[0];
    const c = x.shape[x.ndim - 1];
    // Mask [n, 1, …, 1, c], scaled by 1/(1 − rate) where kept (inverted dropout).
    const mask = zeros([n, ...Array<number>(x.ndim - 2).fill(1), c], { dtype: x.dtype });
    const keep = 1 / (1 - this.rate);
    for (let i = 0; i < mask.size; i++) mask.data[i] = random() >= this.rate ? keep : 0;
    return x.mul(mask);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/** SpatialDropout for sequences [batch, steps, channels]. */
export class SpatialDropout1D extends SpatialDropout {
  static readonly optionNames = optionNames<SpatialDropoutArgs, LayerArgs>()(['rate']);
  override readonly className = 'SpatialDropout1D';
  protected readonly rank = 3;
}

/** SpatialDropout for NHWC images. */
export class SpatialDropout2D extends SpatialDropout {
  static readonly optionNames = optionNames<SpatialDropoutArgs, LayerArgs>()(['rate']);
  override readonly className = 'SpatialDropout2D';
  protected readonly rank = 4;
}

export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the added noise. */
  stddev: number;
}

/** Adds N(0, stddev²) noise in training (a regulariser); the identity at inference. */
export class GaussianNoise extends Layer {
  static readonly optionNames = optionNames<GaussianNoiseArgs, LayerArgs>()(['stddev']);
  override readonly className = 'GaussianNoise';
  readonly stddev: number;

  constructor(args: GaussianNoiseArgs) {
    super(args);
    if (!(args.stddev >= 0))
      throw new Error(`GaussianNoise: stddev must be non-negative, got ${args.stddev}`);
    this.stddev = args.stddev;
  }

  call(x: Tensor, options: CallOptions): Tensor {
    if (!options.training || this.stddev === 0) return x;
    return x.add(randn(x.shape, { std: this.stddev, dtype: x.dtype }));
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), stddev: this.stddev };
  }
}

registerLayer('SpatialDropout1D', SpatialDropout1D);
registerLayer('SpatialDropout2D', SpatialDropout2D);
registerLayer('GaussianNoise', GaussianNoise);
