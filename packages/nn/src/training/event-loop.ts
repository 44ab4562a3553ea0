/**
 * Lets the event loop run (timers, I/O, other requests) during a long fit, as tfjs's
 * `yieldEvery` does: training is synchronous arithmetic, so without a pause a server
 * or a UI would be frozen until the last epoch.
 */

/** When fit pauses: 'auto' (at most every 100 ms), every 'batch', every 'epoch', or 'never'. */
export type YieldEvery = 'auto' | 'batch' | 'epoch' | 'never';

const AUTO_INTERVAL_MS = 100;

interface Channel {
  port1: { onmessage: (() => void) | null };
  port2: { postMessage(message: null): void };
}
type ChannelConstructor = new () => Channel;

/** Resolvers waiting for a message sent to the channel (browsers: a task without setTimeout's 4 ms clamp). */
const waiting: (() => void)[] = [];
let channel: Channel | null = null;

/** The next turn of the event loop: setImmediate under Node.js, a MessageChannel task in browsers. */
function nextTurn(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  const Channel = (globalThis as unknown as { MessageChannel?: ChannelConstructor }).MessageChannel;
  if (!Channel) return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    channel = new Channel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(null);
  });
}

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
