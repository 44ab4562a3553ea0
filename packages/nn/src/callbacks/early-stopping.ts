/** EarlyStopping: stop when a monitored quantity stops improving; optionally restore the best weights. */
import { logStream } from '../log';
import { type Tensor } from '@zen/autograd-core';
import { Callback, type Logs } from './callback';
import { BestTracker, type MonitorMode } from './monitor';
import { checkClassOptions, optionNames } from '../options';

export interface EarlyStoppingArgs {
  /** Default 'val_loss'. */
  monitor?: string;
  /** Smallest change that counts as an improvement; default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping; default 0. */
  patience?: number;
  /** 'auto' (default), 'min' or 'max'. */
  mode?: MonitorMode;
  /** Training stops unless the quantity beats this value within `patience` epochs. */
  baseline?: number;
  /** At the end of training, put back the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
  /** Epochs to wait before monitoring starts; default 0. */
  startFromEpoch?: number;
  /** 1: print a line when stopping and restoring. Default 0. */
  verbose?: number;
}

export class EarlyStopping extends Callback {
  static readonly optionNames = optionNames<EarlyStoppingArgs>()([
    'monitor',
    'minDelta',
    'patience',
    'mode',
    'baseline',
    'restoreBestWeights',
    'startFromEpoch',
    'verbose',
  ]);
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly verbose: number;
  private readonly tracker: BestTracker;
  /** Epochs since the last improvement. */
  wait = 0;
  /** Epoch at which training was stopped (0 if it was not). */
  stoppedEpoch = 0;
  /** Epoch with the best monitored value. */
  bestEpoch = 0;
  private bestWeights: Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    checkClassOptions(new.target, args, []);
    this.tracker = new BestTracker(args.monitor ?? 'val_loss', args.mode ?? 'auto', args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    this.baseline = args.baseline;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
    this.verbose = args.verbose ?? 0;
  }

  /** Best monitored value seen. */
  get best(): number {
    return this.tracker.best;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.bestWeights = null;
    this.tracker.reset();
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    if (epoch < this.startFromEpoch) return;
    const current = this.tracker.read(logs, 'EarlyStopping');
    const model = this.requireModel();
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.tracker.isImprovement(current)) {
      this.tracker.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = model.getWeights();
      if (this.baseline === undefined || this.beats(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  private beats(value: number, reference: number): boolean {
    const delta = Math.abs(this.tracker.minDelta);
    return this.tracker.mode === 'min' ? value < reference - delta : value > reference + delta;
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) {
      logStream().write(`Epoch ${this.stoppedEpoch + 1}: early stopping\n`);
    }
    if (this.restoreBestWeights && this.bestWeights) {
      if (this.verbose > 0) {
        logStream().write(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.\n`);
      }
      this.requireModel().setWeights(this.bestWeights);
    }
  }
}
