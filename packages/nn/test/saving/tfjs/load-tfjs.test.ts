/**
 * tfjs → Zen-TS: a model built and saved by TensorFlow.js, loaded with loadModel,
 * predicts what TensorFlow.js predicts (≤ 1e-5 · max(1, |value|)), for every layer kind.
 */
import type * as tf from '@tensorflow/tfjs';
import { loadModel } from '@zen/nn';
import * as files from './tfjs-files';
import { LAYER_CASES } from './layer-cases';

beforeAll(() => files.useTfjsCpu());
afterAll(() => files.removeTempDirs());

describe.each(LAYER_CASES.map((c) => [c.name, c] as const))('tfjs → Zen-TS: %s', (_name, c) => {
  test('loads and predicts the same', async () => {
    const model = c.build();
    const x = c.input();
    const dir = await files.tempDir('load');
    await files.saveTfjsModel(model, dir);
    const zen = await loadModel(dir);
    const expected = model.predict(x) as tf.Tensor;
    const difference = files.maxScaledDifference(zen.predict(files.fromTfjs(x)), expected);
    expect(difference).toBeLessThanOrEqual(1e-5);
    if (process.env.ZEN_TFJS_REPORT) console.log(`load ${c.name}: ${difference.toExponential(2)}`);
  });
});
