/** Dense (fully connected): activation(x · kernel + bias) on the last axis. */
import { ShapeError, type Tensor } from '@zen/autograd-core';
import { type ActivationName, addBiasAndActivate, getActivation, isFusable } from '../activations';
import {
  type Initializer,
  type InitializerSpec,
  getInitializer,
  serializeInitializer,
} from '../initializers';
import { type SymbolicShape, formatSymbolicShape } from '../shapes';
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

export interface DenseArgs extends LayerArgs {
  /** Number of outputs. */
  units: number;
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
}

/** A fully connected layer: kernel [inputs, units], bias [units]. Works on any rank ≥ 2 (last axis). */
export class Dense extends Layer {
  static readonly optionNames = optionNames<DenseArgs, LayerArgs>()([
    'units',
    'activation',
    'useBias',
    'kernelInitializer',
    'biasInitializer',
  ]);
  override readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  kernel: LayerWeight | null = null;
  bias: LayerWeight | null = null;

  constructor(args: DenseArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units <= 0) {
      throw new Error(`Dense: units must be a positive integer, got ${args.units}`);
    }
    this.units = args.units;
    this.activation = args.activation ?? 'linear';
    getActivation(this.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
  }

  override build(inputShape: SymbolicShape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inputDim === null) {
      throw new ShapeError(
        `${this.label}: needs an input of rank ≥ 2 with a known last axis, got ${formatSymbolicShape(inputShape)}`,
      );
    }
    this.kernel = this.addWeight('kernel', [inputDim, this.units], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInitializer);
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  /** x · kernel over the last axis, before the bias. */
  private product(x: Tensor): Tensor {
    const flat = x.ndim === 2 ? x : x.reshape([-1, x.shape[x.ndim - 1]]);
    const z = flat.matmul(this.kernel!.value);
    return x.ndim === 2 ? z : z.reshape([...x.shape.slice(0, -1), this.units]);
  }

  /** x · kernel + bias, before the activation. */
  private linear(x: Tensor): Tensor {
    return addBiasAndActivate(this.product(x), this.bias?.value ?? null, 'linear');
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    return addBiasAndActivate(this.product(x), this.bias?.value ?? null, this.activation);
  }

  protected override callLogits(x: Tensor): Logits | null {
    return isFusable(this.activation) ? { logits: this.linear(x), activation: this.activation } : null;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape.slice(0, -1), this.units];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }
}

registerLayer('Dense', Dense);
