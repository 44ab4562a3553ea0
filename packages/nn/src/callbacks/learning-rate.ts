/** Callbacks that change the optimiser's learning rate: LearningRateScheduler and ReduceLROnPlateau. */
import { logStream } from '../log';
import type { TrainableModel } from '../training/trainable';
import { Callback, type Logs } from './callback';
import { BestTracker, type MonitorMode } from './monitor';
import { checkClassOptions, optionNames } from '../options';

/** The compiled optimizer's numeric learning rate (schedules cannot be overridden by callbacks). */
function numericRate(model: TrainableModel, who: string): number {
  const optimizer = model.optimizer;
  if (!optimizer) throw new Error(`${who}: the model is not compiled with an optimizer`);
  if (typeof optimizer.learningRate !== 'number') {
    throw new Error(
      `${who}: the optimizer's learning rate is a schedule; use a number to let ${who} change it`,
    );
  }
  return optimizer.learningRate;
}

/** Sets the learning rate at the start of every epoch to `schedule(epoch, currentRate)`. */
export class LearningRateScheduler extends Callback {
  constructor(
    readonly schedule: (epoch: number, learningRate: number) => number,
    readonly verbose = 0,
  ) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    const model = this.requireModel();
    const rate = this.schedule(epoch, numericRate(model, 'LearningRateScheduler'));
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
      throw new Error(
        `LearningRateScheduler: the schedule returned ${rate} for epoch ${epoch}; expected a number ≥ 0`,
      );
    }
    model.optimizer!.learningRate = rate;
    if (this.verbose > 0)
      logStream().write(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${rate}.\n`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = numericRate(this.requireModel(), 'LearningRateScheduler');
  }
}

export interface ReduceLROnPlateauArgs {
  /** Default 'val_loss'. */
  monitor?: string;
  /** Multiplier applied to the rate; default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing; default 10. */
  patience?: number;
  /** 'auto' (default), 'min' or 'max'. */
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement; default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again; default 0. */
  cooldown?: number;
  /** Lower bound of the rate; default 0. */
  minLr?: number;
  verbose?: number;
}

/** Multiplies the learning rate by `factor` when the monitored quantity stops improving. */
export class ReduceLROnPlateau extends Callback {
  static readonly optionNames = optionNames<ReduceLROnPlateauArgs>()([
    'monitor',
    'factor',
    'patience',
    'mode',
    'minDelta',
    'cooldown',
    'minLr',
    'verbose',
  ]);
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: number;
  private readonly tracker: BestTracker;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    checkClassOptions(new.target, args, []);
    this.factor = args.factor ?? 0.1;
    if (!(this.factor > 0 && this.factor < 1)) {
      throw new Error(`ReduceLROnPlateau: factor must be in (0, 1), got ${this.factor}`);
    }
    this.patience = args.patience ?? 10;
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
    this.verbose = args.verbose ?? 0;
    this.tracker = new BestTracker(args.monitor ?? 'val_loss', args.mode ?? 'auto', args.minDelta ?? 1e-4);
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.cooldownCounter = 0;
    this.tracker.reset();
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const model = this.requireModel();
    const rate = numericRate(model, 'ReduceLROnPlateau');
    logs.learning_rate = rate;
    const current = this.tracker.read(logs, 'ReduceLROnPlateau');
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.tracker.isImprovement(current)) {
      this.tracker.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0) {
      this.wait++;
      if (this.wait >= this.patience && rate > this.minLr) {
        const reduced = Math.max(rate * this.factor, this.minLr);
        model.optimizer!.learningRate = reduced;
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
        if (this.verbose > 0) {
          logStream().write(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${reduced}.\n`);
        }
      }
    }
  }
}
