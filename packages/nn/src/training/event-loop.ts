/**
 * Lets the event loop run (timers, I/O, other requests) during a long fit, as tfjs's
 * `yieldEvery` does: training is synchronous arithmetic, so without a pause a server
 * or a UI would be frozen until the last epoch.
 */

/** When fit pauses: 'auto' (at most every 100 ms), every 'batch', every 'epoch', or 'never'. */
export type YieldEvery = 'auto' | 'batch' | 'epoch' | 'never';

const AUTO_INTERVAL_MS = 100;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class EventLoopYielder {
  private last = Date.now();

  constructor(private readonly mode: YieldEvery) {
    if (!['auto', 'batch', 'epoch', 'never'].includes(mode)) {
      throw new Error(`fit: yieldEvery must be 'auto', 'batch', 'epoch' or 'never', got '${String(mode)}'`);
    }
  }

  async afterBatch(): Promise<void> {
    if (this.mode === 'batch' || (this.mode === 'auto' && Date.now() - this.last >= AUTO_INTERVAL_MS)) {
      await this.pause();
    }
  }

  async afterEpoch(): Promise<void> {
    if (this.mode === 'epoch') await this.pause();
  }

  private async pause(): Promise<void> {
    await nextTurn();
    this.last = Date.now();
  }
}
