/**
 * A small MNIST classifier trained and saved by TensorFlow.js (a few hundred bundled
 * digits), loaded with loadModel, predicts as tfjs does and keeps training in Zen-TS:
 * the restored Adam and loss fine-tune it and its test accuracy goes up.
 */
import * as tf from '@tensorflow/tfjs';
import { loadBundledMnist } from '@zen/datasets';
import { oneHot } from '@zen/autograd-core';
import { Adam, loadModel } from '@zen/nn';
import * as files from './tfjs-files';

beforeAll(() => files.useTfjsCpu());
afterAll(() => files.removeTempDirs());

test('tfjs-trained MNIST model: same predictions in Zen-TS, and fine-tuning raises its accuracy', async () => {
  const { train, test } = loadBundledMnist({ limit: 800, testFraction: 0.25, seed: 3 });
  const toTf = (t: { data: ArrayLike<number>; shape: readonly number[] }) =>
    tf.tensor(Array.from(t.data), [...t.shape]);
  const trainY = oneHot(train.labels, 10);
  const testY = oneHot(test.labels, 10);

  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({
        units: 32,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.dense({
        units: 10,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  // A short start: a model worth continuing to train.
  await model.fit(toTf(train.images), toTf(trainY), { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
  const dir = await files.tempDir('mnist');
  await files.saveTfjsModel(model, dir, { includeOptimizer: true });

  const zen = await loadModel(dir);
  expect(zen.optimizer).toBeInstanceOf(Adam);
  const tfPredictions = model.predict(toTf(test.images)) as tf.Tensor;
  expect(files.maxScaledDifference(zen.predict(test.images), tfPredictions)).toBeLessThanOrEqual(1e-5);

  const before = zen.evaluate(test.images, testY).accuracy;
  const tfAccuracy = (await (model.evaluate(toTf(test.images), toTf(testY)) as tf.Scalar[])[1].data())[0];
  expect(before).toBeCloseTo(tfAccuracy, 6);
  await zen.fit(train.images, trainY, { epochs: 4, batchSize: 32, verbose: 0 });
  const after = zen.evaluate(test.images, testY).accuracy;
  if (process.env.ZEN_TFJS_REPORT)
    console.log(`MNIST test accuracy: ${before} (tfjs ${tfAccuracy}) → ${after}`);
  expect(after).toBeGreaterThan(before + 0.05);
}, 120_000);
