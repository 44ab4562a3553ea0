/**
 * PyTorch interleaved with Zen-TS: the order within each round, medians per contender, the
 * better of the thread counts, and the skipped paths, with a fake PyTorch runner (no Python).
 */
import type { Measurement } from '../src/results';
import { type RoundContender, TORCH_THREADS, interleave, medianRate, roundFigures } from '../src/rounds';
import {
  type TorchModel,
  type TorchProbe,
  type TorchRunner,
  pythonTorchRunner,
  torchEnvironment,
} from '../src/torch';
import { measureTrainingSideBySide } from '../src/training';

/** A fake runner: rates[threads][round], in call order, recorded in `calls`. */
function fakeRunner(
  calls: string[],
  rates: Record<number, number[]>,
  peaks: Record<number, number[]> = {},
  probe: TorchProbe = { version: '9.9' },
): TorchRunner & { asked: [TorchModel, number, number][] } {
  const done: Record<number, number> = {};
  const asked: [TorchModel, number, number][] = [];
  return {
    asked,
    probe: () => probe,
    round(model, threads, seconds) {
      asked.push([model, threads, seconds]);
      calls.push(`torch ${threads}`);
      const round = (done[threads] = (done[threads] ?? -1) + 1);
      return { rate: rates[threads][round], peakRssMiB: peaks[threads]?.[round] };
    },
  };
}

function fakeContender(
  name: string,
  calls: string[],
  rates: number[],
  rounds = rates.length,
): RoundContender {
  return {
    name,
    measure: async (round): Promise<Measurement | null> => {
      if (round >= rounds) return null;
      calls.push(name);
      return { rate: rates[round] };
    },
  };
}

test('each round measures Zen-TS, then PyTorch with 1 and 2 threads, then the others', async () => {
  const calls: string[] = [];
  const runner = fakeRunner(calls, { 1: [1, 1, 1], 2: [1, 1, 1] });
  const logged: string[] = [];
  await interleave({
    zen: fakeContender('zen', calls, [1, 1, 1]),
    torch: { runner, model: 'cnn', seconds: 2 },
    others: [fakeContender('tfjs-cpu', calls, [1], 1), fakeContender('tfjs-wasm', calls, [1, 1, 1])],
    rounds: 3,
    log: (m) => logged.push(m),
  });
  expect(TORCH_THREADS).toEqual([1, 2]);
  expect(calls).toEqual([
    ...['zen', 'torch 1', 'torch 2', 'tfjs-cpu', 'tfjs-wasm'],
    ...['zen', 'torch 1', 'torch 2', 'tfjs-wasm'],
    ...['zen', 'torch 1', 'torch 2', 'tfjs-wasm'],
  ]);
  expect(runner.asked[0]).toEqual(['cnn', 1, 2]);
  expect(logged).toHaveLength(3);
  expect(logged[0]).toMatch(/round 1\/3: zen 1, PyTorch 1 thread 1, PyTorch 2 threads 1, tfjs-cpu 1/);
});

test("each contender's figure is its median; PyTorch's is the better of its thread counts' medians", async () => {
  const calls: string[] = [];
  // One thread: median 20 (its best round, 30, must not win); two threads: median 25.
  const runner = fakeRunner(
    calls,
    { 1: [10, 30, 20], 2: [25, 5, 26] },
    { 1: [400, 400, 400], 2: [300, 310, 305] },
  );
  const result = await interleave({
    zen: fakeContender('zen', calls, [3, 1, 2]),
    torch: { runner, model: 'gpt', seconds: 6 },
    others: [fakeContender('tfjs-wasm', calls, [7, 9, 8])],
    rounds: 3,
  });
  expect(medianRate(result.zen)).toBe(2);
  expect(medianRate(result.others[0])).toBe(8);
  expect(result.torch!.figure).toEqual({
    kind: 'value',
    value: 25,
    note: 'median with 2 threads (1 thread: 20)',
  });
  // Peak RSS: the highest over the rounds of the thread count that gave the figure.
  expect(result.torch!.peakRssMiB).toEqual({ kind: 'value', value: 310 });
  const recorded = roundFigures(result);
  expect(recorded.zen.map((m) => m.rate)).toEqual([3, 1, 2]);
  expect(recorded.torch!.map((t) => [t.threads, t.rounds.map((m) => m.rate)])).toEqual([
    [1, [10, 30, 20]],
    [2, [25, 5, 26]],
  ]);
});

test('PyTorch not installed: its figures are skipped with the reason, and Zen-TS is measured alone', async () => {
  const calls: string[] = [];
  const runner = fakeRunner(calls, {}, {}, { skipped: 'PyTorch not installed for /usr/bin/python3' });
  const result = await interleave({
    zen: fakeContender('zen', calls, [5, 6]),
    torch: { runner, model: 'mlp', seconds: 1 },
    rounds: 2,
  });
  expect(calls).toEqual(['zen', 'zen']);
  const skipped = { kind: 'skipped', reason: 'PyTorch not installed for /usr/bin/python3' };
  expect(result.torch).toEqual({ figure: skipped, peakRssMiB: skipped, threads: [] });
  expect(roundFigures(result)).toEqual({ zen: [{ rate: 5 }, { rate: 6 }] });
});

test('a failed PyTorch round makes its figure skipped with the error, and PyTorch sits out the rest', async () => {
  const calls: string[] = [];
  const runner = fakeRunner(calls, { 1: [10, 10], 2: [20, 20] });
  let rounds = 0;
  const failing: TorchRunner = {
    probe: runner.probe,
    round(model, threads, seconds) {
      if (threads === 2 && ++rounds === 1) throw new Error('PyTorch run failed (rnn, 2 threads): killed');
      return runner.round(model, threads, seconds);
    },
  };
  const result = await interleave({
    zen: fakeContender('zen', calls, [1, 2]),
    torch: { runner: failing, model: 'rnn', seconds: 1 },
    rounds: 2,
  });
  expect(calls).toEqual(['zen', 'torch 1', 'zen']);
  expect(result.torch!.figure).toEqual({
    kind: 'skipped',
    reason: 'PyTorch run failed (rnn, 2 threads): killed',
  });
});

test('without PyTorch (--no-torch) only the others are measured and there is no PyTorch outcome', async () => {
  const calls: string[] = [];
  const result = await interleave({ zen: fakeContender('zen', calls, [1, 2, 3]), torch: null, rounds: 3 });
  expect(calls).toEqual(['zen', 'zen', 'zen']);
  expect(result.torch).toBeNull();
});

test('training: Zen-TS runs in every round, PyTorch right after it, a slow contender in the first round only', async () => {
  const calls: string[] = [];
  const contestant = (name: string, slowSeconds = 0) => ({
    name,
    run: async (samples: number) => {
      // A slow contender reports a rate far below the budget (through the clock it reads).
      if (slowSeconds > 0) await new Promise((resolve) => setTimeout(resolve, slowSeconds * 1000));
      calls.push(`${name} ${samples}`);
    },
  });
  const runner = fakeRunner(calls, { 1: [100, 100, 100], 2: [300, 200, 250] });
  const measured = await measureTrainingSideBySide(
    contestant('zen'),
    [contestant('slow', 0.05), null],
    { total: 64, batchSize: 8, seconds: 0.1, rounds: 3 },
    { runner, model: 'mlp', seconds: 2 },
  );
  // Each contender's warm-up, probe and quarter-epoch warm-up (the slow one's takes 0.05 s) come first.
  expect(calls.slice(0, 6)).toEqual(['zen 8', 'zen 16', 'zen 16', 'slow 8', 'slow 16', 'slow 16']);
  const timed = calls.slice(6);
  expect(timed[0]).toBe('zen 64');
  expect(timed.slice(1, 3)).toEqual(['torch 1', 'torch 2']);
  expect(timed[3]).toMatch(/^slow (16|24|32|40|48|56|64)$/);
  expect(timed.slice(4)).toEqual(['zen 64', 'torch 1', 'torch 2', 'zen 64', 'torch 1', 'torch 2']);
  expect(measured.rounds.zen).toHaveLength(3);
  expect(measured.rounds.torch!.figure).toMatchObject({ kind: 'value', value: 250 });
  expect(measured.others[1]).toBeNull();
  expect(measured.others[0]).toMatchObject({ kind: 'value', note: expect.stringMatching(/partial epoch/) });
});

test('training: a Zen-TS round repeats whole epochs until it has lasted zenRoundSeconds', async () => {
  const calls: string[] = [];
  const zen = {
    name: 'zen',
    run: async (samples: number) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      calls.push(`zen ${samples}`);
    },
  };
  const runner = fakeRunner(calls, { 1: [100, 100], 2: [100, 100] });
  await measureTrainingSideBySide(
    zen,
    [],
    { total: 16, batchSize: 8, seconds: 10, rounds: 2, zenRoundSeconds: 0.1 },
    { runner, model: 'mlp', seconds: 2 },
  );
  const timed = calls.slice(3); // after the warm-up, the probe and a quarter of an epoch (8 of 16)
  expect(calls.slice(0, 3)).toEqual(['zen 8', 'zen 16', 'zen 8']);
  const firstRound = timed.slice(0, timed.indexOf('torch 1'));
  // At least 0.1 s of 10 ms epochs: several whole epochs, not one.
  expect(firstRound.length).toBeGreaterThanOrEqual(5);
  expect(firstRound.every((c) => c === 'zen 16')).toBe(true);
});

test('the Python runner: a missing interpreter means "not installed"; OpenBLAS gets the thread count, malloc fixed settings', () => {
  expect(pythonTorchRunner('/nonexistent/python3').probe()).toEqual({
    skipped: 'PyTorch not installed for /nonexistent/python3',
  });
  const saved = process.env.ZEN_BENCH_PYTHON;
  process.env.ZEN_BENCH_PYTHON = '/nonexistent/bench-python';
  try {
    expect(pythonTorchRunner().probe()).toEqual({
      skipped: 'PyTorch not installed for /nonexistent/bench-python',
    });
  } finally {
    if (saved === undefined) delete process.env.ZEN_BENCH_PYTHON;
    else process.env.ZEN_BENCH_PYTHON = saved;
  }
  const env = torchEnvironment(2, { OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '1', PATH: '/bin' });
  expect(env).toEqual({
    PATH: '/bin',
    OPENBLAS_NUM_THREADS: '2',
    OMP_NUM_THREADS: '2',
    // malloc keeps blocks under 32 MiB on its heap (PyTorch at its best speed).
    MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
    MALLOC_TRIM_THRESHOLD_: String(64 * 1024 * 1024),
  });
});
