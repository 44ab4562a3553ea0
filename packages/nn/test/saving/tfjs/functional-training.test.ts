/**
 * A functional model's trainingConfig with a loss per output (a list, or an object by
 * output name): Zen-TS compiles it on load and evaluates the loss TensorFlow.js evaluates;
 * exportTfjs writes it so that TensorFlow.js compiles the same losses.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@zen/autograd-core';
import { Adam, type Model, exportTfjs, loadModel } from '@zen/nn';
import { randomizeWeights } from './layer-cases';
import {
  fromTfjs,
  loadTfjsModel,
  readJson,
  removeTempDirs,
  saveTfjsModel,
  tempDir,
  useTfjsCpu,
  writeJson,
} from './tfjs-files';

beforeAll(() => useTfjsCpu());
afterAll(() => removeTempDirs());

/** One input, a regression head 'value' and a 3-class head 'label'. */
function twoHeads(): tf.LayersModel {
  const x = tf.input({ shape: [4], name: 'x' });
  const h = tf.layers.dense({ units: 6, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const value = tf.layers.dense({ units: 1, name: 'value' }).apply(h) as tf.SymbolicTensor;
  const label = tf.layers
    .dense({ units: 3, activation: 'softmax', name: 'label' })
    .apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: [value, label] });
  randomizeWeights(model);
  return model;
}

const x = tf.randomNormal([8, 4], 0, 1, 'float32', 21);
const yValue = tf.randomNormal([8, 1], 0, 1, 'float32', 22);
const yLabel = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1], 'int32'), 3).toFloat();

/** The total loss of a tfjs model's predictions: the value head's loss plus the label head's cross-entropy. */
function tfjsLoss(model: tf.LayersModel, valueLoss: 'meanSquaredError' | 'meanAbsoluteError'): number {
  const [value, label] = model.predict(x) as tf.Tensor[];
  const first = tf.metrics[valueLoss](yValue, value).mean();
  return first.add(tf.metrics.categoricalCrossentropy(yLabel, label).mean()).dataSync()[0];
}

const zenLoss = (model: Model): number =>
  model.evaluate(fromTfjs(x), [fromTfjs(yValue), fromTfjs(yLabel)]).loss as number;

describe('functional trainingConfig', () => {
  test.each([
    ['a list', ['meanSquaredError', 'categoricalCrossentropy']],
    ['an object by output name', { value: 'meanAbsoluteError', label: 'categoricalCrossentropy' }],
  ])('per-output losses given as %s compile on load, evaluate as in tfjs, and train', async (_how, loss) => {
    const tfModel = twoHeads();
    tfModel.compile({ optimizer: tf.train.adam(0.01), loss: loss as string[], metrics: ['accuracy'] });
    const dir = await tempDir('two-heads');
    await saveTfjsModel(tfModel, dir, { includeOptimizer: true });
    const zen = await loadModel(dir);
    expect(zen.optimizer).toBeInstanceOf(Adam);
    const before = zenLoss(zen);
    const valueLoss = Array.isArray(loss) ? 'meanSquaredError' : 'meanAbsoluteError';
    expect(Math.abs(before - tfjsLoss(tfModel, valueLoss))).toBeLessThanOrEqual(1e-5 * Math.max(1, before));
    await zen.fit(fromTfjs(x), [fromTfjs(yValue), fromTfjs(yLabel)], {
      epochs: 20,
      batchSize: 8,
      verbose: 0,
    });
    expect(zenLoss(zen)).toBeLessThan(before);
  });

  test("Keras's loss_weights weigh each output's loss", async () => {
    const tfModel = twoHeads();
    tfModel.compile({ optimizer: tf.train.sgd(0.1), loss: ['meanSquaredError', 'categoricalCrossentropy'] });
    const dir = await tempDir('loss-weights');
    await saveTfjsModel(tfModel, dir, { includeOptimizer: true });
    const json = await readJson(dir);
    (json.trainingConfig as Record<string, unknown>).loss_weights = [0.5, 2];
    await writeJson(dir, json);
    const logs = (await loadModel(dir)).evaluate(fromTfjs(x), [fromTfjs(yValue), fromTfjs(yLabel)]);
    const [value, label] = tfModel.predict(x) as tf.Tensor[];
    const expected =
      0.5 * tf.metrics.meanSquaredError(yValue, value).mean().dataSync()[0] +
      2 * tf.metrics.categoricalCrossentropy(yLabel, label).mean().dataSync()[0];
    expect(Math.abs((logs.loss as number) - expected)).toBeLessThanOrEqual(1e-5 * Math.max(1, expected));
  });

  test('exportTfjs writes per-output losses that tf.loadLayersModel compiles', async () => {
    const tfModel = twoHeads();
    const source = await tempDir('two-heads-source');
    await saveTfjsModel(tfModel, source);
    const zen = await loadModel(source);
    zen.compile({
      optimizer: new Adam({ learningRate: 0.01 }),
      loss: { value: 'meanSquaredError', label: 'categoricalCrossentropy' },
      metrics: [['mae'], ['accuracy']],
    });
    const target = await tempDir('two-heads-export');
    await exportTfjs(zen, target);
    const back = await loadTfjsModel(target);
    expect(back.loss).toEqual({ value: 'meanSquaredError', label: 'categoricalCrossentropy' });
    const zenTotal = zenLoss(zen);
    expect(Math.abs(tfjsLoss(back, 'meanSquaredError') - zenTotal)).toBeLessThanOrEqual(
      1e-5 * Math.max(1, zenTotal),
    );
    const preds = zen.predict<Tensor[]>(fromTfjs(x));
    expect(preds).toHaveLength(2);
  });
});
