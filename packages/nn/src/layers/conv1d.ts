/** Conv1D: convolution along the time axis of [batch, steps, channels] sequences (a conv2d of height 1). */
import { type Tensor, conv2d } from '@zen/autograd-core';
import { type SymbolicShape, windowOutputLength } from '../shapes';
import { optionNames } from '../options';
import type { LayerConfig } from './layer';
import { registerLayer } from './registry';
import { KERNEL_LAYER_OPTIONS, KernelLayer, type KernelLayerArgs } from './biased-layer';
import {
  CONV_OPTIONS,
  type ConvCommonArgs,
  paddingOption,
  positiveInteger,
  windowConfig,
} from './conv-common';

export interface Conv1DArgs extends KernelLayerArgs, ConvCommonArgs {
  /** Number of output channels. */
  filters: number;
  /** Window length. */
  kernelSize: number;
  /** Default 1. */
  strides?: number;
  /** Spacing between kernel taps; default 1. */
  dilationRate?: number;
}

/** Kernel [kernelSize, inChannels, filters] (Keras's layout), bias [filters]. */
export class Conv1D extends KernelLayer {
  static readonly optionNames = [
    ...optionNames<Conv1DArgs, KernelLayerArgs>()(CONV_OPTIONS),
    ...KERNEL_LAYER_OPTIONS,
  ];
  override readonly className = 'Conv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly dilationRate: number;
  readonly padding: 'valid' | 'same';

  constructor(args: Conv1DArgs) {
    super(args);
    this.filters = positiveInteger('Conv1D', 'filters', args.filters);
    this.kernelSize = positiveInteger('Conv1D', 'kernelSize', args.kernelSize);
    this.strides = positiveInteger('Conv1D', 'strides', args.strides ?? 1);
    this.dilationRate = positiveInteger('Conv1D', 'dilationRate', args.dilationRate ?? 1);
    this.padding = paddingOption('Conv1D', args.padding);
  }

  override build(inputShape: SymbolicShape): void {
    const channels = inputShape[2];
    if (inputShape.length !== 3 || channels === null) {
      throw new Error(
        `${this.label}: expects sequences [batch, steps, channels], got rank ${inputShape.length}`,
      );
    }
    this.buildKernel([this.kernelSize, channels, this.filters], this.filters);
    this.inputSpec = { ndim: 3, axes: { [-1]: channels } };
  }

  protected transform(x: Tensor): Tensor {
    const [n, steps, channels] = x.shape;
    const kernel = this.kernel!.value;
    const z = conv2d(x.reshape([n, 1, steps, channels]), kernel.reshape([1, ...kernel.shape]), {
      strides: [1, this.strides],
      padding: this.padding,
      dilation: [1, this.dilationRate],
    });
    return z.reshape([n, z.shape[2], this.filters]);
  }

  override computeOutputShape([batch, steps]: SymbolicShape): SymbolicShape {
    return [
      batch,
      windowOutputLength(steps, this.kernelSize, this.strides, this.dilationRate, this.padding),
      this.filters,
    ];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), ...windowConfig(this) };
  }
}

registerLayer('Conv1D', Conv1D);
