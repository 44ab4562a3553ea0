/**
 * PyTorch as an optional contender. When a Python that can `import torch` is found
 * (`ZEN_BENCH_PYTHON`, else /usr/bin/python3 — a bare `python3` on PATH may be another
 * interpreter without torch), benchmarks/torch/contender.py measures one round of one model
 * in its own process with a given thread count; otherwise every PyTorch figure is "skipped:
 * not installed". Zen-TS never depends on Python.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { Measurement } from './results';

/** The models the PyTorch script knows, by the benchmark's own names. */
export type TorchModel = 'mlp' | 'cnn' | 'rnn' | 'gpt';

/** PyTorch's version, or why it cannot run. */
export type TorchProbe = { version: string } | { skipped: string };

/** Runs PyTorch's side of the benchmark; tests inject a fake one. */
export interface TorchRunner {
  /** Whether PyTorch can run (asked once, then remembered). */
  probe(): TorchProbe;
  /**
   * One round: `model` trained for about `seconds` after a warm-up, with `threads` threads, in
   * its own process. Throws when the process fails.
   */
  round(model: TorchModel, threads: number, seconds: number): Measurement;
}

const SCRIPT = path.join(__dirname, '..', 'torch', 'contender.py');

/** A round slower than this is stopped (the script's warm-up and timed steps take seconds). */
const LIMIT_SECONDS = 180;

/** OpenBLAS tuning variables that slow PyTorch down when inherited from this machine's environment. */
const UNSET = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/**
 * glibc malloc's settings for PyTorch, whose CPU tensors come from malloc: blocks under
 * 32 MiB come from the heap and freed memory stays there. With glibc's defaults each block
 * over 128 KiB is mapped afresh (zeroed pages, page faults) and unmapped when freed, until
 * the freeing of a larger mapped block raises that threshold; the GPT's step then ran 2.3×
 * slower (7.3k against 16.9k tokens/s on one thread) unless another model had trained in
 * the same process first. Fixed settings give PyTorch its best speed in every process.
 */
const MALLOC_SETTINGS = {
  MALLOC_MMAP_THRESHOLD_: String(32 << 20),
  MALLOC_TRIM_THRESHOLD_: String(64 << 20),
};

/**
 * The environment of a PyTorch process with `threads` threads: OpenBLAS (which reads its
 * thread count once, when it loads) and OpenMP get the same count as PyTorch's own
 * intra-op pool, so the two never oversubscribe the cores; malloc as MALLOC_SETTINGS says.
 */
export function torchEnvironment(threads: number, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...MALLOC_SETTINGS };
  for (const name of UNSET) delete env[name];
  env.OPENBLAS_NUM_THREADS = env.OMP_NUM_THREADS = String(threads);
  return env;
}

interface ContenderReport {
  rate?: number;
  peakRssMiB?: number;
}

/** The runner that starts `interpreter` on benchmarks/torch/contender.py. */
export function pythonTorchRunner(
  interpreter: string = process.env.ZEN_BENCH_PYTHON ?? '/usr/bin/python3',
): TorchRunner {
  let probed: TorchProbe | null = null;
  return {
    probe() {
      if (probed) return probed;
      const probe = spawnSync(interpreter, ['-c', 'import torch; print(torch.__version__)'], {
        env: torchEnvironment(1),
        encoding: 'utf8',
      });
      probed =
        probe.error || probe.status !== 0
          ? { skipped: `PyTorch not installed for ${interpreter}` }
          : { version: probe.stdout.trim() };
      return probed;
    },
    round(model, threads, seconds) {
      const run = spawnSync(interpreter, [SCRIPT, model, String(threads), String(seconds)], {
        env: torchEnvironment(threads),
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        timeout: LIMIT_SECONDS * 1000,
      });
      if (run.error || run.status !== 0) {
        const why = run.error?.message ?? run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`;
        throw new Error(`PyTorch run failed (${model}, ${threads} threads): ${why}`);
      }
      const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as ContenderReport;
      if (!Number.isFinite(report.rate)) throw new Error(`PyTorch script gave no figure for ${model}`);
      return { rate: report.rate!, peakRssMiB: report.peakRssMiB };
    },
  };
}
