/** SGD (with optional momentum and Nesterov) and Zen's Momentum. */
import { type Tensor, type TypedArray } from '@zen/autograd-core';
import { type KernelUpdate, Optimizer, type OptimizerArgs } from './optimizer';
import { optionNames } from '../options';

export interface SGDArgs extends OptimizerArgs {
  /** Default 0 (plain gradient descent). */
  momentum?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, as Keras: with momentum m, v ← m·v − lr·g and
 * p ← p + v (Nesterov: p ← p + m·v − lr·g). Default learning rate 0.01.
 */
export class SGD extends Optimizer {
  static readonly optionNames = optionNames<SGDArgs, OptimizerArgs>()(['momentum', 'nesterov']);
  override readonly className = 'SGD';
  override readonly slotNames = ['velocity'];
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(args: SGDArgs = {}) {
    super(args, 0.01);
    this.momentum = args.momentum ?? 0;
    if (!(this.momentum >= 0)) throw new Error(`SGD: momentum must be non-negative, got ${this.momentum}`);
    this.nesterov = args.nesterov ?? false;
  }

  protected override kernelUpdate(lr: number): KernelUpdate {
    const { momentum, nesterov } = this;
    return {
      rule: { kind: 'sgd', learningRate: lr, momentum, nesterov },
      slots: momentum > 0 ? ['velocity'] : [],
    };
  }

  protected updateParameter(param: Tensor, g: TypedArray, lr: number): void {
    this.updateByKernel(param, g, lr);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}

export interface MomentumArgs extends OptimizerArgs {
  /** β, default 0.9. */
  momentum?: number;
}

/** Zen's momentum: v ← β·v + lr·g, p ← p − v. Default learning rate 0.01. */
export class Momentum extends Optimizer {
  static readonly optionNames = optionNames<MomentumArgs, OptimizerArgs>()(['momentum']);
  override readonly className = 'Momentum';
  override readonly slotNames = ['velocity'];
  readonly momentum: number;

  constructor(args: MomentumArgs = {}) {
    super(args, 0.01);
    this.momentum = args.momentum ?? 0.9;
  }

  protected updateParameter(param: Tensor, g: TypedArray, lr: number): void {
    const p = param.data;
    const v = this.slot(param, 'velocity');
    const beta = this.momentum;
    for (let i = 0; i < p.length; i++) {
      v[i] = beta * v[i] + lr * g[i];
      p[i] -= v[i];
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum };
  }
}
