/** Square float32 matrix products: GFLOP/s for Zen-TS and both TensorFlow.js backends. */
import { matmul, noGrad, tensor } from '@zen/autograd-core';
import { ResultRow, value } from '../results';
import { median, timeRepeated } from '../timing';
import { useTfjs, TfjsBackend } from '../tfjs';
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

/** Runs per size: enough to fill `minSeconds`, at least 3. */
function timingFor(options: SuiteOptions) {
  return { warmup: 2, repeats: 3, minSeconds: options.quick ? 0.3 : 1, maxRepeats: 200 };
}

async function zenGflops(
  n: number,
  a: Float32Array,
  b: Float32Array,
  options: SuiteOptions,
): Promise<number> {
  const x = tensor(a, { shape: [n, n] });
  const y = tensor(b, { shape: [n, n] });
  const times = await timeRepeated(() => noGrad(() => matmul(x, y)), timingFor(options));
  return (2 * n ** 3) / median(times) / 1e9;
}

async function tfjsGflops(
  backend: TfjsBackend,
  n: number,
  a: Float32Array,
  b: Float32Array,
  options: SuiteOptions,
): Promise<number> {
  const tf = await useTfjs(backend);
  const x = tf.tensor2d(a, [n, n]);
  const y = tf.tensor2d(b, [n, n]);
  const slow = backend === 'cpu' && n >= 512; // ~1 GFLOP/s: one timed run is plenty
  const times = await timeRepeated(
    () => {
      const c = tf.matMul(x, y);
      c.dataSync(); // wait for the result, as Zen-TS's synchronous kernels do
      c.dispose();
    },
    slow ? { warmup: 1, repeats: 1, minSeconds: 0, maxRepeats: 1 } : timingFor(options),
  );
  x.dispose();
  y.dispose();
  return (2 * n ** 3) / median(times) / 1e9;
}

export async function runMatmul(options: SuiteOptions): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const n of [128, 256, 512, 1024]) {
    const a = randomMatrix(n, 1);
    const b = randomMatrix(n, 2);
    const zen = await zenGflops(n, a, b, options);
    const cpu = await tfjsGflops('cpu', n, a, b, options);
    const wasm = await tfjsGflops('wasm', n, a, b, options);
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
