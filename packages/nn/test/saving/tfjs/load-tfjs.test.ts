/**
 * tfjs → Zen-TS: a model built and saved by TensorFlow.js, loaded with loadModel,
 * predicts what TensorFlow.js predicts (≤ 1e-5 · max(1, |value|)), for every layer kind
 * and for functional topologies.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@zen/autograd-core';
import { loadModel } from '@zen/nn';
import * as files from './tfjs-files';
import { LAYER_CASES } from './layer-cases';
import { FUNCTIONAL_CASES } from './functional-cases';

beforeAll(() => files.useTfjsCpu());
afterAll(() => files.removeTempDirs());

const CASES = [...LAYER_CASES, ...FUNCTIONAL_CASES];

describe.each(CASES.map((c) => [c.name, c] as const))('tfjs → Zen-TS: %s', (_name, c) => {
  test('loads and predicts the same', async () => {
    const model = c.build();
    const x = c.input();
    const dir = await files.tempDir('load');
    await files.saveTfjsModel(model, dir);
    const zen = await loadModel(dir);
    const expected = model.predict(x) as tf.Tensor | tf.Tensor[];
    const difference = files.maxOutputDifference(
      zen.predict<Tensor | Tensor[]>(files.inputsFromTfjs(x)),
      expected,
    );
    expect(difference).toBeLessThanOrEqual(1e-5);
    if (process.env.ZEN_TFJS_REPORT) console.log(`load ${c.name}: ${difference.toExponential(2)}`);
  });
});
