/** Mistakes a Keras user makes in the first hour end in a clear error or the right number, never NaN. */
import { type Tensor, setSeed, tensor } from '@zen/autograd-core';
import { Dense, Sequential } from '@zen/nn';

const x = tensor([
  [0, 1],
  [1, 0],
  [1, 1],
  [0, 0],
]);
const labels = tensor([0, 1, 2, 1], { dtype: 'int32' });
const oneHot = tensor([
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [0, 1, 0],
]);

function classifier(loss: string, metrics: never[] = []): Sequential {
  setSeed(3);
  const model = new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
  model.compile({ optimizer: 'sgd', loss: loss as never, metrics });
  return model;
}

describe('custom metrics returning a Tensor', () => {
  // A mean absolute error written with Tensor ops, as a Keras user writes metrics.
  function meanProbability(_yTrue: Tensor, yPred: Tensor): Tensor {
    return yPred.max(-1).mean();
  }

  test('a scalar Tensor is taken as the value in History and evaluate', async () => {
    const model = classifier('categoricalCrossentropy', [meanProbability as never]);
    const history = await model.fit(x, oneHot, { epochs: 2, batchSize: 4, verbose: 0 });
    const values = history.history.meanProbability;
    expect(values).toHaveLength(2);
    for (const v of values) expect(v).toBeGreaterThan(1 / 3);
    const expected = model.predict(x).max(-1).mean().item();
    expect(model.evaluate(x, oneHot, { batchSize: 4 }).meanProbability).toBeCloseTo(expected, 6);
  });

  test('a tensor of several values is refused, naming the metric', () => {
    const rows = (_t: Tensor, p: Tensor) => p.max(-1);
    const model = classifier('categoricalCrossentropy', [rows as never]);
    expect(() => model.evaluate(x, oneHot)).toThrow("metric 'rows': returned a tensor of shape [4]");
  });
});

describe('loss / label mismatches say which loss to use', () => {
  test('integer labels with categoricalCrossentropy', async () => {
    await expect(classifier('categoricalCrossentropy').fit(x, labels, { verbose: 0 })).rejects.toThrow(
      "use 'sparseCategoricalCrossentropy' for integer labels",
    );
  });

  test('one-hot targets with sparseCategoricalCrossentropy', () => {
    expect(() => classifier('sparseCategoricalCrossentropy').evaluate(x, oneHot)).toThrow(
      "looks one-hot (one value per class) for yPred of shape [4,3]: use 'categoricalCrossentropy'",
    );
  });

  test("a shape error shows the y the user passed, not only the batch's", async () => {
    const y = tensor([
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
    ]);
    setSeed(1);
    const model = new Sequential([new Dense({ units: 3, inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(model.fit(x, y, { batchSize: 2, verbose: 0 })).rejects.toThrow(
      'fit was given x of shape [4,2] and y of shape [4,2]',
    );
  });
});
