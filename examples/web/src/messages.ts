/** Messages between the page (main.ts) and the training worker (train-worker.ts). */

export interface StartOptions {
  /** Training epochs (default 3). */
  epochs: number;
  /** Use only this many of the 10,000 bundled digits (all by default). */
  limit?: number;
  /** Train again even if IndexedDB holds a model. */
  retrain: boolean;
}

export type ToWorker =
  | { type: 'start'; options: StartOptions }
  /** Classify `count` images of 28×28 pixels in [0, 1], row after row. */
  | { type: 'predict'; id: number; pixels: Float32Array; count: number };

export type FromWorker =
  | { type: 'backend'; name: string; threads: number; isolated: boolean }
  | { type: 'status'; text: string }
  | {
      type: 'batch';
      epoch: number;
      epochs: number;
      step: number;
      steps: number;
      loss: number;
      accuracy: number;
    }
  | { type: 'epoch'; epoch: number; logs: Record<string, number> }
  | { type: 'done'; accuracy: number; source: 'trained' | 'indexeddb'; seconds: number; samples: number }
  | { type: 'prediction'; id: number; probabilities: number[][] }
  | { type: 'error'; message: string };
