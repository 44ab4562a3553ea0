/**
 * Measures training throughput (samples/s) with a time budget. Each contender first
 * warms up (first-call compilation, wasm tier-up) and runs a short probe that
 * estimates its rate; one that is fast enough then trains a quarter of an epoch more, as
 * PyTorch's contender does before each of its rounds (the JIT's optimised code for the
 * training loop comes after the first few hundred batches, not the first three). The rate
 * fixes its plan: full epochs over all samples when they fit
 * in the budget (one per round, up to the number of rounds), or one partial epoch of as
 * many whole batches as fit (noted in the table) for slow contenders. The timed runs are
 * then interleaved round by round with PyTorch's (rounds.ts): Zen-TS runs in every round.
 */
import { type Figure, type Measurement, value } from './results';
import { type Interleaved, type RoundContender, type TorchPlan, interleave, medianRate } from './rounds';
import { timeOnce, timeRepeated } from './timing';

/** Trains one epoch over the first `samples` samples (a multiple of the batch size or all). */
export type EpochRunner = (samples: number) => Promise<void>;

/** A contender's epoch runner, and what to do (untimed) before each of its runs. */
export interface Contestant {
  /** Its name in the progress log. */
  name: string;
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
  /** Interleaved rounds; Zen-TS and PyTorch are measured in each. */
  rounds: number;
  /**
   * Seconds a Zen-TS round lasts at least (whole epochs): as long as PyTorch's, so a brief
   * spike of machine load weighs on both alike.
   */
  zenRoundSeconds?: number;
}

interface Plan {
  samples: number;
  repeats: number;
  note?: string;
}

/** Longest warm-up (seconds at the probe's rate) a contender gets beyond the probe. */
const WARMUP_SECONDS = 1;

async function plan(run: EpochRunner, budget: TrainingBudget): Promise<Plan> {
  const { total, batchSize, seconds, rounds } = budget;
  const probeSamples = Math.min(total, 2 * batchSize);
  await run(Math.min(total, batchSize));
  let rate = probeSamples / (await timeOnce(() => run(probeSamples)));
  const quarter = Math.min(total, Math.max(batchSize, Math.round(total / 4 / batchSize) * batchSize));
  if (quarter / rate <= WARMUP_SECONDS) rate = quarter / (await timeOnce(() => run(quarter)));
  if (total / rate <= seconds) {
    return { samples: total, repeats: Math.max(1, Math.min(rounds, Math.floor((seconds * rate) / total))) };
  }
  const batches = Math.max(2, Math.floor((seconds * rate) / batchSize));
  const samples = Math.min(total, batches * batchSize);
  return { samples, repeats: 1, note: `partial epoch: ${samples} of ${total} samples` };
}

/**
 * A planned contestant timed once per round, in `repeats` rounds at most (none without a
 * plan); a round repeats its run until `minSeconds` have passed.
 */
function timedContender(
  c: Contestant | null,
  p: Plan | null,
  repeats: number,
  minSeconds = 0,
): RoundContender {
  return {
    name: c?.name ?? 'not run',
    measure: async (round) => {
      if (!c || !p || round >= repeats) return null;
      await c.activate?.();
      const times = await timeRepeated(() => c.run(p.samples), {
        warmup: 0,
        repeats: 1,
        minSeconds,
        maxRepeats: Infinity,
      });
      return { rate: (times.length * p.samples) / times.reduce((a, b) => a + b, 0) };
    },
  };
}

export interface TrainingSideBySide {
  zen: Figure;
  /** The other contestants' figures (null: not run, e.g. unsupported). */
  others: (Figure | null)[];
  /** Every measurement, round by round, and PyTorch's outcome (null without PyTorch). */
  rounds: Interleaved;
}

/**
 * Samples/s of Zen-TS and of each other runner (null: not run), measured after each has been
 * planned, in interleaved rounds with PyTorch (`torch`, null: not compared).
 */
export async function measureTrainingSideBySide(
  zen: Contestant,
  others: readonly (Contestant | null)[],
  budget: TrainingBudget,
  torch: TorchPlan | null,
  log?: (message: string) => void,
): Promise<TrainingSideBySide> {
  await zen.activate?.();
  const zenPlan = await plan(zen.run, budget);
  const plans: (Plan | null)[] = [];
  for (const c of others) {
    await c?.activate?.();
    plans.push(c ? await plan(c.run, budget) : null);
  }
  const rounds = await interleave({
    zen: timedContender(zen, zenPlan, budget.rounds, budget.zenRoundSeconds),
    torch,
    others: others.map((c, i) => timedContender(c, plans[i], plans[i]?.repeats ?? 0)),
    rounds: budget.rounds,
    log,
  });
  const figure = (p: Plan, m: Measurement[]) => value(medianRate(m), p.note);
  return {
    zen: figure(zenPlan, rounds.zen),
    others: plans.map((p, i) => (p ? figure(p, rounds.others[i]) : null)),
    rounds,
  };
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
