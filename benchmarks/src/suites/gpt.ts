/**
 * Transformer training: the benchmark's char-level GPT (gpt-models.ts) trained by each
 * contender in its own process (gpt-child.ts), so each peak RSS is the contender's own:
 * tokens/s and peak RSS. Zen-TS and PyTorch (optional, benchmarks/torch/contender.py with one
 * and two threads) run in interleaved rounds, a fresh process each round: tokens/s is the
 * median over rounds, peak RSS the highest over the rounds (PyTorch: of the thread count whose
 * median was kept). TensorFlow.js's backends run once each, afterwards.
 */
import * as path from 'path';
import type { GptReport } from '../gpt-child';
import { type Contender, type Figure, type ResultRow, value } from '../results';
import { type RoundContender, interleave, medianRate, roundCount, roundFigures } from '../rounds';
import { runNodeChild } from '../node-child';
import type { SuiteOptions } from './suite';

/** A contender slower than this (warm-up and timed steps) is stopped and reported as skipped. */
const LIMIT_SECONDS = 120;

function runChild(contender: Contender, seconds: number): GptReport | string {
  const child = path.join(__dirname, '..', 'gpt-child.js');
  const result = runNodeChild(child, [contender, String(seconds)], { timeoutSeconds: LIMIT_SECONDS });
  if (result.signal) return `stopped after ${LIMIT_SECONDS} s (too slow for this benchmark's budget)`;
  if (result.status !== 0) return (result.stderr || result.error?.message || `exit ${result.status}`).trim();
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as GptReport;
}

/** Why a child gave no figure: a missing kernel (TensorFlow.js: "not registered") is a limit of that contender. */
function failure(report: string): Figure {
  const reason = report.split('\n').pop()!;
  return { kind: /not registered/i.test(report) ? 'unsupported' : 'skipped', reason };
}

/** Zen-TS's GPT child as a round contender; after a failed round it sits out. */
function zenRounds(seconds: number, failures: string[]): RoundContender {
  return {
    name: 'Zen-TS',
    measure: async () => {
      if (failures.length > 0) return null;
      const report = runChild('zen', seconds);
      if (typeof report === 'string') {
        failures.push(report);
        return null;
      }
      return { rate: report.tokensPerSecond, peakRssMiB: report.peakRssMiB };
    },
  };
}

export async function runGpt(options: SuiteOptions): Promise<ResultRow[]> {
  const roundSeconds = options.quick ? 3 : 6;
  const tfjsSeconds = options.quick ? 5 : 20;
  const speed = {} as Record<Contender, Figure>;
  const rss = {} as Record<Contender, Figure>;
  const zenFailures: string[] = [];
  const rounds = await interleave({
    zen: zenRounds(roundSeconds, zenFailures),
    torch: options.torch && { runner: options.torch, model: 'gpt', seconds: roundSeconds },
    rounds: roundCount(options.quick),
    log: options.log,
  });
  if (zenFailures.length > 0 || rounds.zen.length === 0) {
    speed.zen = rss.zen = failure(zenFailures[0] ?? 'no round measured');
  } else {
    speed.zen = value(medianRate(rounds.zen));
    rss.zen = value(Math.max(...rounds.zen.map((m) => m.peakRssMiB!)));
  }
  for (const contender of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    const report = runChild(contender, tfjsSeconds);
    if (typeof report === 'string') {
      speed[contender] = rss[contender] = failure(report);
      options.log(`  gpt ${contender}: ${speed[contender].kind}: ${report.split('\n').pop()}`);
      continue;
    }
    speed[contender] = value(report.tokensPerSecond, report.steps < 10 ? `${report.steps} steps` : undefined);
    rss[contender] = value(report.peakRssMiB);
    options.log(
      `  gpt ${contender}: ${Math.round(report.tokensPerSecond)} tokens/s over ${report.steps} steps, ` +
        `peak RSS ${report.peakRssMiB.toFixed(0)} MiB`,
    );
  }
  return [
    {
      name: 'GPT training (4×128, T 64, batch 16)',
      unit: 'tokens/s',
      figures: speed,
      torch: rounds.torch?.figure,
      rounds: roundFigures(rounds),
      target: { peer: 'torch', ratio: 1 },
    },
    {
      name: 'GPT training: peak RSS (own process)',
      unit: 'MiB',
      lowerIsBetter: true,
      figures: rss,
      torch: rounds.torch?.peakRssMiB,
    },
  ];
}
