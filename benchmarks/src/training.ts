/**
 * Measures training throughput (samples/s) with a time budget. Each contender first
 * warms up (first-call compilation, wasm tier-up) and runs a short probe that
 * estimates its rate; that fixes its plan: full epochs over all samples when they fit
 * in the budget (up to three, median), or one partial epoch of as many whole batches as
 * fit (noted in the table) for slow contenders. The timed runs of all contenders are
 * then interleaved round by round, so a change in machine load hits them alike.
 */
import { type Figure, value } from './results';
import { median, timeOnce } from './timing';

/** Trains one epoch over the first `samples` samples (a multiple of the batch size or all). */
export type EpochRunner = (samples: number) => Promise<void>;

/** A contender's epoch runner, and what to do (untimed) before each of its runs. */
export interface Contestant {
  run: EpochRunner;
  /** E.g. switch TensorFlow.js to this contender's backend. */
  activate?(): Promise<void>;
}

export interface TrainingBudget {
  /** Samples available (one full epoch). */
  total: number;
  batchSize: number;
  /** Seconds to spend measuring each contender (after warm-up and probe). */
  seconds: number;
}

interface Plan {
  samples: number;
  repeats: number;
  note?: string;
}

async function plan(run: EpochRunner, budget: TrainingBudget): Promise<Plan> {
  const { total, batchSize, seconds } = budget;
  const probeSamples = Math.min(total, 2 * batchSize);
  await run(Math.min(total, batchSize));
  const rate = probeSamples / (await timeOnce(() => run(probeSamples)));
  if (total / rate <= seconds) {
    return { samples: total, repeats: Math.max(1, Math.min(3, Math.floor((seconds * rate) / total))) };
  }
  const batches = Math.max(2, Math.floor((seconds * rate) / batchSize));
  const samples = Math.min(total, batches * batchSize);
  return { samples, repeats: 1, note: `partial epoch: ${samples} of ${total} samples` };
}

/**
 * Samples/s of each runner (null: not run, e.g. unsupported), measured in interleaved
 * rounds after each has been planned.
 */
export async function measureTrainingSideBySide(
  contestants: readonly (Contestant | null)[],
  budget: TrainingBudget,
): Promise<(Figure | null)[]> {
  const plans: (Plan | null)[] = [];
  for (const c of contestants) {
    await c?.activate?.();
    plans.push(c ? await plan(c.run, budget) : null);
  }
  const times: number[][] = contestants.map(() => []);
  const rounds = Math.max(0, ...plans.map((p) => p?.repeats ?? 0));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contestants.length; i++) {
      const c = contestants[i];
      const p = plans[i];
      if (!c || !p || round >= p.repeats) continue;
      await c.activate?.();
      times[i].push(await timeOnce(() => c.run(p.samples)));
    }
  }
  return plans.map((p, i) => (p ? value(p.samples / median(times[i]), p.note) : null));
}

/**
 * Runs `fn`; a missing-kernel error (TensorFlow.js: "Kernel 'X' not registered for
 * backend 'wasm'") means the contender cannot run this model, which is reported as
 * unsupported rather than zero. Any other error propagates.
 */
export async function unlessUnsupported<T>(
  fn: () => Promise<T>,
): Promise<T | { kind: 'unsupported'; reason: string }> {
  try {
    return await fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!/not registered/i.test(message)) throw error;
    return { kind: 'unsupported', reason: message.split('\n')[0] };
  }
}
