/** Preprocessing layers: Rescaling (x·scale + offset) and Normalization (adapted to data). */
import { Tensor, noGrad } from '@zen/autograd-core';
import { type SymbolicShape, formatSymbolicShape } from '../shapes';
import { optionNames } from '../options';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig, type LayerWeight } from './layer';
import { registerLayer } from './registry';

export interface RescalingArgs extends LayerArgs {
  /** Multiplier, e.g. 1/255. */
  scale: number;
  /** Added after scaling; default 0. */
  offset?: number;
}

/** x·scale + offset (e.g. pixels from [0, 255] to [0, 1] with scale 1/255). */
export class Rescaling extends Layer {
  static readonly optionNames = optionNames<RescalingArgs, LayerArgs>()(['scale', 'offset']);
  override readonly className = 'Rescaling';
  readonly scale: number;
  readonly offset: number;

  constructor(args: RescalingArgs) {
    super(args);
    if (typeof args.scale !== 'number' || !Number.isFinite(args.scale)) {
      throw new Error(`Rescaling: scale must be a finite number, got ${String(args.scale)}`);
    }
    this.scale = args.scale;
    this.offset = args.offset ?? 0;
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    const scaled = x.mul(this.scale);
    return this.offset === 0 ? scaled : scaled.add(this.offset);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}

export interface NormalizationLayerArgs extends LayerArgs {
  /** The feature axis kept separate (default −1: one mean and variance per feature). */
  axis?: number;
  /** Fixed statistics instead of `adapt` (numbers, or one per feature). */
  mean?: number | readonly number[];
  variance?: number | readonly number[];
}

/**
 * Feature-wise standardisation (Keras's Normalization): (x − mean) / max(√variance, ε).
 * `adapt(data)` computes mean and variance over every axis but `axis`; they are
 * non-trainable weights, saved with the model.
 */
export class Normalization extends Layer {
  static readonly optionNames = optionNames<NormalizationLayerArgs, LayerArgs>()([
    'axis',
    'mean',
    'variance',
  ]);
  override readonly className = 'Normalization';
  readonly axis: number;
  private readonly given: { mean: number[]; variance: number[] } | null;
  mean: LayerWeight | null = null;
  variance: LayerWeight | null = null;

  constructor(args: NormalizationLayerArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if ((args.mean === undefined) !== (args.variance === undefined)) {
      throw new Error('Normalization: give both mean and variance, or neither (and call adapt)');
    }
    const list = (v: number | readonly number[]) => (typeof v === 'number' ? [v] : [...v]);
    this.given = args.mean === undefined ? null : { mean: list(args.mean), variance: list(args.variance!) };
  }

  private featureAxis(rank: number): number {
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    if (axis < 1 || axis >= rank) {
      throw new Error(`${this.label}: axis ${this.axis} is not a feature axis of rank-${rank} inputs`);
    }
    return axis;
  }

  override build(inputShape: SymbolicShape): void {
    const axis = this.featureAxis(inputShape.length);
    const features = inputShape[axis];
    if (features === null)
      throw new Error(
        `${this.label}: the feature axis of ${formatSymbolicShape(inputShape)} must have a known length`,
      );
    this.mean = this.addWeight('mean', [features], 'zeros', false);
    this.variance = this.addWeight('variance', [features], 'ones', false);
    if (this.given) {
      for (const [w, values] of [
        [this.mean, this.given.mean],
        [this.variance, this.given.variance],
      ] as const) {
        if (values.length !== 1 && values.length !== features) {
          throw new Error(`${this.label}: ${values.length} statistics for ${features} features`);
        }
        for (let i = 0; i < features; i++) w.value.data[i] = values.length === 1 ? values[0] : values[i];
      }
    }
    this.inputSpec = { ndim: inputShape.length, axes: { [axis]: features } };
  }

  /** Sets mean and variance (population variance) from `data`, over every axis but the feature axis. */
  adapt(data: Tensor): void {
    if (!(data instanceof Tensor)) throw new Error(`${this.label}: adapt expects a Tensor`);
    this.maybeBuild(data.shape);
    const axis = this.featureAxis(data.ndim);
    const features = data.shape[axis];
    const inner = data.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const sums = new Float64Array(features);
    const squares = new Float64Array(features);
    const d = data.data;
    for (let i = 0; i < d.length; i++) {
      const f = Math.floor(i / inner) % features;
      sums[f] += d[i];
      squares[f] += d[i] * d[i];
    }
    const count = data.size / features;
    noGrad(() => {
      for (let f = 0; f < features; f++) {
        const m = sums[f] / count;
        this.mean!.value.data[f] = m;
        this.variance!.value.data[f] = Math.max(squares[f] / count - m * m, 0);
      }
    });
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    const axis = this.featureAxis(x.ndim);
    const shape = x.shape.map((d, i) => (i === axis ? d : 1));
    const mean = this.mean!.value.reshape(shape);
    const std = this.variance!.value.reshape(shape).sqrt().maximum(1e-7);
    return x.sub(mean).div(std);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), axis: this.axis };
  }
}

registerLayer('Rescaling', Rescaling);
registerLayer('Normalization', Normalization);
