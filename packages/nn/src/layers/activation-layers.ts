/** Activations as layers: Activation('name'), and Zen's ReLU, LeakyReLU, Sigmoid, Tanh, Softmax. */
import { type Tensor, leakyRelu, minimum, relu, sigmoid, softmax, tanh } from '@zen/autograd-core';
import { type ActivationName, LEAKY_RELU_ALPHA, getActivation, isFusable } from '../activations';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig, type Logits } from './layer';
import { registerLayer } from './registry';
import { optionNames } from '../options';

export interface ActivationArgs extends LayerArgs {
  activation: ActivationName;
}

/** Applies a named activation. */
export class Activation extends Layer {
  static readonly optionNames = optionNames<ActivationArgs, LayerArgs>()(['activation']);
  override readonly className = 'Activation';
  readonly activation: ActivationName;
  constructor(args: ActivationArgs) {
    super(args);
    getActivation(args.activation);
    this.activation = args.activation;
  }
  call(x: Tensor, _options: CallOptions): Tensor {
    return getActivation(this.activation)(x);
  }
  protected override callLogits(x: Tensor): Logits | null {
    return isFusable(this.activation) ? { logits: x, activation: this.activation } : null;
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), activation: this.activation };
  }
}

export interface ReLUArgs extends LayerArgs {
  /** Upper limit of the output (e.g. 6 for ReLU6); none by default. */
  maxValue?: number;
}

/** max(x, 0), optionally capped at `maxValue`. */
export class ReLU extends Layer {
  static readonly optionNames = optionNames<ReLUArgs, LayerArgs>()(['maxValue']);
  override readonly className = 'ReLU';
  readonly maxValue: number | undefined;
  constructor(args: ReLUArgs = {}) {
    super(args);
    this.maxValue = args.maxValue ?? undefined;
  }
  call(x: Tensor, _options: CallOptions): Tensor {
    const out = relu(x);
    return this.maxValue === undefined ? out : minimum(out, this.maxValue);
  }
  override getConfig(): LayerConfig {
    const config = super.getConfig();
    return this.maxValue === undefined ? config : { ...config, maxValue: this.maxValue };
  }
}

export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for x < 0; default 0.3 (Keras and TensorFlow.js). */
  alpha?: number;
}

/** x for x > 0, alpha·x otherwise. */
export class LeakyReLU extends Layer {
  static readonly optionNames = optionNames<LeakyReLUArgs, LayerArgs>()(['alpha']);
  override readonly className = 'LeakyReLU';
  readonly alpha: number;
  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    this.alpha = args.alpha ?? LEAKY_RELU_ALPHA;
  }
  call(x: Tensor, _options: CallOptions): Tensor {
    return leakyRelu(x, this.alpha);
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

/** The logistic function 1 / (1 + e^−x). */
export class Sigmoid extends Layer {
  static readonly optionNames = optionNames<LayerArgs, LayerArgs>()([]);
  override readonly className = 'Sigmoid';
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  call(x: Tensor, _options: CallOptions): Tensor {
    return sigmoid(x);
  }
  protected override callLogits(x: Tensor): Logits {
    return { logits: x, activation: 'sigmoid' };
  }
}

/** Hyperbolic tangent. */
export class Tanh extends Layer {
  static readonly optionNames = optionNames<LayerArgs, LayerArgs>()([]);
  override readonly className = 'Tanh';
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  call(x: Tensor, _options: CallOptions): Tensor {
    return tanh(x);
  }
}

export interface SoftmaxArgs extends LayerArgs {
  /** Default -1. */
  axis?: number;
}

/** e^x / Σ e^x along `axis`. */
export class Softmax extends Layer {
  static readonly optionNames = optionNames<SoftmaxArgs, LayerArgs>()(['axis']);
  override readonly className = 'Softmax';
  readonly axis: number;
  constructor(args: SoftmaxArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
  }
  call(x: Tensor, _options: CallOptions): Tensor {
    return softmax(x, this.axis);
  }
  protected override callLogits(x: Tensor): Logits | null {
    return this.axis === -1 || this.axis === x.ndim - 1 ? { logits: x, activation: 'softmax' } : null;
  }
  override getConfig(): LayerConfig {
    return { ...super.getConfig(), axis: this.axis };
  }
}

registerLayer('Activation', Activation);
registerLayer('ReLU', ReLU);
registerLayer('LeakyReLU', LeakyReLU);
registerLayer('Sigmoid', Sigmoid);
registerLayer('Tanh', Tanh);
registerLayer('Softmax', Softmax);
