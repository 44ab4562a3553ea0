/**
 * PyTorch as an optional contender. When a Python that can `import torch` is found
 * (`ZEN_BENCH_PYTHON`, else /usr/bin/python3 — a bare `python3` on PATH may be another
 * interpreter without torch), benchmarks/torch/contender.py trains the same models in
 * its own process and reports its best of one and two threads; otherwise every PyTorch
 * figure is "skipped: not installed". Zen-TS never depends on Python.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { Figure } from './results';

/** The models the PyTorch script knows, by the benchmark's own names. */
export type TorchModel = 'mlp' | 'cnn' | 'rnn' | 'gpt';

export interface TorchFigures {
  version: string | null;
  figures: Record<TorchModel, Figure>;
  /** Peak RSS of the PyTorch process (MiB), which ran only the models asked for. */
  peakRssMiB: number | null;
}

const SCRIPT = path.join(__dirname, '..', 'torch', 'contender.py');

/** OpenBLAS tuning variables that slow PyTorch down when inherited from this machine's environment. */
const UNSET = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS'];

function torchEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of UNSET) delete env[name];
  return env;
}

function skippedAll(models: readonly TorchModel[], reason: string): TorchFigures {
  const figures = {} as Record<TorchModel, Figure>;
  for (const m of models) figures[m] = { kind: 'skipped', reason };
  return { version: null, figures, peakRssMiB: null };
}

/** Runs the PyTorch contender on `models`; never throws (a failure becomes a skipped figure). */
export function measureTorch(models: readonly TorchModel[]): TorchFigures {
  const interpreter = process.env.ZEN_BENCH_PYTHON ?? '/usr/bin/python3';
  const env = torchEnvironment();
  const probe = spawnSync(interpreter, ['-c', 'import torch'], { env, encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return skippedAll(models, `PyTorch not installed for ${interpreter}`);
  }
  const run = spawnSync(interpreter, [SCRIPT, models.join(',')], {
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.error || run.status !== 0) {
    const why = run.error?.message ?? run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`;
    return skippedAll(models, `PyTorch run failed: ${why}`);
  }
  const parsed = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
    torch?: string;
    best?: Partial<Record<TorchModel, number>>;
    peakRssMiB?: number;
  };
  const figures = {} as Record<TorchModel, Figure>;
  for (const m of models) {
    const v = parsed.best?.[m];
    figures[m] =
      typeof v === 'number' && Number.isFinite(v)
        ? { kind: 'value', value: v }
        : { kind: 'skipped', reason: `PyTorch script gave no figure for ${m}` };
  }
  return { version: parsed.torch ?? null, figures, peakRssMiB: parsed.peakRssMiB ?? null };
}
