/**
 * Memory: each contender trains the MLP for 10 epochs in its own process (so peak
 * RSS is its own); live memory after each epoch shows whether training leaks.
 * Steady state: the growth per epoch from epoch 3 to epoch 10 (after warm-up).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { MemoryReport } from '../memory-child';
import { CONTENDERS, Contender, Figure, ResultRow, value } from '../results';
import type { SuiteOptions } from './suite';

const EPOCHS = 10;
/** Growth per epoch above this (after warm-up) counts as a leak. */
export const MAX_GROWTH_MIB_PER_EPOCH = 1;

function runChild(contender: Contender, samples: number): MemoryReport {
  const child = path.join(__dirname, '..', 'memory-child.js');
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', child, contender, String(EPOCHS), String(samples)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (result.status !== 0) {
    throw new Error(`memory benchmark (${contender}) failed: ${result.stderr || result.error?.message}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as MemoryReport;
}

/** MiB per epoch, least squares over epochs 3…10. */
function growthPerEpoch(live: readonly number[]): number {
  const ys = live.slice(2);
  const xs = ys.map((_, i) => i);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i] - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

export async function runMemory(options: SuiteOptions): Promise<ResultRow[]> {
  const samples = options.quick ? 640 : 2048;
  const peak = {} as Record<Contender, Figure>;
  const growth = {} as Record<Contender, Figure>;
  for (const contender of CONTENDERS) {
    const report = runChild(contender, samples);
    peak[contender] = value(report.peakRssMiB);
    growth[contender] = value(growthPerEpoch(report.liveMiB));
    options.log(
      `  memory ${contender}: peak RSS ${report.peakRssMiB.toFixed(0)} MiB, live after each epoch ` +
        report.liveMiB.map((m) => m.toFixed(1)).join(' '),
    );
  }
  return [
    {
      name: `MLP ${EPOCHS} epochs × ${samples}: peak RSS`,
      unit: 'MiB',
      lowerIsBetter: true,
      figures: peak,
    },
    {
      name: 'MLP live memory growth, epochs 3–10',
      unit: 'MiB/epoch',
      lowerIsBetter: true,
      figures: growth,
      target: { atMost: MAX_GROWTH_MIB_PER_EPOCH },
    },
  ];
}
