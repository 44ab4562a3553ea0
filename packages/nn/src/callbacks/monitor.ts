/** Tracking the best value of a monitored log entry ('val_loss', 'accuracy', …). */
import { type Logs } from './callback';

export type MonitorMode = 'auto' | 'min' | 'max';

/** Resolves 'auto': accuracy-like quantities are maximised, everything else minimised (Keras). */
export function resolveMode(mode: MonitorMode, monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  const base = monitor.replace(/^val_/, '');
  return base.startsWith('acc') || base.endsWith('accuracy') || base === 'auc' ? 'max' : 'min';
}

/** The best value seen so far and whether a new one improves on it by more than minDelta. */
export class BestTracker {
  readonly mode: 'min' | 'max';
  best: number;

  constructor(
    readonly monitor: string,
    mode: MonitorMode,
    readonly minDelta = 0,
  ) {
    this.mode = resolveMode(mode, monitor);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** The monitored value in `logs`, or an error naming the missing key and what is available. */
  read(logs: Logs, who: string): number {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new Error(
        `${who}: monitored quantity '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')}); ` +
          "give fit validation data for 'val_' quantities",
      );
    }
    return value;
  }

  isImprovement(value: number): boolean {
    const delta = Math.abs(this.minDelta);
    return this.mode === 'min' ? value < this.best - delta : value > this.best + delta;
  }

  reset(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }
}
