/**
 * Helper threads for large float32 matrix products (Node.js worker_threads). Each
 * worker instantiates the same compiled kernels on the same shared memory and waits
 * on a slot of a shared control block; the main thread writes a job into the slot,
 * wakes the worker, computes its own share, then waits for the worker's. Workers are
 * started on first need, never keep the process alive (unref), and stop after a few
 * seconds without work. Where worker_threads do not exist, everything stays on the
 * calling thread.
 */
import type { LoadedKernels } from './runtime';

/** A block of C = op(A)·op(B) with every operand already in wasm memory (byte pointers). */
export interface GemmJob {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  a: number;
  lda: number;
  b: number;
  ldb: number;
  c: number;
  ldc: number;
  work: number;
}

// Layout of one worker's slot in the control block (Int32 words).
const SEQ = 0; // job number, bumped by the main thread to post a job
const DONE = 1; // job number the worker finished last
const READY = 2; // 1 once the worker has instantiated the kernels
const ARGS = 3; // the GemmJob fields, in the order below
const SLOT_WORDS = 16;
const JOB_FIELDS = ['transA', 'transB', 'm', 'n', 'k', 'a', 'lda', 'b', 'ldb', 'c', 'ldc', 'work'] as const;

/** Stop idle workers after this long, so short-lived programs and tests hold no threads. */
const IDLE_MS = 5000;

// Runs in each worker: a loop of wait for a job, run it, publish completion.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { module, memory, control, slot } = workerData;
const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm;
const ctl = new Int32Array(control, slot * ${SLOT_WORDS * 4}, ${SLOT_WORDS});
Atomics.store(ctl, ${READY}, 1);
let seen = Atomics.load(ctl, ${SEQ});
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  const a = ${ARGS};
  gemm(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6],
       ctl[a + 7], ctl[a + 8], ctl[a + 9], ctl[a + 10], ctl[a + 11]);
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
`;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error' | 'exit', listener: (arg: unknown) => void): void;
}
type WorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;

/** The worker_threads Worker class under Node.js, or null elsewhere. */
function workerConstructor(): WorkerConstructor | null {
  try {
    if (typeof process === 'undefined' || !process.versions?.node) return null;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('worker_threads') as { Worker: WorkerConstructor }).Worker;
  } catch {
    return null;
  }
}

export class GemmThreads {
  /** Fresh for each set of workers, so a terminating old worker can never see a new job. */
  private control: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private workers: NodeWorker[] = [];
  private idleTimer: ReturnType<typeof setInterval> | null = null;
  private lastUsed = 0;
  private broken: string | null = null;

  /** `helpers` worker threads at most (the caller's thread is one more). */
  constructor(
    private readonly kernels: LoadedKernels,
    readonly helpers: number,
  ) {
    if (!workerConstructor()) this.helpers = 0;
  }

  /** How many helpers can take a job right now (starting them if none are running). */
  available(): number {
    if (this.helpers === 0 || this.broken) return 0;
    if (this.workers.length === 0) this.start();
    this.lastUsed = Date.now();
    let ready = 0;
    while (ready < this.workers.length && Atomics.load(this.control, ready * SLOT_WORDS + READY) === 1)
      ready++;
    return ready;
  }

  /** Starts the helpers if needed and resolves with how many are ready (after at most `timeoutMs`). */
  async ready(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let count = this.available();
    while (count < this.workers.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      count = this.available();
    }
    return count;
  }

  /** Products split across threads so far. */
  threadedRuns = 0;

  /**
   * Runs `jobs[0]` on this thread and `jobs[i]` on helper i − 1 (which must be
   * available), returning when all are done. `expectedSeconds` bounds the wait: a
   * helper that takes far longer has died, and that is reported instead of hanging.
   */
  run(jobs: readonly GemmJob[], runHere: (job: GemmJob) => void, expectedSeconds: number): void {
    const ctl = this.control;
    for (let h = 0; h < jobs.length - 1; h++) {
      const base = h * SLOT_WORDS;
      const job = jobs[h + 1];
      for (let f = 0; f < JOB_FIELDS.length; f++) ctl[base + ARGS + f] = Number(job[JOB_FIELDS[f]]);
      Atomics.add(ctl, base + SEQ, 1);
      Atomics.notify(ctl, base + SEQ);
    }
    runHere(jobs[0]);
    const timeoutMs = 10_000 + expectedSeconds * 100_000;
    for (let h = 0; h < jobs.length - 1; h++) {
      const base = h * SLOT_WORDS;
      const seq = Atomics.load(ctl, base + SEQ);
      const deadline = Date.now() + timeoutMs;
      let done = Atomics.load(ctl, base + DONE);
      while (done !== seq) {
        const left = deadline - Date.now();
        if (left <= 0) {
          this.broken = `worker thread ${h} did not finish a matrix product within ${timeoutMs} ms`;
          throw new Error(`wasm gemm: ${this.broken}; helper threads are now disabled`);
        }
        Atomics.wait(ctl, base + DONE, done, left);
        done = Atomics.load(ctl, base + DONE);
      }
    }
    this.lastUsed = Date.now();
    this.threadedRuns++;
  }

  private start(): void {
    const Worker = workerConstructor()!;
    this.control = new Int32Array(new SharedArrayBuffer(this.helpers * SLOT_WORDS * 4));
    for (let slot = 0; slot < this.helpers; slot++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: this.kernels.module,
          memory: this.kernels.memory,
          control: this.control.buffer,
          slot,
        },
      });
      worker.on('error', (error) => {
        this.broken = `worker thread failed: ${error instanceof Error ? error.message : String(error)}`;
      });
      worker.unref();
      this.workers.push(worker);
    }
    this.idleTimer = setInterval(() => {
      if (Date.now() - this.lastUsed > IDLE_MS) this.stop();
    }, IDLE_MS);
    this.idleTimer.unref?.();
  }

  /** Terminates the helpers (they restart on the next large product). */
  stop(): void {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    for (const worker of this.workers) void worker.terminate();
    this.workers = [];
  }
}

/**
 * Helper threads to use besides the caller's: one fewer than the cores, or
 * `ZEN_WASM_THREADS − 1` when that variable is set (1 keeps everything on one thread).
 */
export function defaultHelperCount(): number {
  try {
    if (typeof process === 'undefined' || !process.versions?.node) return 0;
    const setting = Number(process.env.ZEN_WASM_THREADS);
    if (Number.isInteger(setting) && setting >= 1) return setting - 1;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const os = require('os') as typeof import('os');
    return Math.max(0, Math.min(7, (os.availableParallelism?.() ?? os.cpus().length) - 1));
  } catch {
    return 0;
  }
}
