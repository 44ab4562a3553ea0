/**
 * Helper threads for the wasm kernels (worker_threads under Node.js, Web Workers in
 * cross-origin-isolated browser workers: see helper-workers.ts). Each worker
 * instantiates the same compiled kernels on the same shared memory and sleeps on a
 * slot of a shared control block.
 *
 * Work is posted as a few blocks, each a call of one exported kernel on data already in
 * wasm memory (a band of a gemm, the convolution of some images, ...), listed in the
 * control block. The calling thread opens each helper's gate, wakes it if it sleeps (only
 * for work long enough to be worth a wake-up), and starts taking blocks from a shared counter; a helper that wakes while the gate is still
 * open joins and takes blocks too. When the counter runs out, the caller closes the
 * gates of helpers that never joined (they were busy elsewhere: on a loaded machine
 * the work simply runs on one thread) and waits only for those that did. Which thread
 * runs a block never changes what it computes. Workers start on first need, never keep
 * the process alive (unref), and stop after a few idle seconds. Where helper threads
 * cannot run, everything stays on the calling thread.
 */
import type { KernelExports, LoadedKernels } from './runtime';
import { type HelperWorker, helperCapacity, startHelper } from './helper-workers';

/**
 * A block of work on data already in wasm memory: a call of the exported `kernel` with
 * `args`, which must be 32-bit integers (byte addresses, sizes, booleans as 0/1; pass
 * floats through memory). With `workspace`, the thread that runs it appends its own
 * workspace (gemmWorkspaceBytes() bytes: the gemm's packing area) as the last argument.
 * Any other scratch a block writes must be its own region: blocks run in any order, on
 * any thread.
 */
export interface Block {
  kernel: keyof KernelExports;
  args: readonly number[];
  workspace?: boolean;
}

/** Most blocks one piece of work is cut into. */
export const MAX_BLOCKS = 16;
/** Most arguments of a block (besides the appended workspace). */
export const MAX_ARGS = 15;
const FIELDS = 3 + MAX_ARGS; // kernel index, argument count, workspace flag, then the arguments

/** Most deferred jobs waiting at once (`later`); one more first finishes them all. */
export const MAX_DEFERRED = 32;
/** Most blocks of one deferred job (a deep product's parts and the sum of their partial results). */
export const MAX_JOB_BLOCKS = 9;
const JOB_WORDS = 1 + MAX_JOB_BLOCKS * FIELDS; // block count, then the blocks

// Control block (Int32 words): the shared block list, the deferred jobs' ring, then one
// slot per helper.
const NEXT = 0; // next block to take
const COUNT = 1; // blocks in this piece of work
const TABLE = 2; // MAX_BLOCKS × FIELDS words
const DEFERRED_POSTED = TABLE + MAX_BLOCKS * FIELDS; // deferred jobs posted so far
const DEFERRED_NEXT = DEFERRED_POSTED + 1; // next deferred job to take
const DEFERRED_FINISHED = DEFERRED_POSTED + 2; // deferred jobs finished so far
const DEFERRED_FAILED = DEFERRED_POSTED + 3; // 1 + the first deferred job that threw, else 0
const RING = DEFERRED_POSTED + 4; // MAX_DEFERRED × JOB_WORDS words
const HEADER = RING + MAX_DEFERRED * JOB_WORDS;
const POST = 0; // work number posted to this helper
const GATE = 1; // = work number while open; −number once the helper joined; 0 when closed
const DONE = 2; // work number the helper finished last
const READY = 3; // 1 once the worker has instantiated the kernels
const WORK = 4; // the helper's workspace
const FAILED = 5; // 1 + the block whose kernel threw in the helper's last work, else 0
const ASLEEP = 6; // 1 while the helper sleeps in Atomics.wait (0 while it polls or works)
const SLOT = 8;

/**
 * How long a helper polls for news before it sleeps (milliseconds). The passes after a
 * shared product (bias, residual adds, partial sums) go to helpers still polling, and a
 * training step posts products a few hundred microseconds apart. Char-GPT training, 12
 * alternated runs against 0.1 ms: 9 faster, 5 % on average.
 */
const SPIN_MS = 1;

/**
 * How long the calling thread polls for a helper that joined before it sleeps
 * (milliseconds). The helper is working on its last block and the caller has nothing else
 * to do, while being woken from Atomics.wait costs far more on a virtual machine. Measured
 * on a quiet 2-core VM, char-GPT training (100 steps): about 3,850–4,060 tokens/s polling
 * 0.1 ms, 4,150–4,550 polling 2 ms, 4,300–5,340 polling 3–20 ms.
 */
const CALLER_SPIN_MS = 5;

/** Stop idle workers after this long, so short-lived programs and tests hold no threads. */
const IDLE_MS = 5000;

// Runs in each worker: sleep until work is posted, join it if still open, take blocks;
// between pieces of work, take deferred jobs (unless new work is posted meanwhile) and run
// each job's blocks in order.
const WORKER_SOURCE = `({ module, memory, control, slot, names }) => {
const exported = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = names.map((name) => exported[name]);
const ctl = new Int32Array(control);
const s = ${HEADER} + slot * ${SLOT};
const work = ctl[s + ${WORK}];
Atomics.store(ctl, s + ${READY}, 1);
const call = (j) => {
  const args = [];
  for (let a = 0; a < ctl[j + 1]; a++) args.push(ctl[j + 3 + a]);
  if (ctl[j + 2] === 1) args.push(work);
  kernels[ctl[j]](...args);
};
let seen = Atomics.load(ctl, s + ${POST});
for (;;) {
  // Work often comes in bursts: poll briefly before sleeping, as waking costs more.
  const until = performance.now() + ${SPIN_MS};
  while (Atomics.load(ctl, s + ${POST}) === seen && performance.now() < until);
  // Atomics.wait returns at once if work was posted since: a caller that saw ASLEEP = 0 and
  // did not notify cannot be missed.
  Atomics.store(ctl, s + ${ASLEEP}, 1);
  Atomics.wait(ctl, s + ${POST}, seen);
  Atomics.store(ctl, s + ${ASLEEP}, 0);
  seen = Atomics.load(ctl, s + ${POST});
  if (Atomics.compareExchange(ctl, s + ${GATE}, seen, -seen) === seen) {
    ctl[s + ${FAILED}] = 0;
    for (;;) {
      const i = Atomics.add(ctl, ${NEXT}, 1);
      if (i >= ctl[${COUNT}]) break;
      try {
        call(${TABLE} + i * ${FIELDS});
      } catch {
        ctl[s + ${FAILED}] = i + 1;
      }
    }
    Atomics.store(ctl, s + ${DONE}, seen);
    Atomics.notify(ctl, s + ${DONE});
  }
  while (Atomics.load(ctl, s + ${POST}) === seen) {
    const i = Atomics.load(ctl, ${DEFERRED_NEXT});
    if (i >= Atomics.load(ctl, ${DEFERRED_POSTED})) break;
    if (Atomics.compareExchange(ctl, ${DEFERRED_NEXT}, i, i + 1) !== i) continue;
    const job = ${RING} + (i % ${MAX_DEFERRED}) * ${JOB_WORDS};
    try {
      for (let b = 0; b < ctl[job]; b++) call(job + 1 + b * ${FIELDS});
    } catch {
      Atomics.compareExchange(ctl, ${DEFERRED_FAILED}, 0, i + 1);
    }
    Atomics.add(ctl, ${DEFERRED_FINISHED}, 1);
    Atomics.notify(ctl, ${DEFERRED_FINISHED});
  }
}
}`;

export class KernelThreads {
  /** Fresh for each set of workers, so a terminating old worker can never see new work. */
  private control: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private workers: HelperWorker[] = [];
  private idleTimer: ReturnType<typeof setInterval> | null = null;
  private lastUsed = 0;
  private broken: string | null = null;
  private posted = 0;
  /** Exported functions by name, and their index in the table workers share. */
  private readonly names: string[];
  private readonly index: Map<string, number>;
  /** Pieces of work offered to helpers so far, and how many helper joins they got. */
  readonly stats = { posted: 0, joined: 0 };
  /** Whether the calling thread takes blocks itself (tests turn it off to make helpers do all). */
  callerComputes = true;

  /**
   * `helpers` worker threads at most besides the calling thread; thread t (0 the
   * caller, 1.. the helpers) appends `workspaces[t]` to blocks that ask for one.
   */
  constructor(
    private readonly kernels: LoadedKernels,
    readonly helpers: number,
    private readonly workspaces: readonly number[],
  ) {
    if (!kernels.shared || helperCapacity() === 0 || workspaces.length < 1 + helpers) this.helpers = 0;
    const table = kernels.exports as unknown as Record<string, unknown>;
    this.names = Object.keys(table).filter((name) => typeof table[name] === 'function');
    this.index = new Map(this.names.map((name, i) => [name, i]));
  }

  /** How many helpers are ready to be offered work (starting them if none run). */
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

  /** Whether helper `h` (from 0) sleeps, waiting to be woken (it no longer polls for work). */
  asleep(h: number): boolean {
    return this.workers.length > h && Atomics.load(this.control, HEADER + h * SLOT + ASLEEP) === 1;
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

  /** Runs one block on the calling thread (with the caller's workspace). */
  runHere(block: Block): void {
    const kernel = this.kernels.exports[block.kernel] as (...args: number[]) => void;
    if (block.workspace) kernel(...block.args, this.workspaces[0]);
    else kernel(...block.args);
  }

  /**
   * Computes every block, offering them to as many ready helpers as could help (none
   * for a single block); `expectedSeconds` (the work on one thread) bounds the wait for
   * a helper that joined. Without `wake`, only helpers still polling after earlier work
   * can join: for short work, waking a sleeping thread costs the caller more than the
   * helper would save.
   */
  parallel(blocks: readonly Block[], expectedSeconds: number, wake = true): void {
    const helpers = blocks.length > 1 ? Math.min(this.available(), blocks.length - 1) : 0;
    if (helpers === 0) for (const block of blocks) this.runHere(block);
    else this.run(blocks, helpers, expectedSeconds, wake);
  }

  /**
   * Computes every block, with the first `helpers` helpers (which must be available)
   * invited to help (sleeping ones woken only with `wake`). `expectedSeconds` bounds the
   * wait for a helper that joined: one that takes far longer has died, and that is
   * reported instead of hanging.
   */
  run(blocks: readonly Block[], helpers: number, expectedSeconds: number, wake = true): void {
    if (blocks.length > MAX_BLOCKS)
      throw new Error(`wasm threads: ${blocks.length} blocks exceed ${MAX_BLOCKS}`);
    const ctl = this.control;
    blocks.forEach((block, i) => this.write(block, TABLE + i * FIELDS));
    ctl[COUNT] = blocks.length;
    Atomics.store(ctl, NEXT, 0);
    const seq = ++this.posted;
    for (let h = 0; h < helpers; h++) {
      const s = HEADER + h * SLOT;
      Atomics.store(ctl, s + GATE, seq);
      Atomics.store(ctl, s + POST, seq);
      // Waking a sleeper is a system call (and may hand it this core): only when asked.
      // A caller that does not compute must wake them.
      const rouse = wake || !this.callerComputes;
      if (rouse && Atomics.load(ctl, s + ASLEEP) === 1) Atomics.notify(ctl, s + POST);
    }
    this.stats.posted++;
    let failure: unknown = null;
    if (this.callerComputes) {
      for (let i = Atomics.add(ctl, NEXT, 1); i < blocks.length; i = Atomics.add(ctl, NEXT, 1)) {
        try {
          this.runHere(blocks[i]);
        } catch (error) {
          failure ??= error; // still wait for the helpers before reporting it
        }
      }
    }
    const timeoutMs = 10_000 + expectedSeconds * 100_000;
    for (let h = 0; h < helpers; h++) {
      const s = HEADER + h * SLOT;
      // A helper that has not joined yet is shut out; one that joined is waited for.
      if (this.callerComputes && Atomics.compareExchange(ctl, s + GATE, seq, 0) === seq) continue;
      this.stats.joined++;
      this.await(h, seq, timeoutMs);
      const failed = ctl[s + FAILED];
      if (failed > 0) {
        failure ??= new Error(
          `wasm threads: kernel '${blocks[failed - 1].kernel}' failed on helper thread ${h + 1}`,
        );
      }
    }
    this.lastUsed = Date.now();
    if (failure) throw failure;
  }

  /** Lists `block` in the control block at word `j` (kernel index, argument count, workspace flag, arguments). */
  private write(block: Block, j: number): void {
    const kernel = this.index.get(block.kernel);
    if (kernel === undefined) throw new Error(`wasm threads: no exported kernel '${block.kernel}'`);
    if (block.args.length > MAX_ARGS) {
      throw new Error(
        `wasm threads: kernel '${block.kernel}' has ${block.args.length} arguments, more than ${MAX_ARGS}`,
      );
    }
    const ctl = this.control;
    ctl[j] = kernel;
    ctl[j + 1] = block.args.length;
    ctl[j + 2] = block.workspace ? 1 : 0;
    for (let a = 0; a < block.args.length; a++) ctl[j + 3 + a] = block.args[a];
  }

  /**
   * Runs `blocks` later, in order, all on one thread: a helper that is free (between other
   * work), or this thread now when no helper is ready. What they read must stay unchanged,
   * and what they write unread, until `settle()`: the caller goes on with other work.
   */
  later(blocks: readonly Block[]): void {
    if (blocks.length > MAX_JOB_BLOCKS) {
      throw new Error(`wasm threads: a deferred job of ${blocks.length} blocks exceeds ${MAX_JOB_BLOCKS}`);
    }
    if (this.available() === 0) {
      for (const block of blocks) this.runHere(block);
      return;
    }
    const ctl = this.control;
    const posted = ctl[DEFERRED_POSTED];
    if (posted - Atomics.load(ctl, DEFERRED_FINISHED) >= MAX_DEFERRED) this.settle();
    const job = RING + (posted % MAX_DEFERRED) * JOB_WORDS;
    blocks.forEach((block, b) => this.write(block, job + 1 + b * FIELDS));
    ctl[job] = blocks.length;
    Atomics.store(ctl, DEFERRED_POSTED, posted + 1); // after the job's words: a helper reads them after this
    // Ring every helper (no gate opens: they take deferred jobs when free).
    const seq = ++this.posted;
    for (let h = 0; h < this.workers.length; h++) {
      const s = HEADER + h * SLOT;
      Atomics.store(ctl, s + POST, seq);
      if (Atomics.load(ctl, s + ASLEEP) === 1) Atomics.notify(ctl, s + POST);
    }
    this.lastUsed = Date.now();
  }

  /** Deferred jobs not finished yet. */
  deferred(): number {
    if (this.control.length === 0) return 0;
    return Atomics.load(this.control, DEFERRED_POSTED) - Atomics.load(this.control, DEFERRED_FINISHED);
  }

  /**
   * Finishes every deferred job: the calling thread takes those no helper has started,
   * then waits for the rest. Throws if one of them failed.
   */
  settle(): void {
    const ctl = this.control;
    if (ctl.length === 0) return;
    // A job that failed may have finished (on a helper) before this call: look in any case.
    if (this.deferred() > 0) this.finishDeferred();
    const failed = Atomics.exchange(ctl, DEFERRED_FAILED, 0);
    if (failed > 0) {
      const job = RING + ((failed - 1) % MAX_DEFERRED) * JOB_WORDS;
      const kernels = Array.from({ length: ctl[job] }, (_, b) => this.names[ctl[job + 1 + b * FIELDS]]);
      throw new Error(`wasm threads: a deferred job (${kernels.join(', ')}) failed`);
    }
  }

  /** Runs the deferred jobs no helper has started, then waits for the others. */
  private finishDeferred(): void {
    const ctl = this.control;
    const posted = ctl[DEFERRED_POSTED];
    for (let i = Atomics.load(ctl, DEFERRED_NEXT); i < posted; i = Atomics.load(ctl, DEFERRED_NEXT)) {
      if (Atomics.compareExchange(ctl, DEFERRED_NEXT, i, i + 1) !== i) continue;
      const job = RING + (i % MAX_DEFERRED) * JOB_WORDS;
      try {
        for (let b = 0; b < ctl[job]; b++) this.runHere(this.read(job + 1 + b * FIELDS));
      } catch {
        Atomics.compareExchange(ctl, DEFERRED_FAILED, 0, i + 1);
      }
      Atomics.add(ctl, DEFERRED_FINISHED, 1);
    }
    const until = performance.now() + CALLER_SPIN_MS;
    while (Atomics.load(ctl, DEFERRED_FINISHED) !== posted && performance.now() < until);
    // A job a helper has not finished within this has died with it (a job is one product).
    const timeoutMs = 10_000 * (posted - Atomics.load(ctl, DEFERRED_FINISHED) + 1);
    const deadline = Date.now() + timeoutMs;
    for (
      let done = Atomics.load(ctl, DEFERRED_FINISHED);
      done !== posted;
      done = Atomics.load(ctl, DEFERRED_FINISHED)
    ) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.broken = `a helper thread did not finish its deferred work within ${timeoutMs} ms`;
        throw new Error(`wasm threads: ${this.broken}; helper threads are now disabled`);
      }
      Atomics.wait(ctl, DEFERRED_FINISHED, done, Math.min(left, 1000));
    }
    this.lastUsed = Date.now();
  }

  /** The block listed at word `j` (the inverse of `write`). */
  private read(j: number): Block {
    const ctl = this.control;
    return {
      kernel: this.names[ctl[j]] as keyof KernelExports,
      args: Array.from(ctl.subarray(j + 3, j + 3 + ctl[j + 1])),
      workspace: ctl[j + 2] === 1,
    };
  }

  /** Waits until helper `h` has finished work number `seq`. */
  private await(h: number, seq: number, timeoutMs: number): void {
    const ctl = this.control;
    const s = HEADER + h * SLOT;
    const until = performance.now() + CALLER_SPIN_MS;
    while (Atomics.load(ctl, s + DONE) !== seq && performance.now() < until);
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(ctl, s + DONE) !== seq) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.broken = `worker thread ${h + 1} did not finish its part of the work within ${timeoutMs} ms`;
        throw new Error(`wasm threads: ${this.broken}; helper threads are now disabled`);
      }
      Atomics.wait(ctl, s + DONE, Atomics.load(ctl, s + DONE), Math.min(left, 1000));
    }
  }

  private start(): void {
    this.control = new Int32Array(new SharedArrayBuffer((HEADER + this.helpers * SLOT) * 4));
    this.posted = 0;
    for (let slot = 0; slot < this.helpers; slot++) {
      this.control[HEADER + slot * SLOT + WORK] = this.workspaces[1 + slot];
      const worker = startHelper(WORKER_SOURCE, {
        module: this.kernels.module,
        memory: this.kernels.memory,
        control: this.control.buffer,
        slot,
        names: this.names,
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
      if (Date.now() - this.lastUsed > IDLE_MS && this.deferred() === 0) this.stop();
    }, IDLE_MS);
    this.idleTimer.unref?.();
  }

  /** Terminates the helpers (they restart on the next work large enough to share). */
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
