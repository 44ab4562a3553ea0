/**
 * What the layers computing activation(z(x) + bias) share (Dense and the convolutions):
 * the activation/useBias/initialiser options and their checks, the bias weight, the
 * call with its fused bias + activation, the logits a cross-entropy loss fuses with,
 * and those options' config.
 */
import type { Tensor } from '@zen/autograd-core';
import { type ActivationName, addBiasAndActivate, getActivation, isFusable } from '../activations';
import {
  type Initializer,
  type InitializerSpec,
  getInitializer,
  serializeInitializer,
} from '../initializers';
import { optionNames } from '../options';
import {
  type CallOptions,
  Layer,
  type LayerArgs,
  type LayerConfig,
  type LayerWeight,
  type Logits,
} from './layer';

export interface BiasedLayerArgs extends LayerArgs {
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
}

/** A layer whose output is activation(z(x) + bias); subclasses compute z and create their kernels. */
export abstract class BiasedLayer extends Layer {
  readonly activation: ActivationName;
  readonly useBias: boolean;
  protected readonly biasInitializer: Initializer;
  bias: LayerWeight | null = null;

  constructor(args: BiasedLayerArgs) {
    super(args);
    this.activation = args.activation ?? 'linear';
    getActivation(this.activation);
    this.useBias = args.useBias ?? true;
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
  }

  /** The output before the bias and the activation. */
  protected abstract transform(x: Tensor): Tensor;

  /** Creates the bias of `units` values when `useBias` is set. */
  protected buildBias(units: number): void {
    if (this.useBias) this.bias = this.addWeight('bias', [units], this.biasInitializer);
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    return addBiasAndActivate(this.transform(x), this.bias?.value ?? null, this.activation);
  }

  protected override callLogits(x: Tensor): Logits | null {
    if (!isFusable(this.activation)) return null;
    return {
      logits: addBiasAndActivate(this.transform(x), this.bias?.value ?? null, 'linear'),
      activation: this.activation,
    };
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      activation: this.activation,
      useBias: this.useBias,
      biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }
}

/** BiasedLayerArgs's option names (listed after a layer's own in its `optionNames`). */
export const BIASED_LAYER_OPTIONS = optionNames<BiasedLayerArgs, LayerArgs>()([
  'activation',
  'useBias',
  'biasInitializer',
]);

export interface KernelLayerArgs extends BiasedLayerArgs {
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
}

/** KernelLayerArgs's option names. */
export const KERNEL_LAYER_OPTIONS: readonly string[] = [
  ...BIASED_LAYER_OPTIONS,
  ...optionNames<KernelLayerArgs, BiasedLayerArgs>()(['kernelInitializer']),
];

/** A biased layer with one kernel (Dense, Conv1D, Conv2D, Conv2DTranspose). */
export abstract class KernelLayer extends BiasedLayer {
  protected readonly kernelInitializer: Initializer;
  kernel: LayerWeight | null = null;

  constructor(args: KernelLayerArgs) {
    super(args);
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
  }

  /** Creates the kernel of `kernelShape` and a bias of `biasUnits` values. */
  protected buildKernel(kernelShape: readonly number[], biasUnits: number): void {
    this.kernel = this.addWeight('kernel', kernelShape, this.kernelInitializer);
    this.buildBias(biasUnits);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), kernelInitializer: serializeInitializer(this.kernelInitializer) };
  }
}
