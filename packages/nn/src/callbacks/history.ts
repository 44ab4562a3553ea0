/** History: what fit returns — the per-epoch logs under Keras's keys. */
import { Callback, type Logs } from './callback';

export class History extends Callback {
  /** Epoch indices that ran. */
  epoch: number[] = [];
  /** Per-key lists: 'loss', 'accuracy', 'val_loss', 'val_accuracy', … */
  history: Record<string, number[]> = {};

  override onTrainBegin(): void {
    this.epoch = [];
    this.history = {};
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}
