/**
 * Zen-TS → tfjs: a model loaded from TensorFlow.js, exported again with exportTfjs and read
 * back by `tf.loadLayersModel` (through `tf.io.fromMemory`) predicts what Zen-TS predicts.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@zen/autograd-core';
import { exportTfjs, loadModel } from '@zen/nn';
import { LAYER_CASES } from './layer-cases';
import { FUNCTIONAL_CASES } from './functional-cases';
import * as files from './tfjs-files';

beforeAll(() => files.useTfjsCpu());
afterAll(() => files.removeTempDirs());

const CASES = [...LAYER_CASES, ...FUNCTIONAL_CASES];

describe.each(CASES.map((c) => [c.name, c] as const))('Zen-TS → tfjs: %s', (_name, c) => {
  test('tf.loadLayersModel reads the export and predicts the same', async () => {
    const source = await files.tempDir('source');
    await files.saveTfjsModel(c.build(), source);
    const zen = await loadModel(source);
    const target = await files.tempDir('export');
    await exportTfjs(zen, target);
    const back = await files.loadTfjsModel(target);
    const x = c.input();
    const difference = files.maxOutputDifference(
      zen.predict<Tensor | Tensor[]>(files.inputsFromTfjs(x)),
      back.predict(x) as tf.Tensor | tf.Tensor[],
    );
    expect(difference).toBeLessThanOrEqual(1e-5);
    if (process.env.ZEN_TFJS_REPORT) console.log(`export ${c.name}: ${difference.toExponential(2)}`);
  });
});
