/** Learning-rate schedules: the rate as a function of the optimiser's update count. */

/** A learning rate that changes with the number of updates done so far. */
export interface LearningRateSchedule {
  readonly className: string;
  /** The rate for the update after `step` updates. */
  valueAt(step: number): number;
  getConfig(): Record<string, unknown>;
}

export interface ExponentialDecayArgs {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole steps of `decaySteps` (default false: continuously). */
  staircase?: boolean;
}

/** lr₀ · decayRate^(step / decaySteps) (the exponent floored with `staircase`). */
export class ExponentialDecay implements LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  constructor(readonly args: ExponentialDecayArgs) {
    positive('exponentialDecay', 'decaySteps', args.decaySteps);
  }
  valueAt(step: number): number {
    const p = step / this.args.decaySteps;
    return (
      this.args.initialLearningRate * Math.pow(this.args.decayRate, this.args.staircase ? Math.floor(p) : p)
    );
  }
  getConfig(): Record<string, unknown> {
    return { ...this.args };
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
export class StepDecay implements LearningRateSchedule {
  readonly className = 'StepDecay';
  constructor(readonly args: StepDecayArgs) {
    positive('stepDecay', 'stepSize', args.stepSize);
  }
  valueAt(step: number): number {
    return (
      this.args.initialLearningRate * Math.pow(this.args.factor ?? 0.5, Math.floor(step / this.args.stepSize))
    );
  }
  getConfig(): Record<string, unknown> {
    return { ...this.args };
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
export class CosineDecay implements LearningRateSchedule {
  readonly className = 'CosineDecay';
  constructor(readonly args: CosineDecayArgs) {
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
  getConfig(): Record<string, unknown> {
    return { ...this.args };
  }
}

function positive(schedule: string, name: string, value: number): void {
  if (!(value > 0)) throw new Error(`${schedule}: ${name} must be positive, got ${value}`);
}

export const exponentialDecay = (args: ExponentialDecayArgs): LearningRateSchedule =>
  new ExponentialDecay(args);
export const stepDecay = (args: StepDecayArgs): LearningRateSchedule => new StepDecay(args);
export const cosineDecay = (args: CosineDecayArgs): LearningRateSchedule => new CosineDecay(args);

/** Rebuilds a schedule from its saved `{ className, config }`. */
export function scheduleFromConfig(saved: {
  className: string;
  config: Record<string, unknown>;
}): LearningRateSchedule {
  switch (saved.className) {
    case 'ExponentialDecay':
      return new ExponentialDecay(saved.config as unknown as ExponentialDecayArgs);
    case 'StepDecay':
      return new StepDecay(saved.config as unknown as StepDecayArgs);
    case 'CosineDecay':
      return new CosineDecay(saved.config as unknown as CosineDecayArgs);
    default:
      throw new Error(`unknown learning-rate schedule '${saved.className}'`);
  }
}
