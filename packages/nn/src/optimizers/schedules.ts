/** Learning-rate schedules: the rate as a function of the optimiser's update count. */

import { Registry, staticClassName } from '../registry';

/** A learning rate that changes with the number of updates done so far. */
export interface LearningRateSchedule {
  readonly className: string;
  /** The rate for the update after `step` updates. */
  valueAt(step: number): number;
  getConfig(): Record<string, unknown>;
}

/** A schedule configured by one options object, which is also its saved config. */
export abstract class ConfiguredSchedule<A extends object> implements LearningRateSchedule {
  /** Registry name: a subclass's `className` field, else its `static className`, else the class name. */
  readonly className: string = staticClassName(this.constructor) ?? this.constructor.name;
  constructor(readonly args: A) {}
  abstract valueAt(step: number): number;
  getConfig(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.args));
  }
}

export interface ExponentialDecayArgs {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole steps of `decaySteps` (default false: continuously). */
  staircase?: boolean;
}

/** lr₀ · decayRate^(step / decaySteps) (the exponent floored with `staircase`). */
export class ExponentialDecay extends ConfiguredSchedule<ExponentialDecayArgs> {
  override readonly className = 'ExponentialDecay';
  constructor(args: ExponentialDecayArgs) {
    super(args);
    positive('exponentialDecay', 'decaySteps', args.decaySteps);
  }
  valueAt(step: number): number {
    const p = step / this.args.decaySteps;
    return (
      this.args.initialLearningRate * Math.pow(this.args.decayRate, this.args.staircase ? Math.floor(p) : p)
    );
  }
}

export interface StepDecayArgs {
  initialLearningRate: number;
  /** Number of updates between drops. */
  stepSize: number;
  /** Multiplier at each drop; default 0.5. */
  factor?: number;
}

/** lr₀ · factor^⌊step / stepSize⌋. */
export class StepDecay extends ConfiguredSchedule<StepDecayArgs> {
  override readonly className = 'StepDecay';
  constructor(args: StepDecayArgs) {
    super(args);
    positive('stepDecay', 'stepSize', args.stepSize);
  }
  valueAt(step: number): number {
    return (
      this.args.initialLearningRate * Math.pow(this.args.factor ?? 0.5, Math.floor(step / this.args.stepSize))
    );
  }
}

export interface CosineDecayArgs {
  initialLearningRate: number;
  decaySteps: number;
  /** Final rate as a fraction of the rate the decay starts from; default 0. */
  alpha?: number;
  /** Steps of linear warm-up from initialLearningRate to warmupTarget before the decay; default 0. */
  warmupSteps?: number;
  /** The rate warm-up reaches and the decay starts from; without it there is no warm-up (Keras). */
  warmupTarget?: number;
}

/**
 * Keras's CosineDecay. Without warm-up: lr₀ · ((1 − α)·½(1 + cos(π·min(step, decaySteps)/decaySteps)) + α).
 * With `warmupTarget`: linear from lr₀ to the target over `warmupSteps`, then the same
 * decay from the target, counting steps from the end of warm-up.
 */
export class CosineDecay extends ConfiguredSchedule<CosineDecayArgs> {
  override readonly className = 'CosineDecay';
  constructor(args: CosineDecayArgs) {
    super(args);
    positive('cosineDecay', 'decaySteps', args.decaySteps);
    const warmup = args.warmupSteps ?? 0;
    if (!Number.isInteger(warmup) || warmup < 0) {
      throw new Error(`cosineDecay: warmupSteps must be a non-negative integer, got ${warmup}`);
    }
    if (args.warmupTarget !== undefined && !Number.isFinite(args.warmupTarget)) {
      throw new Error(`cosineDecay: warmupTarget must be a finite number, got ${args.warmupTarget}`);
    }
  }
  valueAt(step: number): number {
    const { initialLearningRate, warmupTarget } = this.args;
    const warmup = warmupTarget === undefined ? 0 : (this.args.warmupSteps ?? 0);
    if (warmupTarget !== undefined && step < warmup) {
      return initialLearningRate + ((warmupTarget - initialLearningRate) * step) / warmup;
    }
    const alpha = this.args.alpha ?? 0;
    const progress = Math.min(step - warmup, this.args.decaySteps) / this.args.decaySteps;
    const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return (warmupTarget ?? initialLearningRate) * ((1 - alpha) * cosine + alpha);
  }
}

function positive(schedule: string, name: string, value: number): void {
  if (!(value > 0)) throw new Error(`${schedule}: ${name} must be positive, got ${value}`);
}

export const exponentialDecay = (args: ExponentialDecayArgs): LearningRateSchedule =>
  new ExponentialDecay(args);
export const stepDecay = (args: StepDecayArgs): LearningRateSchedule => new StepDecay(args);
export const cosineDecay = (args: CosineDecayArgs): LearningRateSchedule => new CosineDecay(args);

/** A schedule class, constructed from its saved config. */
export type ScheduleConstructor = (new (config: never) => LearningRateSchedule) & {
  readonly className?: unknown;
};

const schedules = new Registry<ScheduleConstructor>('learning-rate schedule', 'registerSchedule');
registerSchedule('ExponentialDecay', ExponentialDecay);
registerSchedule('StepDecay', StepDecay);
registerSchedule('CosineDecay', CosineDecay);

/**
 * Registers a schedule class (`registerSchedule(MySchedule)` by its `static className`,
 * or `registerSchedule('MySchedule', MySchedule)`) so optimisers using it save and load.
 * Its constructor takes the object its `getConfig()` returns.
 */
export function registerSchedule(ctor: ScheduleConstructor): void;
export function registerSchedule(className: string, ctor: ScheduleConstructor): void;
export function registerSchedule(nameOrCtor: string | ScheduleConstructor, ctor?: ScheduleConstructor): void {
  schedules.register(nameOrCtor, ctor);
}

/** Rebuilds a schedule from its saved `{ className, config }`. */
export function scheduleFromConfig(saved: {
  className: string;
  config: Record<string, unknown>;
}): LearningRateSchedule {
  const ctor = schedules.get(saved.className);
  if (!ctor) {
    throw new Error(
      `unknown learning-rate schedule '${saved.className}' (registered: ${schedules.names().join(', ')}); ` +
        'register custom schedules with registerSchedule before loading',
    );
  }
  return new ctor(saved.config as never);
}
