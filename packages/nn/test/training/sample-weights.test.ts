import { type Tensor, oneHot, setSeed, tensor } from '@zen/autograd-core';
import { Dense, Model, SGD, Sequential, input, losses, resetNameCounters } from '@zen/nn';
import { testValues } from '../helpers';

const N = 6;
const x = tensor(testValues(N * 4, 7), { shape: [N, 4] });
const labels = [0, 2, 1, 2, 0, 1];
const y = tensor(labels, { dtype: 'int32' });
const w = [0.5, 2, 0, 1, 3, 1.5];

function classifier(loss = 'sparseCategoricalCrossentropy'): Sequential {
  resetNameCounters();
  setSeed(11);
  const model = new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
  model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss });
  return model;
}

/** Per-sample cross-entropy −log p[label], from the model's probabilities, in plain JS. */
function perSampleCrossEntropy(model: Model, classes: number[]): number[] {
  const p = (model.predict(x) as Tensor).toArray() as number[][];
  return classes.map((c, i) => -Math.log(p[i][c]));
}

/** Keras's default reduction: Σ wᵢ·lᵢ / N (the number of samples, not Σ w). */
const weightedMean = (l: number[], weights: number[]) =>
  l.reduce((s, v, i) => s + weights[i] * v, 0) / l.length;

describe('sampleWeight and classWeight (Keras semantics)', () => {
  test('evaluate with sampleWeight: Σ wᵢ·lᵢ / N, over batches of any size', () => {
    const model = classifier();
    const expected = weightedMean(perSampleCrossEntropy(model, labels), w);
    const plain = perSampleCrossEntropy(model, labels).reduce((a, b) => a + b) / N;
    const logs = model.evaluate(x, y, { sampleWeight: tensor(w), batchSize: 4 });
    expect(logs.loss).toBeCloseTo(expected, 5);
    expect(Math.abs(logs.loss - plain)).toBeGreaterThan(1e-3);
  });

  test("fit's loss is weighted the same way (the first epoch's loss is the loss before the update)", async () => {
    const model = classifier();
    const expected = weightedMean(perSampleCrossEntropy(model, labels), w);
    const history = await model.fit(x, y, {
      sampleWeight: tensor(w),
      batchSize: N,
      shuffle: false,
      verbose: 0,
    });
    expect(history.history.loss[0]).toBeCloseTo(expected, 5);
  });

  test('classWeight weighs each sample by its class, for sparse and for one-hot targets', async () => {
    const classWeight = { 0: 1, 1: 4, 2: 0.25 };
    const perSample = labels.map((c) => classWeight[c as 0 | 1 | 2]);
    const sparse = classifier();
    const expected = weightedMean(perSampleCrossEntropy(sparse, labels), perSample);
    const h1 = await sparse.fit(x, y, { classWeight, batchSize: N, shuffle: false, verbose: 0 });
    expect(h1.history.loss[0]).toBeCloseTo(expected, 5);

    const oneHotModel = classifier('categoricalCrossentropy');
    const h2 = await oneHotModel.fit(x, oneHot(y, 3), {
      classWeight,
      batchSize: N,
      shuffle: false,
      verbose: 0,
    });
    expect(h2.history.loss[0]).toBeCloseTo(expected, 5);
  });

  test('classWeight and sampleWeight multiply; training with classWeight equals training with the same sampleWeight', async () => {
    const classWeight = { 1: 3 };
    const asSamples = labels.map((c) => (c === 1 ? 3 : 1));
    const a = classifier();
    await a.fit(x, y, { classWeight, batchSize: 2, epochs: 2, verbose: 0 });
    const b = classifier();
    await b.fit(x, y, { sampleWeight: tensor(asSamples), batchSize: 2, epochs: 2, verbose: 0 });
    expect(a.getWeights().map((t) => Array.from(t.data))).toEqual(
      b.getWeights().map((t) => Array.from(t.data)),
    );

    const c = classifier();
    const expected = weightedMean(
      perSampleCrossEntropy(c, labels),
      asSamples.map((v, i) => v * w[i]),
    );
    const h = await c.fit(x, y, {
      classWeight,
      sampleWeight: tensor(w),
      batchSize: N,
      shuffle: false,
      verbose: 0,
    });
    expect(h.history.loss[0]).toBeCloseTo(expected, 5);
  });

  test('trainOnBatch takes sampleWeight and classWeight (its loss is the one before the update)', () => {
    const model = classifier();
    const expected = weightedMean(perSampleCrossEntropy(model, labels), w);
    expect(model.trainOnBatch(x, y, { sampleWeight: tensor(w) }).loss).toBeCloseTo(expected, 5);
    const byClass = labels.map((c) => (c === 2 ? 5 : 1));
    const next = weightedMean(perSampleCrossEntropy(model, labels), byClass);
    expect(model.trainOnBatch(x, y, { classWeight: { 2: 5 } }).loss).toBeCloseTo(next, 5);
    expect(() => model.trainOnBatch(x, y, { sample_weight: tensor(w) } as never)).toThrow(
      "model.trainOnBatch: unknown option 'sample_weight'; did you mean 'sampleWeight'?",
    );
  });

  test('validationData [x, y, sampleWeight] and validationSplit use the validation weights', async () => {
    const model = classifier();
    const history = await model.fit(x, y, {
      validationData: [x, y, tensor(w)],
      verbose: 0,
    });
    const expected = model.evaluate(x, y, { sampleWeight: tensor(w) }).loss;
    expect(history.history.val_loss[0]).toBeCloseTo(expected, 6);
  });

  test('losses take { sampleWeight } directly: mse per sample is the mean over its values', () => {
    const yTrue = tensor([
      [1, 2],
      [0, 0],
      [3, -1],
    ]);
    const yPred = tensor([
      [1.5, 2],
      [1, -1],
      [2, 1],
    ]);
    const sw = [2, 0.5, 1];
    const perSample = [(0.25 + 0) / 2, (1 + 1) / 2, (1 + 4) / 2];
    const value = losses.meanSquaredError(yTrue, yPred, { sampleWeight: tensor(sw) }).item();
    expect(value).toBeCloseTo(weightedMean(perSample, sw), 6);
    // [N, 1] weights are the same weights.
    const column = losses.meanSquaredError(yTrue, yPred, { sampleWeight: tensor(sw, { shape: [3, 1] }) });
    expect(column.item()).toBeCloseTo(value, 7);
  });

  test('a custom loss returning one value per sample is weighted; a scalar one is refused with weights', async () => {
    const perSample = (t: Tensor, p: Tensor) => p.sub(t.reshape(p.shape)).square().mean(-1);
    resetNameCounters();
    setSeed(2);
    const model = new Sequential([new Dense({ units: 2, inputShape: [4] })]);
    model.compile({ optimizer: 'sgd', loss: perSample });
    const target = tensor(testValues(N * 2, 9), { shape: [N, 2] });
    const p = (model.predict(x) as Tensor).toArray() as number[][];
    const t = target.toArray() as number[][];
    const l = p.map((row, i) => row.reduce((s, v, j) => s + (v - t[i][j]) ** 2, 0) / 2);
    expect(model.evaluate(x, target, { sampleWeight: tensor(w) }).loss).toBeCloseTo(weightedMean(l, w), 5);
    expect(model.evaluate(x, target).loss).toBeCloseTo(l.reduce((a, b) => a + b) / N, 5);

    model.compile({ optimizer: 'sgd', loss: (a: Tensor, b: Tensor) => perSample(a, b).mean() });
    expect(() => model.evaluate(x, target, { sampleWeight: tensor(w) })).toThrow(
      'returns one value for the whole batch, so sampleWeight/classWeight cannot weight its samples',
    );
  });
});

describe('sampleWeight per output', () => {
  test('by output name: each output loss is weighted by its own weights', () => {
    resetNameCounters();
    setSeed(12);
    const a = input({ shape: [4], name: 'a' });
    const model = new Model({
      inputs: a,
      outputs: [
        new Dense({ units: 3, activation: 'softmax', name: 'p' }).apply(a),
        new Dense({ units: 3, activation: 'softmax', name: 'q' }).apply(a),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', lossWeights: [1, 0.5] });
    const [pp, pq] = model.predict<Tensor[]>(x).map((t) => t.toArray() as number[][]);
    const lp = labels.map((c, i) => -Math.log(pp[i][c]));
    const lq = labels.map((c, i) => -Math.log(pq[i][c]));
    const logs = model.evaluate(x, [y, y], { sampleWeight: { p: tensor(w) }, batchSize: 4 });
    expect(logs.p_loss).toBeCloseTo(weightedMean(lp, w), 5);
    expect(logs.q_loss).toBeCloseTo(lq.reduce((s, v) => s + v) / N, 5);
    expect(logs.loss).toBeCloseTo(weightedMean(lp, w) + 0.5 * (lq.reduce((s, v) => s + v) / N), 5);
  });
});

describe('sampleWeight and classWeight: bad values', () => {
  test('wrong length, negative and non-finite weights name the sample', async () => {
    const model = classifier();
    await expect(model.fit(x, y, { sampleWeight: tensor([1, 2, 3]), verbose: 0 })).rejects.toThrow(
      'fit: sampleWeight has shape [3] but the data has 6 samples: give one weight per sample (shape [6])',
    );
    await expect(model.fit(x, y, { sampleWeight: tensor([1, 1, -1, 1, 1, 1]), verbose: 0 })).rejects.toThrow(
      'fit: sampleWeight holds -1 at sample 2; weights must be finite and non-negative',
    );
    expect(() => model.evaluate(x, y, { sampleWeight: tensor([1, 1, 1, 1, NaN, 1]) })).toThrow(
      'evaluate: sampleWeight holds NaN at sample 4',
    );
    await expect(model.fit(x, y, { sampleWeight: [1, 2] as never, verbose: 0 })).rejects.toThrow(
      'fit: sampleWeight lists 2 tensors but the model has 1 outputs',
    );
  });

  test('classWeight: a class out of range, a key that is not a class, a bad weight, several outputs', async () => {
    const model = classifier();
    await expect(model.fit(x, y, { classWeight: { 0: 1, 5: 2 }, verbose: 0 })).rejects.toThrow(
      "fit: classWeight names class 5, but the model's output (shape [6,3]) has 3 classes (0 to 2)",
    );
    const oneHotModel = classifier('categoricalCrossentropy');
    await expect(oneHotModel.fit(x, oneHot(y, 3), { classWeight: { 3: 2 }, verbose: 0 })).rejects.toThrow(
      'fit: classWeight names class 3',
    );
    await expect(model.fit(x, y, { classWeight: { cat: 2 } as never, verbose: 0 })).rejects.toThrow(
      "fit: classWeight has a key 'cat' that is not a class index",
    );
    await expect(model.fit(x, y, { classWeight: { 1: -2 }, verbose: 0 })).rejects.toThrow(
      'fit: classWeight[1] is -2; weights must be finite and non-negative',
    );
    await expect(model.fit(x, y, { classWeight: { 1: Infinity }, verbose: 0 })).rejects.toThrow(
      'fit: classWeight[1] is Infinity',
    );
    resetNameCounters();
    const a = input({ shape: [4], name: 'a' });
    const two = new Model({
      inputs: a,
      outputs: [new Dense({ units: 3, name: 'p' }).apply(a), new Dense({ units: 3, name: 'q' }).apply(a)],
    });
    two.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    await expect(two.fit(x, [y, y], { classWeight: { 1: 2 }, verbose: 0 })).rejects.toThrow(
      'fit: classWeight is for models with one output (as Keras)',
    );
  });
});
