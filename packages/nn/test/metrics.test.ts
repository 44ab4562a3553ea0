import { tensor } from '@zen/autograd-core';
import { metrics } from '@zen/nn';

describe('metrics', () => {
  const probs = tensor([
    [0.7, 0.2, 0.1],
    [0.1, 0.3, 0.6],
    [0.2, 0.5, 0.3],
    [0.4, 0.4, 0.2],
  ]);

  test('sparse and categorical accuracy compare argmaxes (ties go to the first)', () => {
    expect(metrics.sparseCategoricalAccuracy(tensor([0, 2, 0, 0]), probs)).toBe(0.75);
    const oneHot = tensor([
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
    expect(metrics.categoricalAccuracy(oneHot, probs)).toBe(0.5);
  });

  test('binary accuracy thresholds at 0.5 by default', () => {
    expect(metrics.binaryAccuracy(tensor([[1], [0], [1], [0]]), tensor([[0.9], [0.6], [0.4], [0.1]]))).toBe(
      0.5,
    );
    expect(metrics.binaryAccuracy(tensor([1, 0]), tensor([0.3, 0.1]), 0.2)).toBe(1);
  });

  test("'accuracy' picks the variant from the shapes, as Keras", () => {
    expect(metrics.accuracy(tensor([0, 2, 0, 0]), probs)).toBe(0.75);
    expect(
      metrics.accuracy(
        tensor([
          [1, 0, 0],
          [0, 0, 1],
          [0, 1, 0],
          [1, 0, 0],
        ]),
        probs,
      ),
    ).toBe(1);
    expect(metrics.accuracy(tensor([[1], [0]]), tensor([[0.8], [0.7]]))).toBe(0.5);
  });

  test('mse and mae as numbers', () => {
    expect(metrics.mse(tensor([1, 2]), tensor([2, 4]))).toBeCloseTo(2.5, 6);
    expect(metrics.mae(tensor([1, 2]), tensor([2, 4]))).toBeCloseTo(1.5, 6);
  });

  test('getMetric resolves names (camelCase or snake_case) and functions', () => {
    expect(metrics.getMetric('accuracy')[0]).toBe('accuracy');
    expect(metrics.getMetric('sparse_categorical_accuracy')[1]).toBe(metrics.sparseCategoricalAccuracy);
    function recall() {
      return 1;
    }
    const [key, fn] = metrics.getMetric(recall);
    expect([key, fn(probs, probs)]).toEqual(['recall', 1]);
    expect(() => metrics.getMetric('f1')).toThrow("unknown metric 'f1'");
    expect(() => metrics.sparseCategoricalAccuracy(tensor([0, 1]), probs)).toThrow(
      'sparseCategoricalAccuracy: 2 labels (shape [2]) for 4 predictions (shape [4,3])',
    );
  });
});
