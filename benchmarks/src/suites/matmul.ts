/**
 * Square float32 matrix products: GFLOP/s for Zen-TS and both TensorFlow.js backends,
 * measured in interleaved rounds (Zen-TS, tfjs-cpu, tfjs-wasm, Zen-TS, …) so a change in
 * machine load hits all three alike; the figure is the median over all timed runs.
 */
import { matmul, noGrad, tensor } from '@zen/autograd-core';
import { type ResultRow, value } from '../results';
import { median, timeRepeated } from '../timing';
import { useTfjs, type TfjsBackend } from '../tfjs';
import type { SuiteOptions } from './suite';

function randomMatrix(n: number, seed: number): Float32Array {
  const data = new Float32Array(n * n);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return data;
}

interface Contestant {
  /** Untimed preparation before each round (switching TensorFlow.js's backend). */
  activate(): Promise<void>;
  product(): void;
  /** Timed runs per round at most (tfjs-cpu at 1024 takes seconds per product). */
  slow: boolean;
  dispose(): void;
}

function zenContestant(n: number, a: Float32Array, b: Float32Array): Contestant {
  const x = tensor(a, { shape: [n, n] });
  const y = tensor(b, { shape: [n, n] });
  return {
    activate: async () => {},
    product: () => noGrad(() => matmul(x, y)),
    slow: false,
    dispose: () => {},
  };
}

async function tfjsContestant(
  backend: TfjsBackend,
  n: number,
  a: Float32Array,
  b: Float32Array,
): Promise<Contestant> {
  const tf = await useTfjs(backend);
  const x = tf.tensor2d(a, [n, n]);
  const y = tf.tensor2d(b, [n, n]);
  return {
    activate: async () => {
      await useTfjs(backend);
    },
    product: () => {
      const c = tf.matMul(x, y);
      c.dataSync(); // wait for the result, as Zen-TS's synchronous kernels do
      c.dispose();
    },
    slow: backend === 'cpu' && n >= 512, // ~1 GFLOP/s: one timed run is plenty
    dispose: () => tf.dispose([x, y]),
  };
}

export async function runMatmul(options: SuiteOptions): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const rounds = options.quick ? 1 : 3;
  const secondsPerRound = options.quick ? 0.3 : 0.4;
  for (const n of [128, 256, 512, 1024]) {
    const a = randomMatrix(n, 1);
    const b = randomMatrix(n, 2);
    const contestants = [
      zenContestant(n, a, b),
      await tfjsContestant('cpu', n, a, b),
      await tfjsContestant('wasm', n, a, b),
    ];
    const times: number[][] = contestants.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < contestants.length; i++) {
        const c = contestants[i];
        if (c.slow && round > 0) continue;
        await c.activate();
        const timing = c.slow
          ? { warmup: 1, repeats: 1, minSeconds: 0, maxRepeats: 1 }
          : { warmup: round === 0 ? 3 : 1, repeats: 3, minSeconds: secondsPerRound, maxRepeats: 300 };
        times[i].push(...(await timeRepeated(c.product, timing)));
      }
    }
    contestants.forEach((c) => c.dispose());
    const [zen, cpu, wasm] = times.map((t) => (2 * n ** 3) / median(t) / 1e9);
    rows.push({
      name: `matmul ${n}`,
      unit: 'GFLOP/s',
      figures: { zen: value(zen), 'tfjs-cpu': value(cpu), 'tfjs-wasm': value(wasm) },
      target: n >= 512 ? { peer: 'tfjs-wasm', ratio: 1 } : undefined,
    });
    options.log(
      `  matmul ${n}: zen ${zen.toFixed(1)}, tfjs-cpu ${cpu.toFixed(2)}, tfjs-wasm ${wasm.toFixed(1)} GFLOP/s`,
    );
  }
  return rows;
}
