import { setSeed } from '@zen/autograd-core';
import { loadBundledMnist } from '@zen/datasets';
import { Adam, Conv2D, Dense, Flatten, MaxPooling2D, Sequential } from '@zen/nn';

describe('convergence: a small CNN on real MNIST digits', () => {
  test('beats chance (10%) by far on held-out digits after 3 epochs on 1,200 images', async () => {
    setSeed(1);
    const { train, test } = loadBundledMnist({ limit: 1500, testFraction: 0.2, seed: 1 });
    const model = new Sequential([
      new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 10, activation: 'softmax' }),
    ]);
    model.compile({
      optimizer: new Adam({ learningRate: 0.003 }),
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const history = await model.fit(train.images, train.labels, { epochs: 3, batchSize: 32, verbose: 0 });
    const { accuracy } = model.evaluate(test.images, test.labels);
    expect(history.history.accuracy[2]).toBeGreaterThan(history.history.accuracy[0]);
    expect(accuracy).toBeGreaterThan(0.8);
  });
});
