/**
 * PyTorch as an optional contender. When a Python that can `import torch` is found
 * (`ZEN_BENCH_PYTHON`, else /usr/bin/python3 — a bare `python3` on PATH may be another
 * interpreter without torch), benchmarks/torch/contender.py trains the same models in
 * its own processes, one with one thread and one with two, and the better figure of
 * each model is kept; otherwise every PyTorch figure is "skipped: not installed".
 * Zen-TS never depends on Python.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { Figure } from './results';

/** The models the PyTorch script knows, by the benchmark's own names. */
export type TorchModel = 'mlp' | 'cnn' | 'rnn' | 'gpt';

export interface TorchFigures {
  version: string | null;
  figures: Record<TorchModel, Figure>;
  /** Peak RSS (MiB) of the PyTorch process that gave the best figure of the first model asked for. */
  peakRssMiB: number | null;
}

const SCRIPT = path.join(__dirname, '..', 'torch', 'contender.py');

/** Thread counts tried, each in its own process. */
const THREADS = [1, 2];

/** OpenBLAS tuning variables that slow PyTorch down when inherited from this machine's environment. */
const UNSET = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/**
 * The environment of a PyTorch process with `threads` threads: OpenBLAS (which reads its
 * thread count once, when it loads) and OpenMP get the same count as PyTorch's own
 * intra-op pool, so the two never oversubscribe the cores.
 */
function torchEnvironment(threads: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of UNSET) delete env[name];
  env.OPENBLAS_NUM_THREADS = env.OMP_NUM_THREADS = String(threads);
  return env;
}

function skippedAll(models: readonly TorchModel[], reason: string): TorchFigures {
  const figures = {} as Record<TorchModel, Figure>;
  for (const m of models) figures[m] = { kind: 'skipped', reason };
  return { version: null, figures, peakRssMiB: null };
}

interface ContenderReport {
  torch?: string;
  rates?: Partial<Record<TorchModel, number>>;
  peakRssMiB?: number;
}

/** Runs the PyTorch contender on `models`; never throws (a failure becomes a skipped figure). */
export function measureTorch(models: readonly TorchModel[]): TorchFigures {
  const interpreter = process.env.ZEN_BENCH_PYTHON ?? '/usr/bin/python3';
  const probe = spawnSync(interpreter, ['-c', 'import torch'], {
    env: torchEnvironment(1),
    encoding: 'utf8',
  });
  if (probe.error || probe.status !== 0) {
    return skippedAll(models, `PyTorch not installed for ${interpreter}`);
  }
  const reports: ContenderReport[] = [];
  for (const threads of THREADS) {
    const run = spawnSync(interpreter, [SCRIPT, models.join(','), String(threads)], {
      env: torchEnvironment(threads),
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (run.error || run.status !== 0) {
      const why = run.error?.message ?? run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`;
      return skippedAll(models, `PyTorch run failed (${threads} threads): ${why}`);
    }
    reports.push(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as ContenderReport);
  }
  const figures = {} as Record<TorchModel, Figure>;
  for (const m of models) {
    const rates = reports.map((r) => r.rates?.[m]).filter((v): v is number => Number.isFinite(v));
    figures[m] =
      rates.length > 0
        ? { kind: 'value', value: Math.max(...rates) }
        : { kind: 'skipped', reason: `PyTorch script gave no figure for ${m}` };
  }
  const first = models[0];
  const best = reports.reduce((a, b) => ((b.rates?.[first] ?? 0) > (a.rates?.[first] ?? 0) ? b : a));
  return { version: best.torch ?? null, figures, peakRssMiB: best.peakRssMiB ?? null };
}
