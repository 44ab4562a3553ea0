/**
 * Inference: the CNN's predictions for all 10,000 bundled digits, samples/s. Every
 * contender is warmed up on a slice of the digits first; the timed passes then run in
 * interleaved rounds (Zen-TS, tfjs-cpu, tfjs-wasm, Zen-TS, …), as the training suites
 * do, so a change in machine load hits all of them alike.
 */
import { Tensor } from '@zen/autograd-core';
import { bundledDigits } from '../data';
import { tfjsModel, zenModel } from '../models';
import { type Contender, type Figure, type ResultRow, value } from '../results';
import { useTfjs } from '../tfjs';
import { median, timeOnce } from '../timing';
import type { SuiteOptions } from './suite';

const BATCH = 128;
const WARMUP_SAMPLES = 1024;

interface InferenceContestant {
  who: Contender;
  /** Untimed: e.g. switch TensorFlow.js to this contender's backend. */
  activate?(): Promise<void>;
  /** Predicts the first `samples` digits and waits for the values. */
  predict(samples: number): void;
  /** Timed passes over all digits (the slow tfjs-cpu gets one). */
  repeats: number;
  dispose?(): void;
}

async function tfjsContestant(
  backend: 'cpu' | 'wasm',
  images: Float32Array,
  count: number,
  repeats: number,
): Promise<InferenceContestant> {
  const tf = await useTfjs(backend);
  const model = tfjsModel(tf, 'cnn');
  const xs = tf.tensor4d(images, [count, 28, 28, 1]);
  return {
    who: backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm',
    activate: async () => {
      await useTfjs(backend);
    },
    predict: (samples) => {
      const input = samples === count ? xs : xs.slice(0, samples);
      const out = model.predict(input, { batchSize: BATCH }) as import('@tensorflow/tfjs').Tensor;
      out.dataSync();
      tf.dispose(input === xs ? [out] : [out, input]);
    },
    repeats,
    dispose: () => {
      xs.dispose();
      model.dispose();
    },
  };
}

export async function runInference(options: SuiteOptions): Promise<ResultRow[]> {
  const digits = bundledDigits();
  const repeats = options.quick ? 1 : 3;
  const zen = zenModel('cnn');
  const x = new Tensor(digits.images, [digits.count, 28, 28, 1]);
  const contestants: InferenceContestant[] = [
    {
      who: 'zen',
      predict: (samples) => {
        zen.predict(samples === digits.count ? x : x.slice([0, 0, 0, 0], [samples, 28, 28, 1]), {
          batchSize: BATCH,
        });
      },
      repeats,
    },
    await tfjsContestant('cpu', digits.images, digits.count, 1),
    await tfjsContestant('wasm', digits.images, digits.count, repeats),
  ];
  for (const c of contestants) {
    await c.activate?.();
    c.predict(Math.min(WARMUP_SAMPLES, digits.count));
  }
  const times = new Map<Contender, number[]>(contestants.map((c) => [c.who, []]));
  for (let round = 0; round < repeats; round++) {
    for (const c of contestants) {
      if (round >= c.repeats) continue;
      await c.activate?.();
      times.get(c.who)!.push(await timeOnce(() => c.predict(digits.count)));
    }
  }
  for (const c of contestants) c.dispose?.();
  const rate = (who: Contender): Figure => value(digits.count / median(times.get(who)!));
  const figures = { zen: rate('zen'), 'tfjs-cpu': rate('tfjs-cpu'), 'tfjs-wasm': rate('tfjs-wasm') };
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
