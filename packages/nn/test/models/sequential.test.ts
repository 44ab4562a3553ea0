import { type Tensor, setSeed, tensor } from '@zen/autograd-core';
import {
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  MaxPooling2D,
  SGD,
  Sequential,
  SimpleRNN,
  Softmax,
  losses,
  resetNameCounters,
} from '@zen/nn';
import { expectClose, softmaxRef, testValues } from '../helpers';

function mlp(): Sequential {
  return new Sequential([
    new Dense({ units: 4, activation: 'relu', inputShape: [3] }),
    new Dense({ units: 2, activation: 'softmax' }),
  ]);
}

const x = tensor(testValues(15, 2), { shape: [5, 3] });
const labels = tensor([0, 1, 1, 0, 1], { dtype: 'int32' });

describe('Sequential', () => {
  // Default layer names count up across the process (Keras); start each test from 'dense'.
  beforeEach(() => resetNameCounters());
  test('builds from the first layer’s inputShape and chains the layers', () => {
    setSeed(1);
    const model = mlp();
    model.build();
    expect(model.built).toBe(true);
    expect(model.outputShape).toEqual([null, 2]);
    const [d1, d2] = model.layers as Dense[];
    const hidden = d1.apply(x);
    expect(model.call(x).toArray()).toEqual(d2.apply(hidden).toArray());
    expect(model.parameters()).toHaveLength(4);
    expect(model.countParams()).toBe(3 * 4 + 4 + 4 * 2 + 2);
  });

  test('builds lazily from data when no inputShape is given; add() extends a built model', () => {
    const model = new Sequential();
    model.add(new Dense({ units: 3 }));
    expect(model.built).toBe(false);
    model.call(tensor([[1, 2]]));
    expect(model.built).toBe(true);
    model.add(new Dense({ units: 1 }));
    expect(model.layers[1].built).toBe(true);
    expect(model.call(tensor([[1, 2]])).shape).toEqual([1, 1]);
  });

  test('inputShape may leave an axis open (null): sequences of any length', () => {
    const model = new Sequential([
      new SimpleRNN({ units: 3, inputShape: [null, 2] }),
      new Dense({ units: 1 }),
    ]);
    expect(model.outputShape).toEqual([null, 1]);
    expect(model.predict(tensor(testValues(2 * 5 * 2), { shape: [2, 5, 2] })).shape).toEqual([2, 1]);
    expect(model.predict(tensor(testValues(2 * 9 * 2), { shape: [2, 9, 2] })).shape).toEqual([2, 1]);
    expect(() => model.predict(tensor(testValues(2 * 5 * 3), { shape: [2, 5, 3] }))).toThrow(
      "input of shape [2,5,3] does not match the model's input shape [null,null,2] (first layer 'simple_rnn')",
    );
    // Built from data (no inputShape), other lengths are accepted too; the layers check their axes.
    const lazy = new Sequential([new SimpleRNN({ units: 3 })]);
    lazy.call(tensor(testValues(4), { shape: [1, 2, 2] }));
    expect(lazy.call(tensor(testValues(6), { shape: [1, 3, 2] })).shape).toEqual([1, 3]);
    expect(() => lazy.call(tensor(testValues(3), { shape: [1, 1, 3] }))).toThrow(
      "SimpleRNN layer 'simple_rnn_1': expected input with axis -1 of length 2, got shape [1,1,3]",
    );
  });

  test('summary lists layers, output shapes and parameter counts', () => {
    const model = new Sequential([
      new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new BatchNormalization(),
      new Flatten(),
      new Dropout({ rate: 0.5 }),
      new Dense({ units: 10, activation: 'softmax' }),
    ]);
    const text = model.summary({ print: false });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "sequential"');
    const row = (name: string) => lines.find((l) => l.startsWith(name))!.split(/\s{2,}/);
    expect(row('conv2d (Conv2D)')).toEqual(['conv2d (Conv2D)', '[null,26,26,8]', '80']);
    expect(row('max_pooling2d (MaxPooling2D)')).toEqual([
      'max_pooling2d (MaxPooling2D)',
      '[null,13,13,8]',
      '0',
    ]);
    expect(row('batch_normalization')).toEqual([
      'batch_normalization (BatchNormalization)',
      '[null,13,13,8]',
      '32',
    ]);
    expect(row('flatten (Flatten)')).toEqual(['flatten (Flatten)', '[null,1352]', '0']);
    expect(row('dense (Dense)')).toEqual(['dense (Dense)', '[null,10]', '13530']);
    expect(text).toContain('Total params: 13,642');
    expect(text).toContain('Trainable params: 13,626');
    expect(text).toContain('Non-trainable params: 16');
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    expect(model.summary()).toBe(text);
    expect(log).toHaveBeenCalledWith(text);
    log.mockRestore();
  });

  test('summary of a model without a known input shape explains what is missing', () => {
    expect(() => new Sequential([new Dense({ units: 1 })]).summary({ print: false })).toThrow(
      "Sequential 'sequential': cannot build without an input shape; give the first layer an inputShape or call the model on data",
    );
  });

  test('a wrong input shape names the model’s expected shape and the first layer', () => {
    const model = mlp();
    expect(() => model.call(tensor([[1, 2]]))).toThrow(
      "Sequential 'sequential': input of shape [1,2] does not match the model's input shape [null,3] (first layer 'dense')",
    );
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    expect(() => model.predict(tensor([[[1, 2, 3]]]))).toThrow('input of shape [1,1,3] does not match');
    expect(() => model.evaluate(tensor([[1, 2]]), tensor([0]))).toThrow(
      "evaluate: input of shape [1,2] does not match the model's input shape [null,3]",
    );
  });

  test('compile is required before training and checks its arguments', async () => {
    const model = mlp();
    await expect(model.fit(x, labels, { verbose: 0 })).rejects.toThrow('fit: compile the model first');
    expect(() => model.evaluate(x, labels)).toThrow('evaluate: compile the model first');
    expect(() => model.compile({ optimizer: 'adam' } as never)).toThrow(
      'compile: both optimizer and loss are required',
    );
    expect(() => model.compile({ optimizer: 'adam', loss: 'crossentropy' as never })).toThrow(
      "unknown loss 'crossentropy'",
    );
    expect(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1'] })).toThrow(
      "unknown metric 'f1'",
    );
  });

  test('softmax output + cross-entropy is computed from the logits (exact even when saturated)', () => {
    const model = new Sequential([
      new Dense({ units: 3, activation: 'softmax', inputShape: [1], useBias: false }),
    ]);
    model.build();
    model.setWeights([tensor([[1e4, -1e4, 0]])]);
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    // Logits [1e4, −1e4, 0]: the loss of label 1 is 2e4 (log(softmax) would clip it to −log 1e-7 ≈ 16).
    const { loss, accuracy } = model.evaluate(tensor([[1]]), tensor([1]));
    expect(loss).toBeCloseTo(2e4, 0);
    expect(accuracy).toBe(0);
    // A separate Softmax layer fuses too; gradients stay finite.
    const two = new Sequential([new Dense({ units: 3, inputShape: [1], useBias: false }), new Softmax()]);
    two.build();
    two.setWeights([tensor([[1e4, -1e4, 0]])]);
    two.compile({ optimizer: new SGD({ learningRate: 1e-6 }), loss: 'categoricalCrossentropy' });
    const logs = two.trainOnBatch(tensor([[1]]), tensor([[0, 1, 0]]));
    expect(logs.loss).toBeCloseTo(2e4, 0);
    expect(Array.from(two.weights[0].value.data).every(Number.isFinite)).toBe(true);
  });

  test('the fused loss equals the loss on the predicted probabilities for moderate logits', () => {
    setSeed(4);
    const model = mlp();
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const probs = model.predict(x);
    const direct =
      -(probs.toArray() as number[][]).reduce((s, row, i) => s + Math.log(row[labels.data[i]]), 0) / 5;
    expect(model.evaluate(x, labels).loss).toBeCloseTo(direct, 5);
  });

  test('predict matches call in inference mode, across batch boundaries', () => {
    setSeed(2);
    const model = new Sequential([
      new Dense({ units: 6, inputShape: [3] }),
      new Dropout({ rate: 0.5 }),
      new Dense({ units: 2, activation: 'softmax' }),
    ]);
    const all = model.call(x, { training: false });
    const batched = model.predict(x, { batchSize: 2 });
    expect(batched.shape).toEqual([5, 2]);
    expect(Array.from(batched.data)).toEqual(Array.from(all.data));
    (batched.toArray() as number[][]).forEach((row) => expect(row[0] + row[1]).toBeCloseTo(1, 6));
  });

  test('a PyTorch-style loop works with the same objects (zeroGrad/step without arguments after compile)', () => {
    setSeed(3);
    const model = new Sequential([new Dense({ units: 2, inputShape: [3] })]);
    const opt = new SGD({ learningRate: 0.1 });
    model.compile({ optimizer: opt, loss: 'sparseCategoricalCrossentropy' });
    const lossAt = () =>
      losses.sparseCategoricalCrossentropy(labels, model.call(x), { fromLogits: true }).item();
    const before = lossAt();
    for (let i = 0; i < 20; i++) {
      opt.zeroGrad();
      const logits = model.call(x, { training: true });
      losses.sparseCategoricalCrossentropy(labels, logits, { fromLogits: true }).backward();
      opt.step();
    }
    expect(lossAt()).toBeLessThan(before);
  });

  test('trainOnBatch does exactly one SGD update from autograd gradients', () => {
    setSeed(5);
    const model = new Sequential([new Dense({ units: 1, inputShape: [3] })]);
    model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    const [w0, b0] = model.getWeights();
    const y = tensor([[1], [0], [2], [1], [-1]]);
    const logs = model.trainOnBatch(x, y);
    // By hand: residual r = xw + b − y; dL/dw = 2/N·xᵀr, dL/db = 2/N·Σr.
    const X = x.toArray() as number[][];
    const w = (w0.toArray() as number[][]).map((r) => r[0]);
    const r = X.map((row, i) => row.reduce((s, v, k) => s + v * w[k], b0.data[0]) - y.data[i]);
    expect(logs.loss).toBeCloseTo(r.reduce((s, v) => s + v * v, 0) / 5, 6);
    const gradW = w.map((_, k) => (2 / 5) * X.reduce((s, row, i) => s + row[k] * r[i], 0));
    const gradB = (2 / 5) * r.reduce((s, v) => s + v, 0);
    expectClose(
      Array.from(model.weights[0].value.data),
      w.map((v, k) => v - 0.1 * gradW[k]),
      1e-5,
    );
    expect(model.weights[1].value.data[0]).toBeCloseTo(b0.data[0] - 0.1 * gradB, 5);
  });

  test('evaluate returns the loss and metrics, weighted over uneven batches', () => {
    setSeed(6);
    const model = mlp();
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const whole = model.evaluate(x, labels, { batchSize: 5 });
    const batched = model.evaluate(x, labels, { batchSize: 2 });
    expect(batched.loss).toBeCloseTo(whole.loss, 6);
    expect(batched.accuracy).toBeCloseTo(whole.accuracy, 12);
    const probs = model.predict(x).toArray() as number[][];
    const hits = probs.filter((row, i) => (row[1] > row[0] ? 1 : 0) === labels.data[i]).length;
    expect(whole.accuracy).toBeCloseTo(hits / 5, 12);
    expect(Object.keys(whole)).toEqual(['loss', 'accuracy']);
  });

  test('getWeights/setWeights snapshot and restore every weight', () => {
    const model = mlp();
    model.build();
    const snapshot = model.getWeights();
    model.weights[0].value.data[0] += 1;
    expect(model.weights[0].value.data[0]).not.toBe(snapshot[0].data[0]);
    model.setWeights(snapshot);
    expect(model.getWeights().map((t: Tensor) => Array.from(t.data))).toEqual(
      snapshot.map((t) => Array.from(t.data)),
    );
    expect(() => model.setWeights(snapshot.slice(1))).toThrow(
      'Sequential.setWeights: got 3 tensors for 4 weights',
    );
  });

  test('only the first layer may declare an inputShape; non-layers are refused', () => {
    expect(
      () =>
        new Sequential([new Dense({ units: 1, inputShape: [2] }), new Dense({ units: 1, inputShape: [1] })]),
    ).toThrow("only the first layer may have an inputShape ('dense_1' has one)");
    expect(() => new Sequential([{} as never])).toThrow('Sequential.add: expected a Layer, got Object');
  });

  test('softmaxRef sanity: model probabilities are a softmax of the logits', () => {
    const model = new Sequential([new Dense({ units: 3, inputShape: [3] }), new Softmax()]);
    const logits = (model.layers[0] as Dense).apply(x).toArray() as number[][];
    expectClose(model.predict(x).toArray(), logits.map(softmaxRef), 1e-6);
  });
});
