/**
 * Training callbacks (Keras style): hooks called by `fit` at the start and end of
 * training, of each epoch and of each batch. Hooks may be async; fit awaits them.
 */
import type { TrainableModel } from '../training/trainable';

/** Numbers reported to callbacks: 'loss', metric names, their 'val_' versions, 'batch', 'size'. */
export type Logs = Record<string, number>;

/** Hook results: nothing, or a promise fit awaits. */
type Hook = void | Promise<void>;

/** Any object with some of the hooks (a `Callback` subclass, or a plain object). */
export interface CallbackLike {
  setModel?(model: TrainableModel): void;
  onTrainBegin?(logs: Logs): Hook;
  onTrainEnd?(logs: Logs): Hook;
  onEpochBegin?(epoch: number, logs: Logs): Hook;
  onEpochEnd?(epoch: number, logs: Logs): Hook;
  onBatchBegin?(batch: number, logs: Logs): Hook;
  onBatchEnd?(batch: number, logs: Logs): Hook;
}

/** Base class for callbacks: every hook is a no-op; `model` is set by fit. */
export class Callback implements CallbackLike {
  model: TrainableModel | null = null;
  setModel(model: TrainableModel): void {
    this.model = model;
  }
  onTrainBegin(_logs: Logs): Hook {}
  onTrainEnd(_logs: Logs): Hook {}
  onEpochBegin(_epoch: number, _logs: Logs): Hook {}
  onEpochEnd(_epoch: number, _logs: Logs): Hook {}
  onBatchBegin(_batch: number, _logs: Logs): Hook {}
  onBatchEnd(_batch: number, _logs: Logs): Hook {}

  /** The model, or an error naming the callback when it is used outside fit. */
  protected requireModel(): TrainableModel {
    if (!this.model)
      throw new Error(`${this.constructor.name}: not attached to a model (use it in fit's callbacks)`);
    return this.model;
  }
}

/** Calls each hook on every callback in order, awaiting async ones. */
export class CallbackList {
  constructor(readonly callbacks: readonly CallbackLike[]) {}

  setModel(model: TrainableModel): void {
    for (const c of this.callbacks) c.setModel?.(model);
  }
  async onTrainBegin(logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.(logs);
  }
  async onTrainEnd(logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.(logs);
  }
  async onEpochBegin(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(epoch, logs);
  }
  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd?.(epoch, logs);
  }
  async onBatchBegin(batch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchBegin?.(batch, logs);
  }
  async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchEnd?.(batch, logs);
  }
}
