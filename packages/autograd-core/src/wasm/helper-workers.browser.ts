/**
 * Helper threads in browsers: Web Workers started from a Blob URL. They share the
 * kernels' memory only where SharedArrayBuffer exists, i.e. on a cross-origin-isolated
 * page (served with COOP `same-origin` and COEP `require-corp`), and the calling thread
 * must itself be a worker, since it waits for helpers with Atomics.wait, which a page's
 * main thread may not. Elsewhere everything runs on the calling thread.
 */
import type { HelperWorker } from './helper-workers';

export type { HelperWorker };

export const PLATFORM = 'Web Workers';

interface WebWorker {
  postMessage(data: unknown): void;
  terminate(): void;
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
}
interface BrowserGlobals {
  Worker?: new (url: string) => WebWorker;
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL(blob: object): string };
  SharedArrayBuffer?: unknown;
  crossOriginIsolated?: boolean;
  importScripts?: unknown;
  navigator?: { hardwareConcurrency?: number };
}

const g = globalThis as unknown as BrowserGlobals;

/** Whether this thread can share memory with helpers and wait for them. */
function canShare(): boolean {
  return (
    typeof g.Worker === 'function' &&
    typeof g.Blob === 'function' &&
    typeof g.SharedArrayBuffer === 'function' &&
    g.crossOriginIsolated === true &&
    typeof g.importScripts === 'function' // a worker's global scope: Atomics.wait is allowed
  );
}

/** One fewer than navigator.hardwareConcurrency (at most 7), where helpers can run at all. */
export function helperCapacity(): number {
  if (!canShare()) return 0;
  return Math.max(0, Math.min(7, (g.navigator?.hardwareConcurrency ?? 1) - 1));
}

export function startHelper(body: string, data: unknown): HelperWorker | null {
  if (!canShare()) return null;
  const source = `self.onmessage = (event) => { self.onmessage = null; (${body})(event.data); };`;
  const url = g.URL!.createObjectURL(new g.Blob!([source], { type: 'text/javascript' }));
  const worker = new g.Worker!(url);
  worker.postMessage(data);
  return {
    unref: () => undefined,
    terminate: () => worker.terminate(),
    onError: (listener) => worker.addEventListener('error', (event) => listener(new Error(event.message))),
  };
}
