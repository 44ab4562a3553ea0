/**
 * Conv2DTranspose, DepthwiseConv2D and SeparableConv2D over NHWC images, composed
 * from autograd ops (conv2dTranspose, conv2d, reshape, mul): no gradient code here.
 */
import { type Tensor, conv2d, conv2dTranspose, eye } from '@zen/autograd-core';
import {
  type Initializer,
  type InitializerSpec,
  getInitializer,
  serializeInitializer,
} from '../initializers';
import { type SymbolicShape, toPair, windowOutputLength } from '../shapes';
import { optionNames } from '../options';
import type { LayerArgs, LayerConfig, LayerWeight } from './layer';
import { registerLayer } from './registry';
import {
  BIASED_LAYER_OPTIONS,
  BiasedLayer,
  type BiasedLayerArgs,
  KERNEL_LAYER_OPTIONS,
  KernelLayer,
  type KernelLayerArgs,
} from './biased-layer';
import { type ConvCommonArgs, paddingOption, positiveInteger, windowConfig } from './conv-common';

type Pair = number | readonly [number, number];

/** Channels of NHWC input, or an error naming the layer. */
function imageChannels(label: string, inputShape: SymbolicShape): number {
  const channels = inputShape[3];
  if (inputShape.length !== 4 || channels === null) {
    throw new Error(
      `${label}: expects NHWC images [batch, height, width, channels], got rank ${inputShape.length}`,
    );
  }
  return channels;
}

export interface Conv2DTransposeArgs extends KernelLayerArgs, ConvCommonArgs {
  /** Number of output channels. */
  filters: number;
  kernelSize: Pair;
  /** Upsampling factor; default 1. */
  strides?: Pair;
}

/**
 * Transposed convolution ("deconvolution"): kernel [kh, kw, filters, inChannels] (Keras's
 * layout), output (in − 1)·stride + kernel ('valid') or in·stride ('same').
 */
export class Conv2DTranspose extends KernelLayer {
  static readonly optionNames = [
    ...optionNames<Conv2DTransposeArgs, KernelLayerArgs>()(['filters', 'kernelSize', 'strides', 'padding']),
    ...KERNEL_LAYER_OPTIONS,
  ];
  override readonly className = 'Conv2DTranspose';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';

  constructor(args: Conv2DTransposeArgs) {
    super(args);
    this.filters = positiveInteger('Conv2DTranspose', 'filters', args.filters);
    this.kernelSize = toPair(args.kernelSize, 'Conv2DTranspose: kernelSize');
    this.strides = toPair(args.strides ?? 1, 'Conv2DTranspose: strides');
    this.padding = paddingOption('Conv2DTranspose', args.padding);
  }

  override build(inputShape: SymbolicShape): void {
    const channels = imageChannels(this.label, inputShape);
    const [kh, kw] = this.kernelSize;
    this.buildKernel([kh, kw, this.filters, channels], this.filters);
    this.inputSpec = { ndim: 4, axes: { [-1]: channels } };
  }

  protected transform(x: Tensor): Tensor {
    return conv2dTranspose(x, this.kernel!.value, { strides: this.strides, padding: this.padding });
  }

  override computeOutputShape([batch, h, w]: SymbolicShape): SymbolicShape {
    const size = (length: number | null, i: 0 | 1) =>
      length === null
        ? null
        : this.padding === 'same'
          ? length * this.strides[i]
          : (length - 1) * this.strides[i] + this.kernelSize[i];
    return [batch, size(h, 0), size(w, 1), this.filters];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), ...windowConfig(this) };
  }
}

/**
 * Depthwise convolution: each input channel c convolved with its own kernel[:, :, c, m]
 * for m < multiplier, into output channel c·multiplier + m. Written as one conv2d whose
 * filters are block-diagonal over channels (kernel ⊗ identity), so autograd does the rest.
 */
function depthwiseConv(
  x: Tensor,
  kernel: Tensor,
  strides: [number, number],
  padding: 'valid' | 'same',
): Tensor {
  const [kh, kw, channels, multiplier] = kernel.shape;
  const identity = eye(channels, channels, { dtype: kernel.dtype }).reshape([1, 1, channels, channels, 1]);
  const filters = kernel
    .reshape([kh, kw, channels, 1, multiplier])
    .mul(identity)
    .reshape([kh, kw, channels, channels * multiplier]);
  return conv2d(x, filters, { strides, padding });
}

interface DepthwiseCommonArgs extends ConvCommonArgs {
  kernelSize: Pair;
  /** Default 1. */
  strides?: Pair;
  /** Output channels per input channel; default 1. */
  depthMultiplier?: number;
  /** Default 'glorotUniform'. */
  depthwiseInitializer?: InitializerSpec;
}

export type DepthwiseConv2DArgs = LayerArgs & DepthwiseCommonArgs;

/** Shared by DepthwiseConv2D and SeparableConv2D: the depthwise stage and its config. */
abstract class DepthwiseBase extends BiasedLayer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly depthMultiplier: number;
  readonly padding: 'valid' | 'same';
  protected readonly depthwiseInitializer: Initializer;
  depthwiseKernel: LayerWeight | null = null;

  constructor(owner: string, args: LayerArgs & DepthwiseCommonArgs) {
    super(args);
    this.kernelSize = toPair(args.kernelSize, `${owner}: kernelSize`);
    this.strides = toPair(args.strides ?? 1, `${owner}: strides`);
    this.depthMultiplier = positiveInteger(owner, 'depthMultiplier', args.depthMultiplier ?? 1);
    this.padding = paddingOption(owner, args.padding);
    this.depthwiseInitializer = getInitializer(args.depthwiseInitializer ?? 'glorotUniform');
  }

  /** Creates the depthwise kernel; returns the input channel count. */
  protected buildDepthwise(inputShape: SymbolicShape): number {
    const channels = imageChannels(this.label, inputShape);
    const [kh, kw] = this.kernelSize;
    this.depthwiseKernel = this.addWeight(
      'depthwiseKernel',
      [kh, kw, channels, this.depthMultiplier],
      this.depthwiseInitializer,
    );
    this.inputSpec = { ndim: 4, axes: { [-1]: channels } };
    return channels;
  }

  protected depthwise(x: Tensor): Tensor {
    return depthwiseConv(x, this.depthwiseKernel!.value, this.strides, this.padding);
  }

  protected spatialShape([batch, h, w]: SymbolicShape, channels: number | null): SymbolicShape {
    const p = this.padding;
    return [
      batch,
      windowOutputLength(h, this.kernelSize[0], this.strides[0], 1, p),
      windowOutputLength(w, this.kernelSize[1], this.strides[1], 1, p),
      channels,
    ];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      ...windowConfig(this),
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: serializeInitializer(this.depthwiseInitializer),
    };
  }
}

/** Depthwise convolution (Keras): depthwiseKernel [kh, kw, channels, depthMultiplier], bias [channels·depthMultiplier]. */
export class DepthwiseConv2D extends DepthwiseBase {
  static readonly optionNames = [
    ...optionNames<DepthwiseConv2DArgs, BiasedLayerArgs>()([
      'kernelSize',
      'strides',
      'padding',
      'depthMultiplier',
      'depthwiseInitializer',
    ]),
    ...BIASED_LAYER_OPTIONS,
  ];
  override readonly className = 'DepthwiseConv2D';

  constructor(args: DepthwiseConv2DArgs) {
    super('DepthwiseConv2D', args);
  }

  override build(inputShape: SymbolicShape): void {
    const channels = this.buildDepthwise(inputShape);
    this.buildBias(channels * this.depthMultiplier);
  }

  protected transform(x: Tensor): Tensor {
    return this.depthwise(x);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const c = inputShape[3];
    return this.spatialShape(inputShape, c === null ? null : c * this.depthMultiplier);
  }
}

export interface SeparableConv2DArgs extends LayerArgs, DepthwiseCommonArgs {
  /** Number of output channels. */
  filters: number;
  /** Default 'glorotUniform'. */
  pointwiseInitializer?: InitializerSpec;
}

/**
 * Separable convolution (Keras): a depthwise convolution, then a 1×1 convolution
 * (pointwiseKernel [1, 1, channels·depthMultiplier, filters]) with the bias and activation.
 */
export class SeparableConv2D extends DepthwiseBase {
  static readonly optionNames = [
    ...optionNames<SeparableConv2DArgs, BiasedLayerArgs>()([
      'filters',
      'kernelSize',
      'strides',
      'padding',
      'depthMultiplier',
      'depthwiseInitializer',
      'pointwiseInitializer',
    ]),
    ...BIASED_LAYER_OPTIONS,
  ];
  override readonly className = 'SeparableConv2D';
  readonly filters: number;
  private readonly pointwiseInitializer: Initializer;
  pointwiseKernel: LayerWeight | null = null;

  constructor(args: SeparableConv2DArgs) {
    super('SeparableConv2D', args);
    this.filters = positiveInteger('SeparableConv2D', 'filters', args.filters);
    this.pointwiseInitializer = getInitializer(args.pointwiseInitializer ?? 'glorotUniform');
  }

  override build(inputShape: SymbolicShape): void {
    const channels = this.buildDepthwise(inputShape);
    this.pointwiseKernel = this.addWeight(
      'pointwiseKernel',
      [1, 1, channels * this.depthMultiplier, this.filters],
      this.pointwiseInitializer,
    );
    this.buildBias(this.filters);
  }

  protected transform(x: Tensor): Tensor {
    return conv2d(this.depthwise(x), this.pointwiseKernel!.value);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.spatialShape(inputShape, this.filters);
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      pointwiseInitializer: serializeInitializer(this.pointwiseInitializer),
    };
  }
}

registerLayer('Conv2DTranspose', Conv2DTranspose);
registerLayer('DepthwiseConv2D', DepthwiseConv2D);
registerLayer('SeparableConv2D', SeparableConv2D);
