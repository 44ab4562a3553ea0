/**
 * Measures training throughput (samples/s) of one contender with a time budget: a
 * warm-up, a short probe to estimate the rate, then full epochs over all samples when
 * they fit in the budget (median of up to three), or one partial epoch of as many
 * whole batches as fit (noted in the table) for slow contenders.
 */
import { Figure, value } from './results';
import { median, timeOnce } from './timing';

/** Trains one epoch over the first `samples` samples (a multiple of the batch size or all). */
export type EpochRunner = (samples: number) => Promise<void>;

export interface TrainingBudget {
  /** Samples available (one full epoch). */
  total: number;
  batchSize: number;
  /** Seconds to spend measuring (after warm-up and probe). */
  seconds: number;
}

export async function measureTraining(run: EpochRunner, budget: TrainingBudget): Promise<Figure> {
  const { total, batchSize, seconds } = budget;
  const probeSamples = Math.min(total, 2 * batchSize);
  await run(Math.min(total, batchSize)); // warm-up: first-call compilation, wasm tier-up
  const probe = await timeOnce(() => run(probeSamples));
  const rate = probeSamples / probe;
  if (total / rate <= seconds) {
    const repeats = Math.max(1, Math.min(3, Math.floor((seconds * rate) / total)));
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) times.push(await timeOnce(() => run(total)));
    return value(total / median(times));
  }
  const batches = Math.max(2, Math.floor((seconds * rate) / batchSize));
  const samples = Math.min(total, batches * batchSize);
  const time = await timeOnce(() => run(samples));
  return value(samples / time, `partial epoch: ${samples} of ${total} samples`);
}

/**
 * Runs `fn`; a missing-kernel error (TensorFlow.js: "Kernel 'X' not registered for
 * backend 'wasm'") means the contender cannot run this model, which is reported as
 * unsupported rather than zero. Any other error propagates.
 */
export async function unlessUnsupported(fn: () => Promise<Figure>): Promise<Figure> {
  try {
    return await fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!/not registered/i.test(message)) throw error;
    return { kind: 'unsupported', reason: message.split('\n')[0] };
  }
}
