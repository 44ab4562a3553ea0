/**
 * Helper threads under Node.js: worker_threads. The browser twin (helper-workers.browser.ts)
 * offers the same three functions on Web Workers.
 */

/** A running helper thread. */
export interface HelperWorker {
  /** Lets the process exit while the helper sleeps (no-op where threads never hold a process). */
  unref(): void;
  terminate(): void;
  onError(listener: (error: unknown) => void): void;
}

/** What to call the runtime in messages. */
export const PLATFORM = 'Node.js worker_threads';

type NodeWorker = {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (error: unknown) => void): void;
};
type WorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;

/** The worker_threads Worker class, or null where it does not exist. */
function workerConstructor(): WorkerConstructor | null {
  try {
    if (typeof process === 'undefined' || !process.versions?.node) return null;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('worker_threads') as { Worker: WorkerConstructor }).Worker;
  } catch {
    return null;
  }
}

/**
 * How many helper threads this runtime could run besides the calling thread: one fewer
 * than the cores, or `ZEN_WASM_THREADS − 1` when that variable is set (1 means none).
 */
export function helperCapacity(): number {
  try {
    if (!workerConstructor()) return 0;
    const setting = Number(process.env.ZEN_WASM_THREADS);
    if (Number.isInteger(setting) && setting >= 1) return setting - 1;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const os = require('os') as typeof import('os');
    return Math.max(0, Math.min(7, (os.availableParallelism?.() ?? os.cpus().length) - 1));
  } catch {
    return 0;
  }
}

/**
 * Starts a thread running `body`, the source of a function expression taking the
 * (structured-cloned) `data`; null where threads are unavailable.
 */
export function startHelper(body: string, data: unknown): HelperWorker | null {
  const Worker = workerConstructor();
  if (!Worker) return null;
  const source = `(${body})(require('worker_threads').workerData);`;
  const worker = new Worker(source, { eval: true, workerData: data });
  return {
    unref: () => worker.unref(),
    terminate: () => void worker.terminate(),
    onError: (listener) => worker.on('error', listener),
  };
}
