/** Optimisers with per-element adaptive steps: RMSProp, Adagrad, Adam, AdamW. */
import { type Tensor, type TypedArray } from '@zen/autograd-core';
import { type KernelUpdate, Optimizer, type OptimizerArgs } from './optimizer';
import { optionNames } from '../options';

export interface RMSPropArgs extends OptimizerArgs {
  /** Decay of the squared-gradient average; default 0.9. */
  rho?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/**
 * RMSProp (Keras): a ← ρ·a + (1 − ρ)·g², step = lr·g / (√a + ε), with optional
 * momentum on the step. Default learning rate 0.001.
 */
export class RMSProp extends Optimizer {
  static readonly optionNames = optionNames<RMSPropArgs, OptimizerArgs>()(['rho', 'momentum', 'epsilon']);
  override readonly className = 'RMSProp';
  override readonly slotNames = ['rms', 'momentum'];
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;

  constructor(args: RMSPropArgs = {}) {
    super(args, 0.001);
    this.rho = args.rho ?? 0.9;
    this.momentum = args.momentum ?? 0;
    this.epsilon = args.epsilon ?? 1e-7;
    checkEpsilon(this.className, this.epsilon);
  }

  protected override kernelUpdate(lr: number): KernelUpdate {
    const { rho, momentum, epsilon } = this;
    return {
      rule: { kind: 'rmsprop', learningRate: lr, rho, momentum, epsilon },
      slots: momentum > 0 ? ['rms', 'momentum'] : ['rms'],
    };
  }

  protected updateParameter(param: Tensor, g: TypedArray, lr: number): void {
    this.updateByKernel(param, g, lr);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon };
  }
}

export interface AdagradArgs extends OptimizerArgs {
  /** Starting value of the accumulator; default 0.1. */
  initialAccumulatorValue?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/** Adagrad (Keras): a ← a + g², p ← p − lr·g / √(a + ε). Default learning rate 0.001. */
export class Adagrad extends Optimizer {
  static readonly optionNames = optionNames<AdagradArgs, OptimizerArgs>()([
    'initialAccumulatorValue',
    'epsilon',
  ]);
  override readonly className = 'Adagrad';
  override readonly slotNames = ['accumulator'];
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(args: AdagradArgs = {}) {
    super(args, 0.001);
    this.initialAccumulatorValue = args.initialAccumulatorValue ?? 0.1;
    this.epsilon = args.epsilon ?? 1e-7;
    checkEpsilon(this.className, this.epsilon);
  }

  protected updateParameter(param: Tensor, g: TypedArray, lr: number): void {
    const p = param.data;
    const a = this.slot(param, 'accumulator', this.initialAccumulatorValue);
    for (let i = 0; i < p.length; i++) {
      a[i] += g[i] * g[i];
      p[i] -= (lr * g[i]) / Math.sqrt(a[i] + this.epsilon);
    }
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      initialAccumulatorValue: this.initialAccumulatorValue,
      epsilon: this.epsilon,
    };
  }
}

export interface AdamArgs extends OptimizerArgs {
  /** Decay of the first moment; default 0.9. */
  beta1?: number;
  /** Decay of the second moment; default 0.999. */
  beta2?: number;
  /** Default 1e-7 (Keras). */
  epsilon?: number;
}

/**
 * Adam with bias correction, in Keras's form: with t = update number,
 * m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − α·m / (√v + ε) where
 * α = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ). Default learning rate 0.001.
 */
export class Adam extends Optimizer {
  static readonly optionNames = optionNames<AdamArgs, OptimizerArgs>()(['beta1', 'beta2', 'epsilon']);
  override readonly className: string = 'Adam';
  override readonly slotNames = ['m', 'v'];
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(args: AdamArgs = {}) {
    super(args, 0.001);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
    checkEpsilon(this.className, this.epsilon);
    for (const [name, beta] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(beta >= 0 && beta < 1))
        throw new Error(`${this.className}: ${name} must be in [0, 1), got ${beta}`);
    }
  }

  /** The Adam rule; `decay` multiplies the parameter first (AdamW's decoupled weight decay). */
  protected adamUpdate(lr: number, decay: number): KernelUpdate {
    const { beta1, beta2, epsilon } = this;
    const t = this.iterations + 1;
    const alpha = (lr * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t));
    return { rule: { kind: 'adam', alpha, beta1, beta2, epsilon, decay }, slots: ['m', 'v'] };
  }

  protected override kernelUpdate(lr: number): KernelUpdate | null {
    return this.adamUpdate(lr, 1);
  }

  protected updateParameter(param: Tensor, g: TypedArray, lr: number): void {
    this.updateByKernel(param, g, lr);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

export interface AdamWArgs extends AdamArgs {
  /** Decoupled weight decay; default 0.004 (Keras). */
  weightDecay?: number;
}

/** Adam with decoupled weight decay: p ← p − lr·λ·p, then the Adam update. */
export class AdamW extends Adam {
  static override readonly optionNames = optionNames<AdamWArgs, OptimizerArgs>()([
    'weightDecay',
    'beta1',
    'beta2',
    'epsilon',
  ]);
  override readonly className = 'AdamW';
  readonly weightDecay: number;

  constructor(args: AdamWArgs = {}) {
    super(args);
    this.weightDecay = args.weightDecay ?? 0.004;
    if (!(this.weightDecay >= 0))
      throw new Error(`AdamW: weightDecay must be non-negative, got ${this.weightDecay}`);
  }

  protected override kernelUpdate(lr: number): KernelUpdate {
    return this.adamUpdate(lr, 1 - lr * this.weightDecay);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}

/** Refuses an epsilon that is negative or not a number (a negative one can divide by zero). */
function checkEpsilon(className: string, epsilon: number): void {
  if (!(typeof epsilon === 'number' && epsilon >= 0))
    throw new Error(`${className}: epsilon must be a non-negative number, got ${epsilon}`);
}
