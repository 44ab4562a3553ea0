/**
 * The Optimizer base class. `step` reads each parameter's `.grad` (filled by
 * `loss.backward()`), optionally clips it, and updates the parameter's data in place;
 * `zeroGrad` clears the gradients. Per-parameter state (momentum, moments) is kept in
 * typed arrays keyed by the parameter tensor.
 */
import {
  type NonFinitePosition,
  type Tensor,
  type TypedArray,
  type UpdateRule,
  adoptGradient,
  firstNonFinite,
  getBackend,
  gradientStore,
  noGrad,
} from '@zen/autograd-core';
import { type LearningRateSchedule, scheduleFromConfig } from './schedules';
import { staticClassName } from '../registry';
import { checkClassOptions, optionNames } from '../options';

export interface OptimizerArgs {
  /** A number or a schedule (`exponentialDecay(…)`, …). */
  learningRate?: number | LearningRateSchedule;
  /** Clip each parameter's gradient to this L2 norm (Keras `clipnorm`). */
  clipNorm?: number;
  /** Clip all gradients together to this global L2 norm (Keras `global_clipnorm`). */
  globalClipNorm?: number;
  /** Clip each gradient element to [−clipValue, clipValue]. */
  clipValue?: number;
}

/** The options every optimizer takes (each class lists its own in `static optionNames`). */
export const OPTIMIZER_OPTIONS = optionNames<OptimizerArgs>()([
  'learningRate',
  'clipNorm',
  'globalClipNorm',
  'clipValue',
]);

/** An optimiser's state: the update count and its per-parameter arrays. */
export interface OptimizerState {
  iterations: number;
  /** `index` is the parameter's position in the list given to getState / setState. */
  slots: { index: number; name: string; values: TypedArray }[];
}

/** What `step` found when a gradient holds NaN or ±Infinity (and so updated nothing). */
export interface NonFiniteGradient {
  param: Tensor;
  /** Flat index of the first such value in the parameter's gradient. */
  index: number;
  value: number;
}

export interface StepOptions {
  /**
   * Scan the gradients first: if one holds NaN or ±Infinity, nothing is updated and
   * `step` returns where (fit does this, to refuse the update with a clear error).
   */
  checkFinite?: boolean;
}

/** A per-element update rule run by the backend's `optimizerStep` kernel, and the slots it reads in order. */
export interface KernelUpdate {
  rule: UpdateRule;
  slots: readonly string[];
}

/** A saved learning rate: a number or a schedule's `{ className, config }`. */
type SavedLearningRate = number | { className: string; config: Record<string, unknown> };

export abstract class Optimizer {
  /** Registry name: a subclass's `className` field, else its `static className`, else the constructor's name. */
  readonly className: string = staticClassName(this.constructor) ?? this.constructor.name;
  /** The rate (or schedule); callbacks such as ReduceLROnPlateau assign new numbers. */
  learningRate: number | LearningRateSchedule;
  readonly clipNorm: number | undefined;
  readonly globalClipNorm: number | undefined;
  readonly clipValue: number | undefined;
  /** Number of updates applied so far. */
  iterations = 0;
  private slots = new WeakMap<Tensor, Map<string, TypedArray>>();
  private paramsProvider: (() => Tensor[]) | null = null;

  constructor(args: OptimizerArgs, defaultLearningRate: number) {
    checkClassOptions(new.target, args, OPTIMIZER_OPTIONS, 'learningRate');
    this.learningRate = args.learningRate ?? defaultLearningRate;
    if (typeof this.learningRate === 'number' && !(this.learningRate >= 0)) {
      throw new Error(`optimizer: learningRate must be a non-negative number, got ${this.learningRate}`);
    }
    for (const key of ['clipNorm', 'globalClipNorm', 'clipValue'] as const) {
      const value = args[key];
      if (value !== undefined && !(value > 0))
        throw new Error(`optimizer: ${key} must be positive, got ${value}`);
    }
    this.clipNorm = args.clipNorm;
    this.globalClipNorm = args.globalClipNorm;
    this.clipValue = args.clipValue;
  }

  /** The rate the next update uses (a schedule evaluated at `iterations`). */
  get currentLearningRate(): number {
    const lr = this.learningRate;
    return typeof lr === 'number' ? lr : lr.valueAt(this.iterations);
  }

  /** Lets `step()` and `zeroGrad()` be called without arguments (a model's `compile` does this). */
  attach(parameters: () => Tensor[]): void {
    this.paramsProvider = parameters;
  }

  private resolve(params: readonly Tensor[] | undefined, method: string): readonly Tensor[] {
    if (params) return params;
    if (!this.paramsProvider) {
      throw new Error(
        `${this.className}.${method}: pass the parameters (model.parameters()) or compile a model with this optimizer`,
      );
    }
    return this.paramsProvider();
  }

  /** Forgets the parameters' accumulated gradients. */
  zeroGrad(params?: readonly Tensor[]): void {
    for (const p of this.resolve(params, 'zeroGrad')) p.zeroGrad();
  }

  /**
   * Applies one update to every parameter that has a gradient. With `checkFinite`, returns
   * the first non-finite gradient value instead, having updated nothing; else null.
   */
  step(params?: readonly Tensor[], options: StepOptions = {}): NonFiniteGradient | null {
    const withGrad = this.resolve(params, 'step').filter((p) => p.grad !== null);
    const raw = withGrad.map((p) => p.grad!.data);
    const clipping =
      this.clipValue !== undefined || this.clipNorm !== undefined || this.globalClipNorm !== undefined;
    const lr = this.currentLearningRate;
    const update = this.kernelUpdate(lr);
    const found = (at: NonFinitePosition) => {
      const param = withGrad[at.item];
      return { param, index: at.index, value: raw[at.item][at.index] };
    };
    // With a kernel rule, clipping by norm is a factor per gradient that the kernel applies (no
    // copies); clipping by value, or an optimiser without a rule, works on clipped copies.
    const copies = this.clipValue !== undefined || (clipping && !update);
    // The kernel scans the raw gradients in the same call; clipped copies could hide a NaN, so scan before.
    if (options.checkFinite && (copies || !update)) {
      const bad = firstNonFinite(raw);
      if (bad) return found(bad);
    }
    const grads = copies ? this.clippedGradients(raw) : raw;
    if (update) {
      const scales = clipping && !copies ? this.normScales(raw) : null;
      // Gradients in a scratch scope's memory are copied to where they are kept in the same pass.
      const stores = withGrad.map((p) => gradientStore(p));
      const items = withGrad.map((p, i) => ({
        param: p.data,
        grad: grads[i],
        slots: update.slots.map((name) => this.slot(p, name)),
        gradScale: scales ? scales[i] : 1,
        keepGrad: copies ? undefined : (stores[i] ?? undefined),
      }));
      const bad = getBackend().optimizerStep(update.rule, items, !!options.checkFinite && !copies);
      if (bad) return found(bad);
      if (!copies) withGrad.forEach((p, i) => stores[i] && adoptGradient(p, stores[i]));
    } else {
      noGrad(() => withGrad.forEach((p, i) => this.updateParameter(p, grads[i], lr)));
    }
    this.iterations++;
    return null;
  }

  /** Updates `param.data` in place from its (clipped) gradient. */
  protected abstract updateParameter(param: Tensor, grad: TypedArray, learningRate: number): void;

  /**
   * The update as a rule the backend's `optimizerStep` kernel runs over every parameter in
   * one call, or null (the default) to call `updateParameter` per parameter. A subclass
   * that overrides `updateParameter` of a class with a rule returns null here too.
   */
  protected kernelUpdate(_learningRate: number): KernelUpdate | null {
    return null;
  }

  /** `updateParameter` by the kernel rule, for one parameter. */
  protected updateByKernel(param: Tensor, grad: TypedArray, learningRate: number): void {
    const update = this.kernelUpdate(learningRate);
    if (!update) throw new Error(`${this.className}: no kernel update rule`);
    const slots = update.slots.map((name) => this.slot(param, name));
    getBackend().optimizerStep(update.rule, [{ param: param.data, grad, slots }], false);
  }

  /** A per-parameter state array (zeros, or `initial`) created on first use. */
  protected slot(param: Tensor, name: string, initial = 0): TypedArray {
    let state = this.slots.get(param);
    if (!state) this.slots.set(param, (state = new Map()));
    let array = state.get(name);
    if (!array) {
      array = newStateArray(param, param.size);
      if (initial !== 0) array.fill(initial);
      state.set(name, array);
    }
    return array;
  }

  /**
   * Names of the per-parameter arrays this optimiser keeps ('m', 'v', 'velocity', …), so a
   * loaded state can be checked; undefined accepts any name.
   */
  readonly slotNames: readonly string[] | undefined = undefined;

  /** The update count and every per-parameter array (`params` in a fixed order), for saving. */
  getState(params: readonly Tensor[]): OptimizerState {
    const slots: OptimizerState['slots'] = [];
    params.forEach((param, index) => {
      for (const [name, values] of this.slots.get(param) ?? []) slots.push({ index, name, values });
    });
    return { iterations: this.iterations, slots };
  }

  /** Restores a state from getState (for the same `params`, in the same order); replaces all current state. */
  setState(params: readonly Tensor[], state: OptimizerState): void {
    if (!Number.isInteger(state.iterations) || state.iterations < 0)
      throw new Error(
        `${this.className}.setState: iterations must be a non-negative integer, got ${state.iterations}`,
      );
    const slots = new WeakMap<Tensor, Map<string, TypedArray>>();
    for (const { index, name, values } of state.slots) {
      const param = params[index];
      if (!param)
        throw new Error(`${this.className}.setState: no parameter ${index} (there are ${params.length})`);
      if (this.slotNames && !this.slotNames.includes(name)) {
        throw new Error(
          `${this.className}.setState: unknown state '${name}' (${this.className} keeps ${this.slotNames.join(', ')})`,
        );
      }
      if (values.length !== param.size) {
        throw new Error(
          `${this.className}.setState: state '${name}' of parameter ${index} has ${values.length} values, the parameter ${param.size}`,
        );
      }
      const copy = newStateArray(param, values.length);
      copy.set(values);
      let map = slots.get(param);
      if (!map) slots.set(param, (map = new Map()));
      map.set(name, copy);
    }
    this.slots = slots;
    this.iterations = state.iterations;
  }

  /** Forgets all per-parameter state and the update count. */
  reset(): void {
    this.slots = new WeakMap();
    this.iterations = 0;
  }

  /** Copies of the gradients, clipped as configured: by value, then by norm (`normScales`). */
  private clippedGradients(grads: readonly TypedArray[]): TypedArray[] {
    const clipped = grads.map((g) => g.slice());
    if (this.clipValue !== undefined) {
      const c = this.clipValue;
      for (const g of clipped) for (let i = 0; i < g.length; i++) g[i] = Math.min(c, Math.max(-c, g[i]));
    }
    if (this.clipNorm !== undefined || this.globalClipNorm !== undefined) {
      const scales = this.normScales(clipped);
      clipped.forEach((g, k) => {
        if (scales[k] !== 1) for (let i = 0; i < g.length; i++) g[i] *= scales[k];
      });
    }
    return clipped;
  }

  /**
   * The factor clipping by norm multiplies each gradient by: clipNorm per gradient, then
   * globalClipNorm over all of them as clipped by clipNorm (Keras's order).
   */
  private normScales(grads: readonly TypedArray[]): number[] {
    const squares = grads.map((g) => getBackend().sumOfSquares(g));
    const scales = squares.map((s) => (this.clipNorm === undefined ? 1 : clipFactor(s, this.clipNorm)));
    if (this.globalClipNorm !== undefined) {
      const total = squares.reduce((sum, s, i) => sum + s * scales[i] * scales[i], 0);
      const global = clipFactor(total, this.globalClipNorm);
      for (let i = 0; i < scales.length; i++) scales[i] *= global;
    }
    return scales;
  }

  /** Options as JSON, for model.json (subclasses add theirs). */
  getConfig(): Record<string, unknown> {
    const lr = this.learningRate;
    const config: Record<string, unknown> = {
      learningRate: typeof lr === 'number' ? lr : { className: lr.className, config: lr.getConfig() },
    };
    if (this.clipNorm !== undefined) config.clipNorm = this.clipNorm;
    if (this.globalClipNorm !== undefined) config.globalClipNorm = this.globalClipNorm;
    if (this.clipValue !== undefined) config.clipValue = this.clipValue;
    return config;
  }
}

/** Turns a saved learning rate back into a number or schedule. */
export function learningRateFromConfig(saved: unknown): number | LearningRateSchedule | undefined {
  if (saved === undefined || typeof saved === 'number') return saved;
  return scheduleFromConfig(saved as Exclude<SavedLearningRate, number>);
}

/** A zeroed state array of the parameter's dtype (float32: where the backend's kernels read it in place). */
function newStateArray(param: Tensor, length: number): TypedArray {
  return param.data instanceof Float64Array ? new Float64Array(length) : getBackend().stateArray(length);
}

/** The factor that brings a norm of √sumSquares down to at most maxNorm (1 when it is already). */
function clipFactor(sumSquares: number, maxNorm: number): number {
  const norm = Math.sqrt(sumSquares);
  return norm <= maxNorm ? 1 : maxNorm / norm;
}
