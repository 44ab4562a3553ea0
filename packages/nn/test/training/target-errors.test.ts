import { type Tensor, setSeed, tensor } from '@zen/autograd-core';
import { Dense, SGD, Sequential, losses, resetNameCounters } from '@zen/nn';
import { testValues } from '../helpers';

const N = 40;
const x = tensor(testValues(N * 3, 3), { shape: [N, 3] });
const labels = Array.from({ length: N }, (_, i) => i % 3);

function model(units: number, activation: 'softmax' | 'sigmoid', loss: string): Sequential {
  resetNameCounters();
  setSeed(6);
  const m = new Sequential([new Dense({ units, activation, inputShape: [3] })]);
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss });
  return m;
}

describe('a bad target names its sample in the user data', () => {
  test('a sparse label out of range or not an integer: the sample index, not the position in the shuffled batch', async () => {
    const m = model(3, 'softmax', 'sparseCategoricalCrossentropy');
    const bad = [...labels];
    bad[37] = 3;
    await expect(m.fit(x, tensor(bad, { dtype: 'int32' }), { batchSize: 8, verbose: 0 })).rejects.toThrow(
      'sparseCategoricalCrossentropy: label 3 of sample 37 is not an integer class in [0, 3)',
    );
    const half = [...labels];
    half[21] = 1.5;
    await expect(m.fit(x, tensor(half), { batchSize: 8, verbose: 0 })).rejects.toThrow(
      'sparseCategoricalCrossentropy: label 1.5 of sample 21 is not an integer class in [0, 3)',
    );
    expect(() => m.evaluate(x, tensor(bad, { dtype: 'int32' }), { batchSize: 8 })).toThrow(
      'label 3 of sample 37 is not',
    );
    // Validation data too.
    await expect(
      m.fit(x, tensor(labels, { dtype: 'int32' }), {
        validationData: [x, tensor(bad, { dtype: 'int32' })],
        verbose: 0,
      }),
    ).rejects.toThrow('label 3 of sample 37 is not');
  });

  test('in a dataset: the batch and the row', async () => {
    const m = model(3, 'softmax', 'sparseCategoricalCrossentropy');
    function* batches() {
      for (let b = 0; b < 4; b++) {
        const rowsOfBatch = labels.slice(b * 10, b * 10 + 10);
        if (b === 2) rowsOfBatch[5] = -1;
        yield {
          x: tensor(testValues(30, b), { shape: [10, 3] }),
          y: tensor(rowsOfBatch, { dtype: 'int32' }),
        };
      }
    }
    await expect(m.fit(batches(), { verbose: 0 })).rejects.toThrow(
      'sparseCategoricalCrossentropy: label -1 at row 5 of batch 3 (epoch 1) of the dataset is not an integer class in [0, 3)',
    );
  });

  test('a direct loss call still gives the position in its yTrue', () => {
    const p = tensor([
      [0.2, 0.8],
      [0.5, 0.5],
    ]);
    expect(() => losses.sparseCategoricalCrossentropy(tensor([0, 2]), p)).toThrow(
      'sparseCategoricalCrossentropy: label 2 at position 1 is not an integer class in [0, 2)',
    );
  });
});

describe('binary cross-entropy targets outside [0, 1]', () => {
  test('are refused by the loss, naming the value and position', () => {
    const p = tensor([[0.3], [0.6], [0.9]]);
    expect(() => losses.binaryCrossentropy(tensor([[0], [2], [1]]), p)).toThrow(
      'binaryCrossentropy: target 2 at position 1 is outside [0, 1]: the targets are probabilities of the positive class',
    );
    expect(() => losses.binaryCrossentropy(tensor([[0], [-1], [1]]), p, { fromLogits: true })).toThrow(
      'binaryCrossentropy: target -1 at position 1 is outside [0, 1]',
    );
    // Soft targets in [0, 1] stay accepted.
    expect(Number.isFinite(losses.binaryCrossentropy(tensor([[0.25], [1], [0]]), p).item())).toBe(true);
  });

  test('and by fit, naming the sample', async () => {
    const m = model(1, 'sigmoid', 'binaryCrossentropy');
    const targets = labels.map((v) => (v === 2 ? 1 : v));
    targets[9] = 2;
    await expect(m.fit(x, tensor(targets, { shape: [N, 1] }), { batchSize: 8, verbose: 0 })).rejects.toThrow(
      'binaryCrossentropy: target 2 of sample 9 is outside [0, 1]',
    );
  });
});

describe('evaluate warns about a NaN loss', () => {
  test('naming the weight that holds NaN', () => {
    const m = model(3, 'softmax', 'sparseCategoricalCrossentropy');
    const weights = m.getWeights();
    (weights[0] as Tensor).data[4] = NaN;
    m.setWeights(weights);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const logs = m.evaluate(x, tensor(labels, { dtype: 'int32' }));
      expect(Number.isNaN(logs.loss)).toBe(true);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toContain(
        "evaluate: the loss is NaN. Check the model: weight 'dense/kernel' holds NaN or Infinity",
      );
    } finally {
      warn.mockRestore();
    }
  });

  test('and stays quiet for a finite loss', () => {
    const m = model(3, 'softmax', 'sparseCategoricalCrossentropy');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      m.evaluate(x, tensor(labels, { dtype: 'int32' }));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
