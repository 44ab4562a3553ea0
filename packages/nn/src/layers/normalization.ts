/** BatchNormalization and LayerNormalization. */
import { layerNorm, noGrad, ShapeError, type Tensor } from '@zen/autograd-core';
import {
  type Initializer,
  type InitializerSpec,
  getInitializer,
  serializeInitializer,
} from '../initializers';
import { type SymbolicShape, formatSymbolicShape } from '../shapes';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig, type LayerWeight } from './layer';
import { registerLayer } from './registry';
import { optionNames } from '../options';

export interface NormalizationArgs extends LayerArgs {
  /** The feature axis (default -1, channels last). */
  axis?: number;
  /** Added to the variance before the square root; default 1e-3 (Keras). */
  epsilon?: number;
  /** Learn an offset beta (default true). */
  center?: boolean;
  /** Learn a scale gamma (default true). */
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
}

/** Shared parts: the feature axis, gamma and beta, and (x − mean)/√(var + ε)·γ + β. */
abstract class Normalization extends Layer {
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  protected readonly betaInitializer: Initializer;
  protected readonly gammaInitializer: Initializer;
  gamma: LayerWeight | null = null;
  beta: LayerWeight | null = null;
  /** The normalised axis as a non-negative index, and the shape weights broadcast with. */
  protected featureAxis = -1;
  protected paramShape: number[] = [];

  constructor(args: NormalizationArgs) {
    super(args);
    this.axis = args.axis ?? -1;
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.epsilon > 0)) throw new Error(`normalization: epsilon must be positive, got ${this.epsilon}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = getInitializer(args.betaInitializer ?? 'zeros');
    this.gammaInitializer = getInitializer(args.gammaInitializer ?? 'ones');
  }

  /** Resolves the feature axis and creates gamma/beta of its length; returns that length. */
  protected buildAffine(inputShape: SymbolicShape): number {
    const ndim = inputShape.length;
    const axis = this.axis < 0 ? ndim + this.axis : this.axis;
    const features = inputShape[axis];
    if (axis < 1 || axis >= ndim || features === null || features === undefined) {
      throw new ShapeError(
        `${this.label}: axis ${this.axis} is not a known feature axis of inputs ${formatSymbolicShape(inputShape)}`,
      );
    }
    this.featureAxis = axis;
    this.paramShape = inputShape.map((_, i) => (i === axis ? features : 1));
    if (this.scale) this.gamma = this.addWeight('gamma', [features], this.gammaInitializer);
    if (this.center) this.beta = this.addWeight('beta', [features], this.betaInitializer);
    this.inputSpec = { ndim, axes: { [axis]: features } };
    return features;
  }

  /** Every axis except the feature axis (what the statistics are taken over). */
  protected reductionAxes(ndim: number): number[] {
    return Array.from({ length: ndim }, (_, i) => i).filter((i) => i !== this.featureAxis);
  }

  /** γ·x̂ + β with the weights broadcast along the feature axis. */
  protected affine(normalized: Tensor): Tensor {
    let out = normalized;
    if (this.gamma) out = out.mul(this.gamma.value.reshape(this.paramShape));
    if (this.beta) out = out.add(this.beta.value.reshape(this.paramShape));
    return out;
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeInitializer(this.betaInitializer),
      gammaInitializer: serializeInitializer(this.gammaInitializer),
    };
  }
}

export interface BatchNormalizationArgs extends NormalizationArgs {
  /** Weight of the old value in the moving averages; default 0.99 (Keras). */
  momentum?: number;
  movingMeanInitializer?: InitializerSpec;
  movingVarianceInitializer?: InitializerSpec;
}

/**
 * Normalises each feature over the batch (and spatial axes). In training it uses the
 * batch statistics and updates moving averages (non-trainable weights, saved with the
 * model); at inference it uses the moving averages.
 */
export class BatchNormalization extends Normalization {
  static readonly optionNames = optionNames<BatchNormalizationArgs, LayerArgs>()([
    'axis',
    'momentum',
    'epsilon',
    'center',
    'scale',
    'betaInitializer',
    'gammaInitializer',
    'movingMeanInitializer',
    'movingVarianceInitializer',
  ]);
  override readonly className = 'BatchNormalization';
  readonly momentum: number;
  private readonly movingMeanInitializer: Initializer;
  private readonly movingVarianceInitializer: Initializer;
  movingMean: LayerWeight | null = null;
  movingVariance: LayerWeight | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.momentum = args.momentum ?? 0.99;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new Error(`BatchNormalization: momentum must be in [0, 1], got ${this.momentum}`);
    }
    this.movingMeanInitializer = getInitializer(args.movingMeanInitializer ?? 'zeros');
    this.movingVarianceInitializer = getInitializer(args.movingVarianceInitializer ?? 'ones');
  }

  override build(inputShape: SymbolicShape): void {
    const features = this.buildAffine(inputShape);
    this.movingMean = this.addWeight('moving_mean', [features], this.movingMeanInitializer, false);
    this.movingVariance = this.addWeight(
      'moving_variance',
      [features],
      this.movingVarianceInitializer,
      false,
    );
  }

  call(x: Tensor, options: CallOptions): Tensor {
    if (!options.training) {
      const mean = this.movingMean!.value.reshape(this.paramShape);
      const variance = this.movingVariance!.value.reshape(this.paramShape);
      return this.affine(x.sub(mean).div(variance.add(this.epsilon).sqrt()));
    }
    const axes = this.reductionAxes(x.ndim);
    const mean = x.mean(axes, true);
    const centred = x.sub(mean);
    const variance = centred.square().mean(axes, true);
    this.updateMovingAverages(mean, variance);
    return this.affine(centred.div(variance.add(this.epsilon).sqrt()));
  }

  /** moving = momentum·moving + (1 − momentum)·batch, in place (state, not a gradient). */
  private updateMovingAverages(mean: Tensor, variance: Tensor): void {
    const m = this.momentum;
    noGrad(() => {
      const movingMean = this.movingMean!.value.data;
      const movingVariance = this.movingVariance!.value.data;
      for (let i = 0; i < movingMean.length; i++) {
        movingMean[i] = m * movingMean[i] + (1 - m) * mean.data[i];
        movingVariance[i] = m * movingVariance[i] + (1 - m) * variance.data[i];
      }
    });
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      momentum: this.momentum,
      movingMeanInitializer: serializeInitializer(this.movingMeanInitializer),
      movingVarianceInitializer: serializeInitializer(this.movingVarianceInitializer),
    };
  }
}

/** Normalises each sample over its feature axis (no batch statistics, same in training and inference). */
export class LayerNormalization extends Normalization {
  static readonly optionNames = optionNames<NormalizationArgs, LayerArgs>()([
    'axis',
    'epsilon',
    'center',
    'scale',
    'betaInitializer',
    'gammaInitializer',
  ]);
  override readonly className = 'LayerNormalization';

  constructor(args: NormalizationArgs = {}) {
    super(args);
  }

  override build(inputShape: SymbolicShape): void {
    this.buildAffine(inputShape);
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    if (this.featureAxis === x.ndim - 1) {
      // The last axis (the usual case): one fused op.
      const [gamma, beta] = [this.gamma?.value ?? null, this.beta?.value ?? null];
      return layerNorm(x, gamma, beta, { epsilon: this.epsilon });
    }
    const mean = x.mean(this.featureAxis, true);
    const centred = x.sub(mean);
    const variance = centred.square().mean(this.featureAxis, true);
    return this.affine(centred.div(variance.add(this.epsilon).sqrt()));
  }
}

registerLayer('BatchNormalization', BatchNormalization);
registerLayer('LayerNormalization', LayerNormalization);
