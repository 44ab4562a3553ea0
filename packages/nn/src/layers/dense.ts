/** Dense (fully connected): activation(x · kernel + bias) on the last axis. */
import { ShapeError, type Tensor, linear } from '@zen/autograd-core';
import { fusesWithBias, getActivation } from '../activations';
import { type SymbolicShape, formatSymbolicShape } from '../shapes';
import type { CallOptions, LayerConfig } from './layer';
import { KERNEL_LAYER_OPTIONS, KernelLayer, type KernelLayerArgs } from './biased-layer';
import { positiveInteger } from './conv-common';
import { registerLayer } from './registry';
import { optionNames } from '../options';

export interface DenseArgs extends KernelLayerArgs {
  /** Number of outputs. */
  units: number;
}

/** A fully connected layer: kernel [inputs, units], bias [units]. Works on any rank ≥ 2 (last axis). */
export class Dense extends KernelLayer {
  static readonly optionNames = [
    ...optionNames<DenseArgs, KernelLayerArgs>()(['units']),
    ...KERNEL_LAYER_OPTIONS,
  ];
  override readonly className = 'Dense';
  readonly units: number;

  constructor(args: DenseArgs) {
    super(args);
    this.units = positiveInteger('Dense', 'units', args.units);
  }

  override build(inputShape: SymbolicShape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inputDim === null) {
      throw new ShapeError(
        `${this.label}: needs an input of rank ≥ 2 with a known last axis, got ${formatSymbolicShape(inputShape)}`,
      );
    }
    this.buildKernel([inputDim, this.units], this.units);
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  /**
   * When no fused bias + activation pass would take the bias (a linear or GELU layer, ...),
   * product and bias are one op: one kernel call and one output.
   */
  override call(x: Tensor, options: CallOptions): Tensor {
    if (this.bias && (this.activation === 'linear' || !fusesWithBias(this.activation))) {
      const z = linear(x, this.kernel!.value, this.bias.value);
      return this.activation === 'linear' ? z : getActivation(this.activation)(z);
    }
    return super.call(x, options);
  }

  /** x · kernel over the last axis, before the bias. */
  protected transform(x: Tensor): Tensor {
    const flat = x.ndim === 2 ? x : x.reshape([-1, x.shape[x.ndim - 1]]);
    const z = flat.matmul(this.kernel!.value);
    return x.ndim === 2 ? z : z.reshape([...x.shape.slice(0, -1), this.units]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape.slice(0, -1), this.units];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), units: this.units };
  }
}

registerLayer('Dense', Dense);
