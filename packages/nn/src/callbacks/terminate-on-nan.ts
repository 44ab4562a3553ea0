/** TerminateOnNaN: stop training as soon as a batch's loss is NaN or infinite. */
import { logStream } from '../log';
import { Callback, type Logs } from './callback';

export class TerminateOnNaN extends Callback {
  /** The batch whose loss was not finite, or null. */
  terminatedAtBatch: number | null = null;

  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      this.terminatedAtBatch = batch;
      logStream().write(`Batch ${batch}: invalid loss (${loss}), terminating training\n`);
      this.requireModel().stopTraining = true;
    }
  }
}
