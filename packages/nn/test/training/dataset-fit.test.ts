import { Tensor, setSeed, tensor } from '@zen/autograd-core';
import { DataLoader } from '@zen/datasets';
import {
  Dense,
  EarlyStopping,
  Model,
  SGD,
  Sequential,
  type DatasetElement,
  input,
  resetNameCounters,
} from '@zen/nn';
import { testValues } from '../helpers';
import { ProgressLogger } from '../../src/training/progress';

const N = 48;
const x = tensor(testValues(N * 4, 1), { shape: [N, 4] });
const y = tensor(
  Array.from({ length: N }, (_, i) => (testValues(N, 2)[i] > 0 ? (i % 2) + 1 : 0)),
  { dtype: 'int32' },
);

/** Rows [start, end) of t, copied. */
function rows(t: Tensor, start: number, end: number): Tensor {
  const size = t.size / t.shape[0];
  return new Tensor(t.data.slice(start * size, end * size), [end - start, ...t.shape.slice(1)]);
}

/** The batches of (x, y) in order, batch size 16. */
function batchAt(i: number): { x: Tensor; y: Tensor } {
  const s = (i % 3) * 16;
  return { x: rows(x, s, s + 16), y: rows(y, s, s + 16) };
}

function classifier(seed = 1): Sequential {
  setSeed(seed);
  const model = new Sequential([
    new Dense({ units: 8, activation: 'relu', inputShape: [4] }),
    new Dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({
    optimizer: new SGD({ learningRate: 0.1 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

const weightsOf = (m: Model) => m.getWeights().map((t) => Array.from(t.data));

/** The same model trained on the tensors in order (no shuffling), batches of 16. */
async function reference(epochs: number) {
  const model = classifier();
  const history = await model.fit(x, y, { epochs, batchSize: 16, shuffle: false, verbose: 0 });
  return { weights: weightsOf(model), history: history.history };
}

describe('fit on datasets', () => {
  beforeEach(() => resetNameCounters());

  test('a DataLoader trains exactly as the same batches of tensors do, and restarts each epoch', async () => {
    const ref = await reference(3);
    const model = classifier();
    const history = await model.fit(new DataLoader(x, y, { batchSize: 16 }), { epochs: 3, verbose: 0 });
    expect(weightsOf(model)).toEqual(ref.weights);
    expect(history.history).toEqual(ref.history);
  });

  test('an array of { x, y } batches and a re-iterable async source restart each epoch', async () => {
    const ref = await reference(2);
    const arrayModel = classifier();
    await arrayModel.fit([0, 1, 2].map(batchAt), { epochs: 2, verbose: 0 });
    expect(weightsOf(arrayModel)).toEqual(ref.weights);
    let passes = 0;
    const asyncSource = {
      async *[Symbol.asyncIterator]() {
        passes++;
        for (let i = 0; i < 3; i++) {
          await new Promise((r) => setTimeout(r, 0));
          yield batchAt(i);
        }
      },
    };
    const asyncModel = classifier();
    await asyncModel.fit(asyncSource, { epochs: 2, verbose: 0 });
    expect(passes).toBe(2);
    expect(weightsOf(asyncModel)).toEqual(ref.weights);
  });

  test('an async generator (one-shot) trains one epoch to its end', async () => {
    const ref = await reference(1);
    async function* batches() {
      for (let i = 0; i < 3; i++) {
        await Promise.resolve();
        yield batchAt(i);
      }
    }
    const model = classifier();
    const history = await model.fit(batches(), { verbose: 0 });
    expect(weightsOf(model)).toEqual(ref.weights);
    expect(history.history.loss).toEqual(ref.history.loss);
  });

  test('stepsPerEpoch on an infinite generator: epochs continue where the last one stopped', async () => {
    const ref = await reference(4);
    let pulled = 0;
    function* forever(): Generator<{ x: Tensor; y: Tensor }> {
      for (;;) yield batchAt(pulled++);
    }
    const model = classifier();
    const history = await model.fit(forever(), { epochs: 4, stepsPerEpoch: 3, verbose: 0 });
    expect(pulled).toBe(12);
    expect(history.history.loss).toHaveLength(4);
    expect(weightsOf(model)).toEqual(ref.weights);
  });

  test('a one-shot generator that runs out stops training with a warning (Keras)', async () => {
    function* five() {
      for (let i = 0; i < 5; i++) yield batchAt(i);
    }
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const history = await classifier().fit(five(), { epochs: 4, stepsPerEpoch: 3, verbose: 0 });
      expect(history.history.loss).toHaveLength(2);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('fit: the dataset ran out of data in epoch 2'),
      );
    } finally {
      warn.mockRestore();
    }
  });

  test('validationData as a dataset with validationSteps, and as tensors', async () => {
    let pulled = 0;
    function* validation() {
      for (;;) yield batchAt(pulled++);
    }
    const model = classifier();
    const history = await model.fit(new DataLoader(x, y, { batchSize: 16 }), {
      epochs: 3,
      validationData: validation(),
      validationSteps: 2,
      verbose: 0,
    });
    expect(pulled).toBe(6);
    expect(history.history.val_loss).toHaveLength(3);
    // The last epoch's validation saw batches 4 and 5 (= batches 1 and 2 of the data).
    const seen = rows(x, 16, 48);
    const expected = model.evaluate(seen, rows(y, 16, 48), { batchSize: 16 });
    expect(history.history.val_loss[2]).toBeCloseTo(expected.loss, 6);

    const withTensors = await classifier().fit(new DataLoader(x, y, { batchSize: 16 }), {
      epochs: 1,
      validationData: [x, y],
      verbose: 0,
    });
    expect(withTensors.history.val_accuracy).toHaveLength(1);
  });

  test('EarlyStopping works on a dataset', async () => {
    setSeed(4);
    const model = new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
    // A learning rate of 0 keeps val_loss constant: no improvement after the first epoch.
    model.compile({ optimizer: new SGD({ learningRate: 0 }), loss: 'sparseCategoricalCrossentropy' });
    const loader = new DataLoader(x, y, { batchSize: 16 });
    const history = await model.fit(loader, {
      epochs: 10,
      validationData: loader,
      callbacks: [new EarlyStopping({ patience: 2 })],
      verbose: 0,
    });
    expect(history.epoch).toEqual([0, 1, 2]);
  });

  test("fitDataset takes tfjs's { xs, ys } elements, batchesPerEpoch and validationBatches", async () => {
    const ref = await reference(2);
    let pulled = 0;
    const tfjsLike = {
      // tf.data style: iterator() resolves to an iterator; each call starts a new pass.
      async iterator() {
        let i = 0;
        return {
          next: async () => {
            pulled++;
            const b = batchAt(i++);
            return { value: { xs: b.x, ys: b.y }, done: false };
          },
        };
      },
    };
    const model = classifier();
    const history = await model.fitDataset(tfjsLike, {
      epochs: 2,
      batchesPerEpoch: 3,
      validationData: tfjsLike,
      validationBatches: 1,
      verbose: 0,
    });
    expect(weightsOf(model)).toEqual(ref.weights);
    expect(pulled).toBe(2 * 3 + 2 * 1);
    expect(history.history.val_loss).toHaveLength(2);
  });

  test('a two-input, two-output model trains on a dataset of named batches as on the tensors', async () => {
    const build = () => {
      resetNameCounters();
      setSeed(5);
      const a = input({ shape: [2], name: 'a' });
      const b = input({ shape: [2], name: 'b' });
      const reg = new Dense({ units: 1, name: 'reg' }).apply(a);
      const cls = new Dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(b);
      const model = new Model({ inputs: [a, b], outputs: [reg, cls] });
      model.compile({
        optimizer: new SGD({ learningRate: 0.1 }),
        loss: { reg: 'mse', cls: 'sparseCategoricalCrossentropy' },
      });
      return model;
    };
    const a = rows(tensor(testValues(N * 2, 3), { shape: [N, 2] }), 0, N);
    const b = rows(tensor(testValues(N * 2, 4), { shape: [N, 2] }), 0, N);
    const reg = tensor(testValues(N, 5), { shape: [N, 1] });
    const ref = build();
    const refHistory = await ref.fit(
      { a, b },
      { reg, cls: y },
      { batchSize: 16, shuffle: false, epochs: 2, verbose: 0 },
    );
    function* named(): Generator<DatasetElement> {
      for (let s = 0; s < N; s += 16) {
        yield {
          x: { a: rows(a, s, s + 16), b: rows(b, s, s + 16) },
          y: [rows(reg, s, s + 16), rows(y, s, s + 16)],
        };
      }
    }
    const model = build();
    const history = await model.fit({ [Symbol.iterator]: named }, { epochs: 2, verbose: 0 });
    expect(weightsOf(model)).toEqual(weightsOf(ref));
    expect(history.history).toEqual(refHistory.history);
    const logs = await model.evaluate({ [Symbol.iterator]: named });
    expect(logs.loss).toBeCloseTo(model.evaluate({ a, b }, { reg, cls: y }, { batchSize: 16 }).loss, 6);
  });

  test('sample weights in the batches (a DataLoader with sampleWeight) train as fit with sampleWeight', async () => {
    const w = tensor(testValues(N, 8).map((v) => Math.abs(v) * 2));
    const ref = classifier();
    const refHistory = await ref.fit(x, y, {
      sampleWeight: w,
      batchSize: 16,
      shuffle: false,
      epochs: 2,
      verbose: 0,
    });
    const model = classifier();
    const history = await model.fit(new DataLoader(x, y, { batchSize: 16, sampleWeight: w }), {
      epochs: 2,
      verbose: 0,
    });
    expect(weightsOf(model)).toEqual(weightsOf(ref));
    expect(history.history).toEqual(refHistory.history);
    expect(await model.evaluate(new DataLoader(x, y, { batchSize: 16, sampleWeight: w }))).toEqual(
      model.evaluate(x, y, { batchSize: 16, sampleWeight: w }),
    );
  });

  test('evaluate and evaluateDataset on datasets', async () => {
    const model = classifier();
    const loader = new DataLoader(x, y, { batchSize: 16 });
    const onTensors = model.evaluate(x, y, { batchSize: 16 });
    expect(await model.evaluate(loader)).toEqual(onTensors);
    const firstTwo = model.evaluate(rows(x, 0, 32), rows(y, 0, 32), { batchSize: 16 });
    expect(await model.evaluate(loader, { steps: 2 })).toEqual(firstTwo);
    expect(await model.evaluateDataset(loader, { batches: 2 })).toEqual(firstTwo);
  });

  test('the progress line counts the steps of a dataset of unknown length', async () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      lines.push(String(s));
      return true;
    });
    try {
      async function* batches() {
        for (let i = 0; i < 3; i++) yield batchAt(i);
      }
      await classifier().fit(batches(), { verbose: 2 });
    } finally {
      write.mockRestore();
    }
    expect(lines.join('')).toMatch(/Epoch 1\/1 - 3 steps/);
    // On a terminal the bar counts n/Unknown during the first epoch, then knows the total.
    const drawn: string[] = [];
    const bar = new ProgressLogger({
      verbose: 1,
      epochs: 2,
      stepsPerEpoch: null,
      stream: { write: (s: string) => drawn.push(s), isTTY: true },
    });
    for (const epoch of [0, 1]) {
      bar.onEpochBegin(epoch);
      for (let b = 0; b < 3; b++) bar.onBatchEnd(b, { loss: 1 });
      bar.onEpochEnd(epoch, { loss: 1 });
    }
    expect(drawn.join('')).toContain('1/Unknown');
    expect(drawn.join('')).toContain('3/3 [====');
  });
});

describe('fit on datasets: bad input', () => {
  beforeEach(() => resetNameCounters());

  test('a batch without y', async () => {
    function* noY() {
      yield { x: rows(x, 0, 16) };
    }
    await expect(classifier().fit(noY() as never, { verbose: 0 })).rejects.toThrow(
      "fit: batch 1 (epoch 1) of the dataset has no 'y': training and evaluation need targets",
    );
  });

  test('x and y of a batch with different sizes name both shapes', async () => {
    function* mismatched() {
      yield batchAt(0);
      yield { x: rows(x, 0, 16), y: rows(y, 0, 12) };
    }
    await expect(classifier().fit(mismatched(), { verbose: 0 })).rejects.toThrow(
      'fit: batch 2 (epoch 1) of the dataset: x has 16 samples (shape [16,4]) but y has 12 (shape [12]); they must match',
    );
  });

  test('unknown keys in elements and options are refused with the nearest name', async () => {
    function* labelled() {
      yield { x: rows(x, 0, 16), y: rows(y, 0, 16), sampleWeights: rows(x, 0, 16) };
    }
    await expect(classifier().fit(labelled() as never, { verbose: 0 })).rejects.toThrow(
      "fit: batch 1 (epoch 1) of the dataset has an unknown key 'sampleWeights' (did you mean 'sampleWeight'?)",
    );
    const loader = new DataLoader(x, y, { batchSize: 16 });
    await expect(classifier().fit(loader, { stepsPerEpoh: 2 } as never)).rejects.toThrow(
      "model.fit: unknown option 'stepsPerEpoh'; did you mean 'stepsPerEpoch'?",
    );
    await expect(classifier().fitDataset(loader, { stepsPerEpoch: 2 } as never)).rejects.toThrow(
      "model.fitDataset: unknown option 'stepsPerEpoch'; did you mean 'batchesPerEpoch'?",
    );
    await expect(classifier().fit(loader, { validationBatches: 2 } as never)).rejects.toThrow(
      "model.fit: unknown option 'validationBatches'; did you mean 'validationSteps'?",
    );
    await expect(classifier().evaluateDataset(loader, { steps: 2 } as never)).rejects.toThrow(
      "model.evaluateDataset: unknown option 'steps'",
    );
  });

  test('tensor-only options with a dataset, and a one-shot iterator without stepsPerEpoch', async () => {
    const loader = new DataLoader(x, y, { batchSize: 16 });
    await expect(classifier().fit(loader, { batchSize: 8, verbose: 0 })).rejects.toThrow(
      'fit: batchSize is not taken with a dataset: the dataset yields its own batches',
    );
    await expect(classifier().fit(loader, { sampleWeight: x, verbose: 0 })).rejects.toThrow(
      'fit: sampleWeight is not taken with a dataset: put sampleWeight in the dataset elements',
    );
    await expect(classifier().fit(x, y, { stepsPerEpoch: 2, verbose: 0 })).rejects.toThrow(
      'fit: stepsPerEpoch is for datasets',
    );
    function* gen() {
      for (let i = 0; i < 3; i++) yield batchAt(i);
    }
    await expect(classifier().fit(gen(), { epochs: 2, verbose: 0 })).rejects.toThrow(
      'fit: the dataset is a one-shot iterator (a generator object), which cannot start over each epoch: give stepsPerEpoch',
    );
    await expect(classifier().fit(loader as never, y as never, { verbose: 0 })).rejects.toThrow(
      'fit: x is a dataset, whose elements hold y',
    );
  });
});
