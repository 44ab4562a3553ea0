import { setSeed } from '@zen/autograd-core';
import { fizzBuzz } from '@zen/datasets';
import { Adam, Dense, Sequential } from '@zen/nn';

describe("convergence: FizzBuzz (Zen's fizzbuzz.py)", () => {
  test('an MLP on 10-bit inputs reaches high training accuracy on 101…1023', async () => {
    setSeed(1);
    const train = fizzBuzz({ from: 101, to: 1023, bits: 10 });
    const model = new Sequential([
      new Dense({ units: 64, activation: 'relu', inputShape: [10] }),
      new Dense({ units: 4, activation: 'softmax' }),
    ]);
    model.compile({
      optimizer: new Adam({ learningRate: 0.01 }),
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const history = await model.fit(train.x, train.y, { epochs: 100, batchSize: 32, verbose: 0 });
    const { accuracy } = model.evaluate(train.x, train.y);
    expect(history.history.accuracy[0]).toBeLessThan(0.6); // starts near the majority class (53% plain numbers)
    expect(accuracy).toBeGreaterThan(0.95);
  });
});
