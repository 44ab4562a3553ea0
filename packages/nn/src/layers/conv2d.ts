/** Conv2D: 2-D convolution over NHWC images, plus bias and activation. */
import { conv2d, ShapeError, type Tensor } from '@zen/autograd-core';
import { type ActivationName, addBiasAndActivate, getActivation, isFusable } from '../activations';
import {
  type Initializer,
  type InitializerSpec,
  getInitializer,
  serializeInitializer,
} from '../initializers';
import { type SymbolicShape, formatSymbolicShape, toPair, windowOutputLength } from '../shapes';
import {
  type CallOptions,
  Layer,
  type LayerArgs,
  type LayerConfig,
  type LayerWeight,
  type Logits,
} from './layer';
import { registerLayer } from './registry';
import { optionNames } from '../options';

export interface Conv2DArgs extends LayerArgs {
  /** Number of output channels. */
  filters: number;
  /** Window size: a number or [height, width]. */
  kernelSize: number | readonly [number, number];
  /** Default 1. */
  strides?: number | readonly [number, number];
  /** 'valid' (default, no padding) or 'same' (output size = ceil(input / stride)). */
  padding?: 'valid' | 'same';
  /** Spacing between kernel taps; default 1. */
  dilationRate?: number | readonly [number, number];
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
}

/** A 2-D convolution layer: kernel [kh, kw, inChannels, filters], bias [filters]. Input NHWC. */
export class Conv2D extends Layer {
  static readonly optionNames = optionNames<Conv2DArgs, LayerArgs>()([
    'filters',
    'kernelSize',
    'strides',
    'padding',
    'dilationRate',
    'activation',
    'useBias',
    'kernelInitializer',
    'biasInitializer',
  ]);
  override readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dilationRate: [number, number];
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  kernel: LayerWeight | null = null;
  bias: LayerWeight | null = null;

  constructor(args: Conv2DArgs) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters <= 0) {
      throw new Error(`Conv2D: filters must be a positive integer, got ${args.filters}`);
    }
    this.filters = args.filters;
    this.kernelSize = toPair(args.kernelSize, 'Conv2D: kernelSize');
    this.strides = toPair(args.strides ?? 1, 'Conv2D: strides');
    this.dilationRate = toPair(args.dilationRate ?? 1, 'Conv2D: dilationRate');
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') {
      throw new Error(`Conv2D: padding must be 'valid' or 'same', got '${this.padding as string}'`);
    }
    this.activation = args.activation ?? 'linear';
    getActivation(this.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
  }

  override build(inputShape: SymbolicShape): void {
    const channels = inputShape[3];
    if (inputShape.length !== 4 || channels === null) {
      throw new ShapeError(
        `${this.label}: expects NHWC images [batch, height, width, channels], got ${formatSymbolicShape(inputShape)}`,
      );
    }
    const [kh, kw] = this.kernelSize;
    this.kernel = this.addWeight('kernel', [kh, kw, channels, this.filters], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer);
    this.inputSpec = { ndim: 4, axes: { [-1]: channels } };
  }

  /** The convolution itself, before the bias. */
  private convolve(x: Tensor): Tensor {
    return conv2d(x, this.kernel!.value, {
      strides: this.strides,
      padding: this.padding,
      dilation: this.dilationRate,
    });
  }

  /** The convolution plus the bias, before the activation. */
  private linear(x: Tensor): Tensor {
    return addBiasAndActivate(this.convolve(x), this.bias?.value ?? null, 'linear');
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    return addBiasAndActivate(this.convolve(x), this.bias?.value ?? null, this.activation);
  }

  protected override callLogits(x: Tensor): Logits | null {
    return isFusable(this.activation) ? { logits: this.linear(x), activation: this.activation } : null;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const [batch, h, w] = inputShape;
    return [
      batch,
      windowOutputLength(h, this.kernelSize[0], this.strides[0], this.dilationRate[0], this.padding),
      windowOutputLength(w, this.kernelSize[1], this.strides[1], this.dilationRate[1], this.padding),
      this.filters,
    ];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }
}

registerLayer('Conv2D', Conv2D);
