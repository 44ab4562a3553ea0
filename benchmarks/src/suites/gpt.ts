/**
 * Transformer training: the benchmark's char-level GPT (gpt-models.ts) trained by each
 * contender in its own process (gpt-child.ts), so each peak RSS is the contender's own:
 * tokens/s and peak RSS. PyTorch (optional) trains the same model in its own process
 * (benchmarks/torch/contender.py, best of one and two threads).
 */
import * as path from 'path';
import type { GptReport } from '../gpt-child';
import { CONTENDERS, type Contender, type Figure, type ResultRow, value } from '../results';
import { measureTorch } from '../torch';
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

export async function runGpt(options: SuiteOptions): Promise<ResultRow[]> {
  const seconds = options.quick ? 5 : 20;
  const speed = {} as Record<Contender, Figure>;
  const rss = {} as Record<Contender, Figure>;
  for (const contender of CONTENDERS) {
    const report = runChild(contender, seconds);
    if (typeof report === 'string') {
      // A missing kernel (TensorFlow.js: "not registered") is a limit of that contender.
      const kind = /not registered/i.test(report) ? 'unsupported' : 'skipped';
      speed[contender] = rss[contender] = { kind, reason: report.split('\n').pop()! };
      options.log(`  gpt ${contender}: ${kind}: ${report.split('\n').pop()}`);
      continue;
    }
    speed[contender] = value(report.tokensPerSecond, report.steps < 10 ? `${report.steps} steps` : undefined);
    rss[contender] = value(report.peakRssMiB);
    options.log(
      `  gpt ${contender}: ${Math.round(report.tokensPerSecond)} tokens/s over ${report.steps} steps, ` +
        `peak RSS ${report.peakRssMiB.toFixed(0)} MiB`,
    );
  }
  const speedRow: ResultRow = {
    name: 'GPT training (4×128, T 64, batch 16)',
    unit: 'tokens/s',
    figures: speed,
    target: { peer: 'torch', ratio: 1 },
  };
  const rssRow: ResultRow = {
    name: 'GPT training: peak RSS (own process)',
    unit: 'MiB',
    lowerIsBetter: true,
    figures: rss,
  };
  if (options.torch !== false) {
    options.log('  gpt torch…');
    const torch = measureTorch(['gpt']);
    speedRow.torch = torch.figures.gpt;
    rssRow.torch =
      torch.peakRssMiB === null ? { kind: 'skipped', reason: 'no PyTorch figure' } : value(torch.peakRssMiB);
  }
  return [speedRow, rssRow];
}
