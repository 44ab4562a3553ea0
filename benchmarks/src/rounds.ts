/**
 * Interleaved rounds. In each round Zen-TS is measured once, then PyTorch with one and with
 * two threads (each in its own process), then any other contender (TensorFlow.js), so a
 * change in the machine's speed hits all alike. Each contender's figure is its median over
 * the rounds; PyTorch's is the better of its one-thread and two-thread medians.
 */
import { type Figure, type Measurement, type RoundFigures, type TorchThreadRounds, value } from './results';
import { median } from './timing';
import type { TorchModel, TorchRunner } from './torch';

/** A contender measured once per round. */
export interface RoundContender {
  /** Its name in the progress log. */
  name: string;
  /** One measurement in round `round` (from 0); null when it sits this round out. */
  measure(round: number): Promise<Measurement | null>;
}

/** Thread counts PyTorch runs with, each in its own process. */
export const TORCH_THREADS: readonly number[] = [1, 2];

/** What PyTorch measures in each round: `model` for about `seconds` after its warm-up. */
export interface TorchPlan {
  runner: TorchRunner;
  model: TorchModel;
  seconds: number;
}

export interface TorchOutcome {
  /** The better of the per-thread-count medians. */
  figure: Figure;
  /** The highest peak RSS over the rounds of the thread count whose median was kept. */
  peakRssMiB: Figure;
  /** Each thread count's measurements (none when PyTorch could not run). */
  threads: TorchThreadRounds[];
}

export interface Interleaved {
  zen: Measurement[];
  /** The other contenders' measurements, in their order. */
  others: Measurement[][];
  /** Null when PyTorch is not compared (--no-torch). */
  torch: TorchOutcome | null;
}

export interface RoundsSetup {
  zen: RoundContender;
  /** PyTorch's part, or null to leave it out. */
  torch: TorchPlan | null;
  others?: readonly RoundContender[];
  rounds: number;
  /** Progress, one line per round. */
  log?(message: string): void;
}

/** Rounds of Zen-TS and PyTorch per model: three, two for a quick look. */
export function roundCount(quick: boolean): number {
  return quick ? 2 : 3;
}

/** What a result row records of the rounds: Zen-TS's and PyTorch's measurements. */
export function roundFigures(interleaved: Interleaved): RoundFigures {
  const torch = interleaved.torch?.threads;
  return torch && torch.length > 0 ? { zen: interleaved.zen, torch } : { zen: interleaved.zen };
}

/** The median rate of some measurements. */
export function medianRate(measurements: readonly Measurement[]): number {
  return median(measurements.map((m) => m.rate));
}

/** PyTorch with `threads` threads as a round contender; after a failed round it sits out. */
function torchContender(plan: TorchPlan, threads: number, failures: string[]): RoundContender {
  return {
    name: `PyTorch ${threadCount(threads)}`,
    measure: async () => {
      if (failures.length > 0) return null;
      try {
        return plan.runner.round(plan.model, threads, plan.seconds);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
        return null;
      }
    },
  };
}

const threadCount = (n: number) => (n === 1 ? '1 thread' : `${n} threads`);

/** E.g. "median with 1 thread (2 threads: 5,830)". */
function betterMedianNote(best: TorchThreadRounds, measured: readonly TorchThreadRounds[]): string {
  const others = measured
    .filter((t) => t !== best)
    .map((t) => `${threadCount(t.threads)}: ${Math.round(medianRate(t.rounds)).toLocaleString('en-US')}`);
  return `median with ${threadCount(best.threads)}` + (others.length ? ` (${others.join(', ')})` : '');
}

function torchOutcome(threads: TorchThreadRounds[], failures: readonly string[]): TorchOutcome {
  const measured = threads.filter((t) => t.rounds.length > 0);
  if (failures.length > 0 || measured.length === 0) {
    const skipped: Figure = { kind: 'skipped', reason: failures[0] ?? 'PyTorch gave no figure' };
    return { figure: skipped, peakRssMiB: skipped, threads };
  }
  const best = measured.reduce((a, b) => (medianRate(b.rounds) > medianRate(a.rounds) ? b : a));
  const peaks = best.rounds.flatMap((m) => (m.peakRssMiB === undefined ? [] : [m.peakRssMiB]));
  return {
    figure: value(medianRate(best.rounds), betterMedianNote(best, measured)),
    peakRssMiB:
      peaks.length > 0
        ? value(Math.max(...peaks))
        : { kind: 'skipped', reason: 'PyTorch reported no peak RSS' },
    threads,
  };
}

/** Runs the rounds of `setup`; every contender's measurements, and PyTorch's outcome. */
export async function interleave(setup: RoundsSetup): Promise<Interleaved> {
  const others = setup.others ?? [];
  const probe = setup.torch?.runner.probe();
  const failures: string[] = [];
  const torchContenders =
    setup.torch && probe && 'version' in probe
      ? TORCH_THREADS.map((threads) => torchContender(setup.torch!, threads, failures))
      : [];
  const contenders = [setup.zen, ...torchContenders, ...others];
  const measured: Measurement[][] = contenders.map(() => []);
  for (let round = 0; round < setup.rounds; round++) {
    const shown: string[] = [];
    for (let i = 0; i < contenders.length; i++) {
      const m = await contenders[i].measure(round);
      if (!m) continue;
      measured[i].push(m);
      shown.push(`${contenders[i].name} ${Math.round(m.rate)}`);
    }
    setup.log?.(`    round ${round + 1}/${setup.rounds}: ${shown.join(', ')}`);
  }
  const zen = measured[0];
  const torchMeasured = measured.slice(1, 1 + torchContenders.length);
  let torch: TorchOutcome | null = null;
  if (probe && 'skipped' in probe) {
    const skipped: Figure = { kind: 'skipped', reason: probe.skipped };
    torch = { figure: skipped, peakRssMiB: skipped, threads: [] };
  } else if (setup.torch) {
    const threads = TORCH_THREADS.map((t, i) => ({ threads: t, rounds: torchMeasured[i] }));
    torch = torchOutcome(threads, failures);
  }
  return { zen, others: measured.slice(1 + torchContenders.length), torch };
}
