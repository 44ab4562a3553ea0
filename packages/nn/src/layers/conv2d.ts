/** Conv2D: 2-D convolution over NHWC images, plus bias and activation. */
import {
  type Conv2DOptions,
  conv2d,
  conv2dBiasActivation,
  ShapeError,
  type Tensor,
} from '@zen/autograd-core';
import { fusesWithBias } from '../activations';
import { type SymbolicShape, formatSymbolicShape, toPair, windowOutputLength } from '../shapes';
import type { CallOptions, LayerConfig } from './layer';
import { KERNEL_LAYER_OPTIONS, KernelLayer, type KernelLayerArgs } from './biased-layer';
import {
  CONV_OPTIONS,
  type ConvCommonArgs,
  paddingOption,
  positiveInteger,
  windowConfig,
} from './conv-common';
import { registerLayer } from './registry';
import { optionNames } from '../options';

export interface Conv2DArgs extends KernelLayerArgs, ConvCommonArgs {
  /** Number of output channels. */
  filters: number;
  /** Window size: a number or [height, width]. */
  kernelSize: number | readonly [number, number];
  /** Default 1. */
  strides?: number | readonly [number, number];
  /** Spacing between kernel taps; default 1. */
  dilationRate?: number | readonly [number, number];
}

/** A 2-D convolution layer: kernel [kh, kw, inChannels, filters], bias [filters]. Input NHWC. */
export class Conv2D extends KernelLayer {
  static readonly optionNames = [
    ...optionNames<Conv2DArgs, KernelLayerArgs>()(CONV_OPTIONS),
    ...KERNEL_LAYER_OPTIONS,
  ];
  override readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  /** 'valid' (no padding) or 'same' (output size = ceil(input / stride)). */
  readonly padding: 'valid' | 'same';
  readonly dilationRate: [number, number];

  constructor(args: Conv2DArgs) {
    super(args);
    this.filters = positiveInteger('Conv2D', 'filters', args.filters);
    this.kernelSize = toPair(args.kernelSize, 'Conv2D: kernelSize');
    this.strides = toPair(args.strides ?? 1, 'Conv2D: strides');
    this.dilationRate = toPair(args.dilationRate ?? 1, 'Conv2D: dilationRate');
    this.padding = paddingOption('Conv2D', args.padding);
  }

  override build(inputShape: SymbolicShape): void {
    const channels = inputShape[3];
    if (inputShape.length !== 4 || channels === null) {
      throw new ShapeError(
        `${this.label}: expects NHWC images [batch, height, width, channels], got ${formatSymbolicShape(inputShape)}`,
      );
    }
    const [kh, kw] = this.kernelSize;
    this.buildKernel([kh, kw, channels, this.filters], this.filters);
    this.inputSpec = { ndim: 4, axes: { [-1]: channels } };
  }

  private get convOptions(): Conv2DOptions {
    return { strides: this.strides, padding: this.padding, dilation: this.dilationRate };
  }

  /** The convolution itself, before the bias. */
  protected transform(x: Tensor): Tensor {
    return conv2d(x, this.kernel!.value, this.convOptions);
  }

  override call(x: Tensor, options: CallOptions): Tensor {
    const bias = this.bias?.value;
    if (!bias || !fusesWithBias(this.activation)) return super.call(x, options);
    // Convolution, bias and activation as one op (one kernel call each way).
    return conv2dBiasActivation(x, this.kernel!.value, bias, this.activation, this.convOptions);
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
    return { ...super.getConfig(), ...windowConfig(this) };
  }
}

registerLayer('Conv2D', Conv2D);
