/**
 * Helper threads for large float32 matrix products (worker_threads under Node.js, Web
 * Workers in cross-origin-isolated browser workers: see helper-workers.ts). Each
 * worker instantiates the same compiled kernels on the same shared memory and sleeps
 * on a slot of a shared control block.
 *
 * A product is cut into a few blocks of C (see `splitJob`) listed in the control
 * block. The calling thread opens each helper's gate, wakes it, and starts taking
 * blocks from a shared counter; a helper that wakes while the gate is still open
 * joins and takes blocks too. When the counter runs out, the caller closes the gates
 * of helpers that never joined (they were busy elsewhere: on a loaded machine the
 * product simply runs on one thread) and waits only for those that did. Workers start
 * on first need, never keep the process alive (unref), and stop after a few idle
 * seconds. Where helper threads cannot run, everything stays on the calling thread.
 */
import type { LoadedKernels } from './runtime';
import { type HelperWorker, helperCapacity, startHelper } from './helper-workers';

/**
 * A block of work on data already in wasm memory: a `gemm` call (transA, transB, m, n,
 * k, a, lda, b, ldb, c, ldc) or a `gemmRows` call (transA, m, n, k, a, lda, packedB, c,
 * ldc, rowStart, rowEnd); booleans as 0/1, pointers as byte addresses. The thread that
 * runs it appends its own workspace.
 */
export interface Block {
  kind: 'gemm' | 'rows';
  args: readonly number[];
}

/** Most blocks one product is cut into. */
export const MAX_BLOCKS = 16;
const ARGS = 11;
const FIELDS = 1 + ARGS; // kind (0 gemm, 1 rows), then the arguments

// Control block (Int32 words): the shared block list, then one slot per helper.
const NEXT = 0; // next block to take
const COUNT = 1; // blocks in this product
const TABLE = 2; // MAX_BLOCKS × FIELDS words
const HEADER = TABLE + MAX_BLOCKS * FIELDS;
const POST = 0; // product number posted to this helper
const GATE = 1; // = product number while open; −number once the helper joined; 0 when closed
const DONE = 2; // product number the helper finished last
const READY = 3; // 1 once the worker has instantiated the kernels
const WORK = 4; // the helper's workspace
const SLOT = 8;

/** How long a thread polls for news before it sleeps (milliseconds). */
const SPIN_MS = 0.1;

/** Stop idle workers after this long, so short-lived programs and tests hold no threads. */
const IDLE_MS = 5000;

// Runs in each worker: sleep until a product is posted, join it if still open, take blocks.
const WORKER_SOURCE = `({ module, memory, control, slot }) => {
const { gemm, gemmRows } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control);
const s = ${HEADER} + slot * ${SLOT};
const work = ctl[s + ${WORK}];
Atomics.store(ctl, s + ${READY}, 1);
let seen = Atomics.load(ctl, s + ${POST});
for (;;) {
  // Products often come in bursts: poll briefly before sleeping, as waking costs more.
  const until = performance.now() + ${SPIN_MS};
  while (Atomics.load(ctl, s + ${POST}) === seen && performance.now() < until);
  Atomics.wait(ctl, s + ${POST}, seen);
  seen = Atomics.load(ctl, s + ${POST});
  if (Atomics.compareExchange(ctl, s + ${GATE}, seen, -seen) !== seen) continue;
  for (;;) {
    const i = Atomics.add(ctl, ${NEXT}, 1);
    if (i >= ctl[${COUNT}]) break;
    const j = ${TABLE} + i * ${FIELDS};
    (ctl[j] === 0 ? gemm : gemmRows)(ctl[j + 1], ctl[j + 2], ctl[j + 3], ctl[j + 4], ctl[j + 5],
      ctl[j + 6], ctl[j + 7], ctl[j + 8], ctl[j + 9], ctl[j + 10], ctl[j + 11], work);
  }
  Atomics.store(ctl, s + ${DONE}, seen);
  Atomics.notify(ctl, s + ${DONE});
}
}`;

export class GemmThreads {
  /** Fresh for each set of workers, so a terminating old worker can never see a new product. */
  private control: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private workers: HelperWorker[] = [];
  private idleTimer: ReturnType<typeof setInterval> | null = null;
  private lastUsed = 0;
  private broken: string | null = null;
  private posted = 0;
  /** Products offered to helpers so far, and how many helper joins they got. */
  readonly stats = { posted: 0, joined: 0 };
  /** Whether the calling thread takes blocks itself (tests turn it off to make helpers do all). */
  callerComputes = true;

  /**
   * `helpers` worker threads at most (the caller's thread is one more); helper h
   * packs into `workspaces[h]`.
   */
  constructor(
    private readonly kernels: LoadedKernels,
    readonly helpers: number,
    private readonly workspaces: readonly number[] = [],
  ) {
    if (!kernels.shared || helperCapacity() === 0 || workspaces.length < helpers) this.helpers = 0;
  }

  /** How many helpers are ready to be offered a product (starting them if none run). */
  available(): number {
    if (this.helpers === 0 || this.broken) return 0;
    if (this.workers.length === 0) this.start();
    this.lastUsed = Date.now();
    let ready = 0;
    while (ready < this.workers.length && Atomics.load(this.control, HEADER + ready * SLOT + READY) === 1) {
      ready++;
    }
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

  /**
   * Computes every block, with the first `helpers` helpers (which must be available)
   * invited to help; `runHere` runs a block on this thread. `expectedSeconds` bounds
   * the wait for a helper that joined: one that takes far longer has died, and that
   * is reported instead of hanging.
   */
  run(
    blocks: readonly Block[],
    helpers: number,
    runHere: (block: Block) => void,
    expectedSeconds: number,
  ): void {
    if (blocks.length > MAX_BLOCKS)
      throw new Error(`wasm gemm: ${blocks.length} blocks exceed ${MAX_BLOCKS}`);
    const ctl = this.control;
    blocks.forEach((job, i) => {
      const j = TABLE + i * FIELDS;
      ctl[j] = job.kind === 'gemm' ? 0 : 1;
      for (let f = 0; f < ARGS; f++) ctl[j + 1 + f] = job.args[f];
    });
    ctl[COUNT] = blocks.length;
    Atomics.store(ctl, NEXT, 0);
    const seq = ++this.posted;
    for (let h = 0; h < helpers; h++) {
      const s = HEADER + h * SLOT;
      Atomics.store(ctl, s + GATE, seq);
      Atomics.store(ctl, s + POST, seq);
      Atomics.notify(ctl, s + POST);
    }
    this.stats.posted++;
    if (this.callerComputes) {
      for (let i = Atomics.add(ctl, NEXT, 1); i < blocks.length; i = Atomics.add(ctl, NEXT, 1))
        runHere(blocks[i]);
    }
    const timeoutMs = 10_000 + expectedSeconds * 100_000;
    for (let h = 0; h < helpers; h++) {
      const s = HEADER + h * SLOT;
      // A helper that has not joined yet is shut out; one that joined is waited for.
      if (this.callerComputes && Atomics.compareExchange(ctl, s + GATE, seq, 0) === seq) continue;
      this.stats.joined++;
      const until = performance.now() + SPIN_MS;
      while (Atomics.load(ctl, s + DONE) !== seq && performance.now() < until);
      const deadline = Date.now() + timeoutMs;
      while (Atomics.load(ctl, s + DONE) !== seq) {
        const left = deadline - Date.now();
        if (left <= 0) {
          this.broken = `worker thread ${h} did not finish its part of a matrix product within ${timeoutMs} ms`;
          throw new Error(`wasm gemm: ${this.broken}; helper threads are now disabled`);
        }
        Atomics.wait(ctl, s + DONE, Atomics.load(ctl, s + DONE), Math.min(left, 1000));
      }
    }
    this.lastUsed = Date.now();
  }

  private start(): void {
    this.control = new Int32Array(new SharedArrayBuffer((HEADER + this.helpers * SLOT) * 4));
    this.posted = 0;
    for (let slot = 0; slot < this.helpers; slot++) {
      this.control[HEADER + slot * SLOT + WORK] = this.workspaces[slot];
      const worker = startHelper(WORKER_SOURCE, {
        module: this.kernels.module,
        memory: this.kernels.memory,
        control: this.control.buffer,
        slot,
      });
      if (!worker) {
        this.broken = 'helper threads are unavailable here';
        break;
      }
      worker.onError((error) => {
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
    for (const worker of this.workers) worker.terminate();
    this.workers = [];
  }
}

/**
 * Helper threads to use besides the caller's: one fewer than the cores (Node.js:
 * `ZEN_WASM_THREADS − 1` when that variable is set; 1 keeps everything on one thread).
 */
export function defaultHelperCount(): number {
  return helperCapacity();
}
