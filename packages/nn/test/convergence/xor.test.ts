import { setSeed, tensor } from '@zen/autograd-core';
import { xor } from '@zen/datasets';
import { Dense, SGD, Sequential, Sigmoid, Tanh } from '@zen/nn';

describe('convergence: XOR', () => {
  test('a 2-8-1 MLP (Zen-style activation layers) learns XOR with SGD + momentum', async () => {
    setSeed(3);
    const { x, y } = xor();
    const model = new Sequential([
      new Dense({ units: 8, inputShape: [2] }),
      new Tanh(),
      new Dense({ units: 1 }),
      new Sigmoid(),
    ]);
    model.compile({
      optimizer: new SGD({ learningRate: 0.5, momentum: 0.9 }),
      loss: 'binaryCrossentropy',
      metrics: ['accuracy'],
    });
    const history = await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
    const predictions = Array.from(model.predict(x).data);
    expect(history.history.loss[299]).toBeLessThan(0.05);
    expect(history.history.loss[299]).toBeLessThan(history.history.loss[0] / 10);
    expect(history.history.accuracy[299]).toBe(1);
    expect(predictions[0]).toBeLessThan(0.1);
    expect(predictions[1]).toBeGreaterThan(0.9);
    expect(predictions[2]).toBeGreaterThan(0.9);
    expect(predictions[3]).toBeLessThan(0.1);
    expect(model.evaluate(tensor([[1, 0]]), tensor([[1]])).accuracy).toBe(1);
  });
});
