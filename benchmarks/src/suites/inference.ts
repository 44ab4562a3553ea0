/**
 * Inference: the CNN's predictions for all 10,000 bundled digits, samples/s. Each
 * contender is warmed up, then the timed passes are interleaved round by round (as the
 * training benchmarks are), so a change in machine load hits all alike. Before each timed
 * pass a contender predicts one batch untimed: Zen-TS's helper threads stop after a few idle
 * seconds (as during TensorFlow.js's slow 'cpu' pass) and restart then, not in the timed
 * pass. TensorFlow.js's 'cpu' backend gets one timed pass.
 */
import { Tensor } from '@zen/autograd-core';
import { bundledDigits } from '../data';
import { tfjsModel, zenModel } from '../models';
import { type Contender, type Figure, type ResultRow, value } from '../results';
import { useTfjs } from '../tfjs';
import { median, timeOnce } from '../timing';
import type { SuiteOptions } from './suite';

const BATCH = 128;

/** One contender's prediction pass, what to do (untimed) before it, and how often to time it. */
interface InferenceContestant {
  who: Contender;
  /** Selects the contender's backend and predicts one batch (untimed). */
  activate(): Promise<void>;
  predict(): void;
  repeats: number;
  dispose(): void;
}

/** Pause before each timed pass, so work another contender left behind (GC, threads) settles. */
const SETTLE_MS = 200;

export async function runInference(options: SuiteOptions): Promise<ResultRow[]> {
  const digits = bundledDigits();
  const repeats = options.quick ? 1 : 3;
  const shape = [digits.count, 28, 28, 1];

  const zen = zenModel('cnn');
  const x = new Tensor(digits.images, shape);
  const oneBatch = new Tensor(digits.images.subarray(0, BATCH * 784), [BATCH, 28, 28, 1]);
  const contestants: InferenceContestant[] = [
    {
      who: 'zen',
      activate: async () => void zen.predict(oneBatch, { batchSize: BATCH }),
      predict: () => void zen.predict(x, { batchSize: BATCH }),
      repeats,
      dispose: () => {},
    },
  ];
  for (const backend of ['cpu', 'wasm'] as const) {
    const tf = await useTfjs(backend);
    const model = tfjsModel(tf, 'cnn');
    const xs = tf.tensor4d(digits.images, shape as [number, number, number, number]);
    const batch = xs.slice(0, BATCH);
    contestants.push({
      who: `tfjs-${backend}`,
      activate: async () => {
        await useTfjs(backend);
        tf.dispose(model.predict(batch, { batchSize: BATCH }));
      },
      predict: () => {
        const out = model.predict(xs, { batchSize: BATCH }) as import('@tensorflow/tfjs').Tensor;
        out.dataSync();
        out.dispose();
      },
      repeats: backend === 'cpu' ? 1 : repeats,
      dispose: () => {
        tf.dispose([xs, batch]);
        model.dispose();
      },
    });
  }
  // Warm-up: first-call compilation and WebAssembly tier-up (the slow 'cpu' backend is
  // timed once, cold, as before).
  for (const c of contestants) {
    if (c.who === 'tfjs-cpu') continue;
    await c.activate();
    c.predict();
  }
  const times = new Map<Contender, number[]>(contestants.map((c) => [c.who, []]));
  for (let round = 0; round < repeats; round++) {
    for (const c of contestants) {
      if (round >= c.repeats) continue;
      await c.activate();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      times.get(c.who)!.push(await timeOnce(() => c.predict()));
    }
  }
  for (const c of contestants) c.dispose();
  const figures = {} as Record<Contender, Figure>;
  for (const c of contestants) figures[c.who] = value(digits.count / median(times.get(c.who)!));
  const show = (f: Figure) => (f.kind === 'value' ? Math.round(f.value) : f.kind);
  options.log(
    `  CNN inference: zen ${show(figures.zen)}, tfjs-cpu ${show(figures['tfjs-cpu'])}, tfjs-wasm ${show(figures['tfjs-wasm'])} samples/s`,
  );
  return [
    {
      name: `CNN inference (batch ${BATCH})`,
      unit: 'samples/s',
      figures,
      target: { peer: 'tfjs-wasm', ratio: 1 },
    },
  ];
}
