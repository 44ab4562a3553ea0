/** ModelCheckpoint: save the model after epochs (every one, or only when the monitored value improves). */
import { logStream } from '../log';
import { Callback, type Logs } from './callback';
import { BestTracker, type MonitorMode } from './monitor';
import { checkClassOptions, optionNames } from '../options';

export interface ModelCheckpointArgs {
  /**
   * Directory to save into; `{epoch}` becomes the 1-based epoch number and `{name}` or
   * `{name:.4f}` a log value, e.g. 'checkpoints/epoch-{epoch}-{val_loss:.3f}'.
   */
  filepath: string;
  /** Default 'val_loss'. */
  monitor?: string;
  /** Save only when the monitored quantity improves (default false: every epoch). */
  saveBestOnly?: boolean;
  /** 'auto' (default), 'min' or 'max'. */
  mode?: MonitorMode;
  /** 1: print a line for each save. Default 0. */
  verbose?: number;
}

export class ModelCheckpoint extends Callback {
  static readonly optionNames = optionNames<ModelCheckpointArgs>()([
    'filepath',
    'monitor',
    'saveBestOnly',
    'mode',
    'verbose',
  ]);
  readonly filepath: string;
  readonly saveBestOnly: boolean;
  readonly verbose: number;
  private readonly tracker: BestTracker;
  /** Paths written, in order. */
  readonly saved: string[] = [];

  constructor(args: ModelCheckpointArgs) {
    super();
    checkClassOptions(new.target, args, []);
    if (!args || typeof args.filepath !== 'string' || args.filepath === '') {
      throw new Error('ModelCheckpoint: filepath (a directory path) is required');
    }
    this.filepath = args.filepath;
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.verbose = args.verbose ?? 0;
    this.tracker = new BestTracker(args.monitor ?? 'val_loss', args.mode ?? 'auto');
  }

  override onTrainBegin(): void {
    this.tracker.reset();
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveBestOnly) {
      const current = this.tracker.read(logs, 'ModelCheckpoint');
      if (!this.tracker.isImprovement(current)) return;
      this.tracker.best = current;
    }
    const path = formatPath(this.filepath, epoch, logs);
    await this.requireModel().save(path);
    this.saved.push(path);
    if (this.verbose > 0) logStream().write(`Epoch ${epoch + 1}: saving model to ${path}\n`);
  }
}

/** Fills `{epoch}` (1-based) and `{key}` / `{key:.Nf}` placeholders from the logs. */
export function formatPath(template: string, epoch: number, logs: Logs): string {
  return template.replace(/\{(\w+)(?::\.(\d+)f)?\}/g, (match, key: string, digits: string | undefined) => {
    const value = key === 'epoch' ? epoch + 1 : logs[key];
    if (value === undefined) {
      throw new Error(
        `ModelCheckpoint: '${match}' in filepath names no log entry (available: epoch, ${Object.keys(logs).join(', ')})`,
      );
    }
    return digits === undefined ? String(value) : value.toFixed(Number(digits));
  });
}
