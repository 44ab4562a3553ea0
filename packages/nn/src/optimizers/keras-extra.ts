/** More of Keras's optimisers, with Keras's defaults and update rules: Nadam, Adadelta, Adamax, Lion. */
import { type Tensor, type TypedArray } from '@zen/autograd-core';
import { Optimizer, type OptimizerArgs } from './optimizer';
import { optionNames } from '../options';

export interface AdamaxArgs extends OptimizerArgs {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

function checkBetas(owner: string, betas: Record<string, number>): void {
  for (const [name, beta] of Object.entries(betas)) {
    if (!(beta >= 0 && beta < 1)) throw new Error(`${owner}: ${name} must be in [0, 1), got ${beta}`);
  }
}

/**
 * Adamax (Keras): m ← β₁m + (1 − β₁)g, u ← max(β₂u, |g|),
 * p ← p − lr/(1 − β₁ᵗ) · m / (u + ε). Default learning rate 0.001.
 */
export class Adamax extends Optimizer {
  static readonly optionNames = optionNames<AdamaxArgs, OptimizerArgs>()(['beta1', 'beta2', 'epsilon']);
  override readonly className = 'Adamax';
  override readonly slotNames = ['m', 'u'];
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(args: AdamaxArgs = {}) {
    super(args, 0.001);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
    checkBetas('Adamax', { beta1: this.beta1, beta2: this.beta2 });
  }

  protected updateParameter(param: Tensor, g: TypedArray, lr: number): void {
    const p = param.data;
    const m = this.slot(param, 'm');
    const u = this.slot(param, 'u');
    const { beta1, beta2, epsilon } = this;
    const alpha = lr / (1 - Math.pow(beta1, this.iterations + 1));
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      u[i] = Math.max(beta2 * u[i], Math.abs(g[i]));
      p[i] -= (alpha * m[i]) / (u[i] + epsilon);
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** Nadam's options are Adamax's (Keras's defaults are the same). */
export type NadamArgs = AdamaxArgs;

/**
 * Nadam (Keras): Adam with Nesterov momentum and the momentum schedule
 * μₜ = β₁(1 − ½·0.96^(0.004·t)). With Πₜ = μ₁⋯μₜ:
 * m̂ = μₜ₊₁m/(1 − Πₜ₊₁) + (1 − μₜ)g/(1 − Πₜ), v̂ = v/(1 − β₂ᵗ), p ← p − lr·m̂/(√v̂ + ε).
 * Default learning rate 0.001.
 */
export class Nadam extends Optimizer {
  static readonly optionNames = optionNames<NadamArgs, OptimizerArgs>()(['beta1', 'beta2', 'epsilon']);
  override readonly className = 'Nadam';
  override readonly slotNames = ['m', 'v'];
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Π of the momentum schedule up to the last step's t, and that t. */
  private product = { t: 0, value: 1 };

  constructor(args: NadamArgs = {}) {
    super(args, 0.001);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
    checkBetas('Nadam', { beta1: this.beta1, beta2: this.beta2 });
  }

  private mu(t: number): number {
    return this.beta1 * (1 - 0.5 * Math.pow(0.96, 0.004 * t));
  }

  /** Πₜ for this step's t (the product advances once per step, whatever the number of parameters). */
  private productAt(t: number): number {
    if (this.product.t !== t) {
      // After reset (or from a fresh optimiser) recompute from 1; otherwise one more factor.
      let value = this.product.t === t - 1 ? this.product.value : 1;
      for (let s = this.product.t === t - 1 ? t : 1; s <= t; s++) value *= this.mu(s);
      this.product = { t, value };
    }
    return this.product.value;
  }

  protected updateParameter(param: Tensor, g: TypedArray, lr: number): void {
    const p = param.data;
    const m = this.slot(param, 'm');
    const v = this.slot(param, 'v');
    const { beta1, beta2, epsilon } = this;
    const t = this.iterations + 1;
    const muT = this.mu(t);
    const muNext = this.mu(t + 1);
    const productT = this.productAt(t);
    const productNext = productT * muNext;
    const vScale = 1 / (1 - Math.pow(beta2, t));
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      const mHat = (muNext * m[i]) / (1 - productNext) + ((1 - muT) * g[i]) / (1 - productT);
      p[i] -= (lr * mHat) / (Math.sqrt(v[i] * vScale) + epsilon);
    }
  }

  override reset(): void {
    super.reset();
    this.product = { t: 0, value: 1 };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

export interface AdadeltaArgs extends OptimizerArgs {
  /** Decay of both running averages; default 0.95. */
  rho?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/**
 * Adadelta (Keras): a ← ρa + (1 − ρ)g², Δ = −√(d + ε)/√(a + ε)·g, d ← ρd + (1 − ρ)Δ²,
 * p ← p + lr·Δ. Default learning rate 0.001 (Keras's).
 */
export class Adadelta extends Optimizer {
  static readonly optionNames = optionNames<AdadeltaArgs, OptimizerArgs>()(['rho', 'epsilon']);
  override readonly className = 'Adadelta';
  override readonly slotNames = ['accumulatedGrad', 'accumulatedDelta'];
  readonly rho: number;
  readonly epsilon: number;

  constructor(args: AdadeltaArgs = {}) {
    super(args, 0.001);
    this.rho = args.rho ?? 0.95;
    this.epsilon = args.epsilon ?? 1e-7;
    checkBetas('Adadelta', { rho: this.rho });
  }

  protected updateParameter(param: Tensor, g: TypedArray, lr: number): void {
    const p = param.data;
    const a = this.slot(param, 'accumulatedGrad');
    const d = this.slot(param, 'accumulatedDelta');
    const { rho, epsilon } = this;
    for (let i = 0; i < p.length; i++) {
      a[i] = rho * a[i] + (1 - rho) * g[i] * g[i];
      const delta = (-Math.sqrt(d[i] + epsilon) / Math.sqrt(a[i] + epsilon)) * g[i];
      d[i] = rho * d[i] + (1 - rho) * delta * delta;
      p[i] += lr * delta;
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}

export interface LionArgs extends OptimizerArgs {
  /** Mix of momentum and gradient in the update's sign; default 0.9. */
  beta1?: number;
  /** Decay of the momentum; default 0.99. */
  beta2?: number;
}

/**
 * Lion (Keras): p ← p − lr·sign(β₁m + (1 − β₁)g), then m ← β₂m + (1 − β₂)g.
 * Default learning rate 0.001.
 */
export class Lion extends Optimizer {
  static readonly optionNames = optionNames<LionArgs, OptimizerArgs>()(['beta1', 'beta2']);
  override readonly className = 'Lion';
  override readonly slotNames = ['m'];
  readonly beta1: number;
  readonly beta2: number;

  constructor(args: LionArgs = {}) {
    super(args, 0.001);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.99;
    checkBetas('Lion', { beta1: this.beta1, beta2: this.beta2 });
  }

  protected updateParameter(param: Tensor, g: TypedArray, lr: number): void {
    const p = param.data;
    const m = this.slot(param, 'm');
    const { beta1, beta2 } = this;
    for (let i = 0; i < p.length; i++) {
      p[i] -= lr * Math.sign(beta1 * m[i] + (1 - beta1) * g[i]);
      m[i] = beta2 * m[i] + (1 - beta2) * g[i];
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2 };
  }
}
