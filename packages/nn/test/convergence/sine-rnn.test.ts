import { setSeed } from '@zen/autograd-core';
import { sineSequences } from '@zen/datasets';
import { Adam, Dense, Sequential, SimpleRNN } from '@zen/nn';

describe("convergence: SimpleRNN on sin(x)·cos(x) (Zen's rnn.py)", () => {
  test('predicts the next value of the series to a low MSE', async () => {
    setSeed(1);
    const { x, y } = sineSequences({ length: 200, window: 20 }); // x [180, 20, 1], y [180, 1]
    const model = new Sequential([
      new SimpleRNN({ units: 16, inputShape: [20, 1] }),
      new Dense({ units: 1 }),
    ]);
    model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
    const history = await model.fit(x, y, { epochs: 20, batchSize: 16, verbose: 0 });
    const variance = Array.from(y.data).reduce((s, v) => s + v * v, 0) / y.size; // the series has mean ≈ 0
    const { loss, mae } = model.evaluate(x, y);
    expect(history.history.loss[0]).toBeGreaterThan(loss);
    expect(loss).toBeLessThan(1e-3);
    expect(loss).toBeLessThan(variance / 100);
    expect(mae).toBeLessThan(0.03);
  });
});
