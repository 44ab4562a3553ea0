/**
 * The helper-thread engine on its own: blocks calling any exported kernel (with or
 * without the running thread's workspace) compute the same as one call on the calling
 * thread, whoever runs them; bad blocks are refused by name; a kernel that traps in a
 * helper is reported, and the helpers keep working after it. Deferred jobs run their blocks
 * in order on one thread, on the helper while this thread goes on, and `settle` finishes
 * them all.
 */
import { WasmHeap } from '../src/wasm/heap';
import { type LoadedKernels, loadKernels } from '../src/wasm/runtime';
import {
  type Block,
  KernelThreads,
  MAX_ARGS,
  MAX_BLOCKS,
  MAX_DEFERRED,
  MAX_JOB_BLOCKS,
} from '../src/wasm/threads';
import { makeGenerator } from '@zen/autograd-core';

let kernels: LoadedKernels;
let heap: WasmHeap;
let threads: KernelThreads;

beforeAll(async () => {
  const loaded = loadKernels();
  if ('error' in loaded) throw new Error(loaded.error);
  kernels = loaded;
  heap = new WasmHeap(kernels, 2);
  threads = new KernelThreads(kernels, 1, heap.workspaces);
  expect(await threads.ready()).toBe(1);
});
afterAll(() => threads.stop());

function values(n: number, seed: string): Float32Array {
  const next = makeGenerator(seed);
  return Float32Array.from({ length: n }, () => 4 * next() - 2);
}

/** Runs `blocks` with the helper alone (the caller only waits) and checks it joined. */
function onHelper(blocks: readonly Block[]): void {
  const { joined } = threads.stats;
  threads.callerComputes = false;
  try {
    threads.run(blocks, 1, 0);
  } finally {
    threads.callerComputes = true;
  }
  expect(threads.stats.joined - joined).toBe(1);
}

test('GELU over bands of a vector, on the helper, equals one call on this thread', () => {
  const n = 1003;
  const [xPtr, outPtr, wantPtr] = heap.place([n, n, n])!;
  heap.f32.set(values(n, 'threads gelu'), xPtr >> 2);
  kernels.exports.geluForward(xPtr, wantPtr, n);
  const bands = [0, 250, 251, 700, n];
  const blocks = bands.slice(1).map((end, b): Block => ({
    kernel: 'geluForward',
    args: [xPtr + bands[b] * 4, outPtr + bands[b] * 4, end - bands[b]],
  }));
  onHelper(blocks);
  const memory = heap.f32;
  expect(memory.subarray(outPtr >> 2, (outPtr >> 2) + n)).toEqual(
    memory.subarray(wantPtr >> 2, (wantPtr >> 2) + n),
  );
});

test('a block that asks for a workspace gets its thread’s own (a gemm split by columns, both threads)', () => {
  const [m, n, k] = [37, 64, 50];
  const [aPtr, bPtr, cPtr, wantPtr] = heap.place([m * k, k * n, m * n, m * n])!;
  heap.f32.set(values(m * k, 'threads a'), aPtr >> 2);
  heap.f32.set(values(k * n, 'threads b'), bPtr >> 2);
  kernels.exports.gemm(0, 0, m, n, k, aPtr, k, bPtr, n, wantPtr, n, heap.workspaces[0]);
  const blocks = [0, 16, 40].map((start, i, starts): Block => ({
    kernel: 'gemm',
    args: [0, 0, m, (starts[i + 1] ?? n) - start, k, aPtr, k, bPtr + start * 4, n, cPtr + start * 4, n],
    workspace: true,
  }));
  onHelper(blocks);
  const memory = heap.f32;
  const got = memory.slice(cPtr >> 2, (cPtr >> 2) + m * n);
  expect(got).toEqual(memory.subarray(wantPtr >> 2, (wantPtr >> 2) + m * n));
  memory.fill(0, cPtr >> 2, (cPtr >> 2) + m * n);
  threads.parallel(blocks, 0); // however the two threads share them
  expect(memory.subarray(cPtr >> 2, (cPtr >> 2) + m * n)).toEqual(got);
});

test('one block, or no helper ready, runs on this thread without posting', () => {
  const [xPtr, outPtr] = heap.place([8, 8])!;
  const { posted } = threads.stats;
  threads.parallel([{ kernel: 'geluForward', args: [xPtr, outPtr, 8] }], 0);
  const alone = new KernelThreads(kernels, 0, heap.workspaces);
  expect(alone.available()).toBe(0);
  alone.parallel(
    [
      { kernel: 'geluForward', args: [xPtr, outPtr, 4] },
      { kernel: 'geluForward', args: [xPtr + 16, outPtr + 16, 4] },
    ],
    0,
  );
  expect(threads.stats.posted).toBe(posted);
});

test('a sleeping helper is woken only for work that asks for it', async () => {
  const [xPtr, outPtr] = heap.place([64, 64])!;
  const blocks: Block[] = [
    { kernel: 'geluForward', args: [xPtr, outPtr, 32] },
    { kernel: 'geluForward', args: [xPtr + 128, outPtr + 128, 32] },
  ];
  for (let i = 0; i < 200 && !threads.asleep(0); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(threads.asleep(0)).toBe(true);
  const { joined } = threads.stats;
  threads.parallel(blocks, 0, false);
  expect(threads.stats.joined).toBe(joined);
  expect(threads.asleep(0)).toBe(true);
  onHelper(blocks); // woken: it joins and does every block
});

test('bad blocks are refused with the kernel named', () => {
  expect(() => threads.run([{ kernel: 'nothing' as 'gemm', args: [] }], 1, 0)).toThrow(
    "wasm threads: no exported kernel 'nothing'",
  );
  const args = new Array(MAX_ARGS + 1).fill(0);
  expect(() => threads.run([{ kernel: 'gemm', args }], 1, 0)).toThrow(
    `wasm threads: kernel 'gemm' has ${MAX_ARGS + 1} arguments, more than ${MAX_ARGS}`,
  );
  const many = Array.from({ length: MAX_BLOCKS + 1 }, (): Block => ({
    kernel: 'geluForward',
    args: [0, 0, 0],
  }));
  expect(() => threads.run(many, 1, 0)).toThrow(
    `wasm threads: ${MAX_BLOCKS + 1} blocks exceed ${MAX_BLOCKS}`,
  );
});

test('a kernel that traps on the helper is reported, and the helper keeps working', () => {
  const outside = 0x7ffffff0; // beyond the memory's current length: the access traps
  expect(() => onHelper([{ kernel: 'geluForward', args: [outside, outside, 4] }])).toThrow(
    "wasm threads: kernel 'geluForward' failed on helper thread 1",
  );
  const [xPtr, outPtr] = heap.place([4, 4])!;
  heap.f32.set([0, 1, -1, 2], xPtr >> 2);
  onHelper([{ kernel: 'geluForward', args: [xPtr, outPtr, 4] }]);
  expect(heap.f32[(outPtr >> 2) + 1]).toBeCloseTo(0.8413, 4);
});

describe('deferred jobs', () => {
  interface Job {
    blocks: Block[];
    out: number;
    want: Float32Array;
  }

  /**
   * Jobs whose second block reads what their first wrote, out = gelu(A·B) with A [m, 40],
   * one job per entry of `rows`, in regions placed at once (so none overlaps another).
   */
  function productsThenGelu(rows: readonly number[], seed: string): Job[] {
    const [n, k] = [48, 40];
    const regions = heap.place(rows.flatMap((m) => [m * k, k * n, m * n, m * n]))!;
    return rows.map((m, i) => {
      const [aPtr, bPtr, cPtr, outPtr] = regions.slice(4 * i, 4 * i + 4);
      heap.f32.set(values(m * k, `${seed} a ${i}`), aPtr >> 2);
      heap.f32.set(values(k * n, `${seed} b ${i}`), bPtr >> 2);
      kernels.exports.gemm(0, 0, m, n, k, aPtr, k, bPtr, n, cPtr, n, heap.workspaces[0]);
      kernels.exports.geluForward(cPtr, outPtr, m * n);
      const want = heap.f32.slice(outPtr >> 2, (outPtr >> 2) + m * n);
      heap.f32.fill(NaN, cPtr >> 2, (cPtr >> 2) + m * n);
      heap.f32.fill(NaN, outPtr >> 2, (outPtr >> 2) + m * n);
      const blocks: Block[] = [
        { kernel: 'gemm', args: [0, 0, m, n, k, aPtr, k, bPtr, n, cPtr, n], workspace: true },
        { kernel: 'geluForward', args: [cPtr, outPtr, m * n] },
      ];
      return { blocks, out: outPtr, want };
    });
  }

  const expectDone = ({ out, want }: Job) =>
    expect(heap.f32.slice(out >> 2, (out >> 2) + want.length)).toEqual(want);

  test('run their blocks in order on the helper while this thread goes on; settle finishes them', async () => {
    const [job] = productsThenGelu([300], 'deferred');
    for (let i = 0; i < 200 && !threads.asleep(0); i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    threads.later(job.blocks); // wakes the sleeping helper
    // This thread does nothing else meanwhile: wait, without settling, until the helper is done.
    const until = Date.now() + 5000;
    while (threads.deferred() > 0 && Date.now() < until);
    expect(threads.deferred()).toBe(0);
    threads.settle();
    expectDone(job);
  });

  test('settle runs the jobs no helper has started on this thread, each in order', () => {
    const jobs = productsThenGelu([200, 207, 214, 221, 228], 'settle');
    for (const job of jobs) threads.later(job.blocks);
    threads.settle();
    expect(threads.deferred()).toBe(0);
    jobs.forEach(expectDone);
  });

  test('more jobs than the ring holds: the earlier ones are finished first, none is lost', () => {
    const jobs = productsThenGelu(
      Array.from({ length: MAX_DEFERRED + 5 }, (_, i) => 8 + i),
      'ring',
    );
    for (const job of jobs) {
      threads.later(job.blocks);
      expect(threads.deferred()).toBeLessThanOrEqual(MAX_DEFERRED);
    }
    threads.settle();
    jobs.forEach(expectDone);
  });

  test('with no helper ready a job runs at once', () => {
    const [job] = productsThenGelu([50], 'alone');
    const alone = new KernelThreads(kernels, 0, heap.workspaces);
    alone.later(job.blocks);
    expect(alone.deferred()).toBe(0);
    expectDone(job);
    alone.settle(); // nothing to do
  });

  test('a job that traps is reported by settle with its kernels named; later jobs still run', () => {
    const outside = 0x7ffffff0; // beyond the memory's current length: the access traps
    threads.later([{ kernel: 'geluForward', args: [outside, outside, 4] }]);
    // Finished (failed) on the helper before settle is called: settle still reports it.
    const until = Date.now() + 5000;
    while (threads.deferred() > 0 && Date.now() < until);
    expect(() => threads.settle()).toThrow('wasm threads: a deferred job (geluForward) failed');
    // Run by this thread in settle: reported too.
    threads.later([{ kernel: 'geluForward', args: [outside, outside, 4] }]);
    expect(() => threads.settle()).toThrow('wasm threads: a deferred job (geluForward) failed');
    const [job] = productsThenGelu([40], 'after a trap');
    threads.later(job.blocks);
    threads.settle();
    expectDone(job);
  });

  test('a job of too many blocks is refused', () => {
    const blocks = Array.from({ length: MAX_JOB_BLOCKS + 1 }, (): Block => ({
      kernel: 'geluForward',
      args: [0, 0, 0],
    }));
    expect(() => threads.later(blocks)).toThrow(
      `wasm threads: a deferred job of ${MAX_JOB_BLOCKS + 1} blocks exceeds ${MAX_JOB_BLOCKS}`,
    );
  });
});
