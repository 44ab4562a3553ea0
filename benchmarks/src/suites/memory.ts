/**
 * Memory: each contender trains the MLP for 10 epochs in its own process (so peak
 * RSS is its own); live memory after each epoch shows whether training leaks.
 * Steady state: the growth per epoch from epochs 3–5 to epochs 8–10 (after warm-up).
 */
import * as path from 'path';
import type { MemoryReport } from '../memory-child';
import { CONTENDERS, type Contender, type Figure, type ResultRow, value } from '../results';
import type { SuiteOptions } from './suite';
import { runNodeChild } from '../node-child';

const EPOCHS = 10;
/** Growth per epoch above this (after warm-up) counts as a leak. */
export const MAX_GROWTH_MIB_PER_EPOCH = 1;

function runChild(contender: Contender, samples: number): MemoryReport {
  const child = path.join(__dirname, '..', 'memory-child.js');
  const result = runNodeChild(child, [contender, String(EPOCHS), String(samples)], {
    flags: ['--expose-gc'],
  });
  if (result.status !== 0) {
    throw new Error(`memory benchmark (${contender}) failed: ${result.stderr || result.error?.message}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as MemoryReport;
}

/**
 * MiB per epoch in steady state: the median of epochs 8–10 minus the median of epochs
 * 3–5, over the five epochs between (medians, so one late collection does not count).
 */
function growthPerEpoch(live: readonly number[]): number {
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return (mid(live.slice(7, 10)) - mid(live.slice(2, 5))) / 5;
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
      name: 'MLP live memory growth, epochs 3–5 → 8–10',
      unit: 'MiB/epoch',
      lowerIsBetter: true,
      figures: growth,
      target: { atMost: MAX_GROWTH_MIB_PER_EPOCH },
    },
  ];
}
