/** Inference: the CNN's predictions for all 10,000 bundled digits, samples/s. */
import { Tensor } from '@zen/autograd-core';
import { bundledDigits } from '../data';
import { tfjsModel, zenModel } from '../models';
import { type ResultRow, value } from '../results';
import { useTfjs } from '../tfjs';
import { median, timeRepeated } from '../timing';
import type { SuiteOptions } from './suite';

const BATCH = 128;

export async function runInference(options: SuiteOptions): Promise<ResultRow[]> {
  const digits = bundledDigits();
  const timing = { warmup: 1, repeats: options.quick ? 1 : 3, minSeconds: 0, maxRepeats: 3 };

  const zen = zenModel('cnn');
  const x = new Tensor(digits.images, [digits.count, 28, 28, 1]);
  const zenTimes = await timeRepeated(() => zen.predict(x, { batchSize: BATCH }), timing);

  const peer = async (backend: 'cpu' | 'wasm') => {
    const tf = await useTfjs(backend);
    const model = tfjsModel(tf, 'cnn');
    const xs = tf.tensor4d(digits.images, [digits.count, 28, 28, 1]);
    const slow = backend === 'cpu';
    const times = await timeRepeated(
      () => {
        const out = model.predict(xs, { batchSize: BATCH }) as import('@tensorflow/tfjs').Tensor;
        out.dataSync();
        out.dispose();
      },
      slow ? { warmup: 0, repeats: 1, minSeconds: 0, maxRepeats: 1 } : timing,
    );
    xs.dispose();
    model.dispose();
    return value(digits.count / median(times));
  };
  const figures = {
    zen: value(digits.count / median(zenTimes)),
    'tfjs-cpu': await peer('cpu'),
    'tfjs-wasm': await peer('wasm'),
  };
  const show = (f: (typeof figures)['zen']) => (f.kind === 'value' ? Math.round(f.value) : f.kind);
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
