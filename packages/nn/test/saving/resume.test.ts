/**
 * Exact resume: 2 epochs, save, load, 2 more epochs give weights bit-identical to 4
 * uninterrupted epochs — with shuffling and dropout on — for every optimiser, with and
 * without a learning-rate schedule; ModelCheckpoint saves the same state. And per-model
 * random streams: models trained concurrently get the weights they get alone.
 */
import * as path from 'path';
import { setSeed, tensor } from '@zen/autograd-core';
import {
  Adagrad,
  Adam,
  AdamW,
  Dense,
  Dropout,
  ModelCheckpoint,
  type Optimizer,
  RMSProp,
  SGD,
  Sequential,
  exponentialDecay,
  loadModel,
} from '@zen/nn';
import { testValues } from '../helpers';
import { bits, useTempDir } from './temp-dir';

let dir: string;
useTempDir('zen-resume-', (d) => (dir = d));

const x = tensor(testValues(23 * 4, 9), { shape: [23, 4] });
const y = tensor(
  Array.from({ length: 23 }, (_, i) => (i * 7) % 3),
  { dtype: 'int32' },
);
const weightBits = (m: Sequential) => m.getWeights().map(bits);

function model(optimizer: Optimizer): Sequential {
  setSeed(5);
  const m = new Sequential([
    new Dense({ units: 8, activation: 'relu', inputShape: [4] }),
    new Dropout({ rate: 0.3 }),
    new Dense({ units: 3, activation: 'softmax' }),
  ]);
  m.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  return m;
}

const schedule = () => exponentialDecay({ initialLearningRate: 0.05, decaySteps: 3, decayRate: 0.8 });
const optimizers: [string, (lr: () => number | ReturnType<typeof schedule>) => Optimizer][] = [
  ['SGD with momentum', (lr) => new SGD({ learningRate: lr(), momentum: 0.9 })],
  ['SGD with Nesterov momentum', (lr) => new SGD({ learningRate: lr(), momentum: 0.9, nesterov: true })],
  ['RMSProp with momentum', (lr) => new RMSProp({ learningRate: lr(), momentum: 0.5 })],
  ['Adagrad', (lr) => new Adagrad({ learningRate: lr() })],
  ['Adam', (lr) => new Adam({ learningRate: lr() })],
  ['AdamW', (lr) => new AdamW({ learningRate: lr(), weightDecay: 0.01 })],
];
const rates: [string, () => number | ReturnType<typeof schedule>][] = [
  ['a constant rate', () => 0.05],
  ['an exponential decay schedule', schedule],
];
const fitArgs = { batchSize: 5, verbose: 0 as const, shuffle: true };

describe('save + load resumes training exactly', () => {
  const cases = optimizers.flatMap(([name, make]) =>
    rates.map(([rate, lr]) => [name, rate, () => make(lr)] as const),
  );

  test.each(cases)('%s, %s: 2 + 2 epochs equal 4 epochs bit for bit', async (_, __, makeOptimizer) => {
    const whole = model(makeOptimizer());
    await whole.fit(x, y, { ...fitArgs, epochs: 4 });

    const first = model(makeOptimizer());
    await first.fit(x, y, { ...fitArgs, epochs: 2 });
    await first.save(dir);
    const resumed = await loadModel<Sequential>(dir);
    await resumed.fit(x, y, { ...fitArgs, epochs: 4, initialEpoch: 2 });

    expect(resumed.optimizer!.iterations).toBe(whole.optimizer!.iterations);
    expect(weightBits(resumed)).toEqual(weightBits(whole));
    // Without the optimiser state the continuation differs: the test can fail.
    await first.save(dir, { includeOptimizer: false });
    const fresh = await loadModel<Sequential>(dir);
    await fresh.fit(x, y, { ...fitArgs, epochs: 4, initialEpoch: 2 });
    expect(weightBits(fresh)).not.toEqual(weightBits(whole));
  });

  test('a ModelCheckpoint of epoch 2 resumes exactly too', async () => {
    const whole = model(new Adam({ learningRate: schedule() }));
    const filepath = path.join(dir, 'epoch-{epoch}');
    await whole.fit(x, y, { ...fitArgs, epochs: 4, callbacks: [new ModelCheckpoint({ filepath })] });
    const resumed = await loadModel<Sequential>(path.join(dir, 'epoch-2'));
    await resumed.fit(x, y, { ...fitArgs, epochs: 4, initialEpoch: 2 });
    expect(weightBits(resumed)).toEqual(weightBits(whole));
  });
});

describe('per-model random streams', () => {
  function pair(): [Sequential, Sequential] {
    setSeed(9);
    const make = () => {
      const m = new Sequential([
        new Dense({ units: 6, activation: 'relu', inputShape: [4] }),
        new Dropout({ rate: 0.5 }),
        new Dense({ units: 3 }),
      ]);
      m.compile({
        optimizer: new SGD({ learningRate: 0.1 }),
        loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true },
      });
      return m;
    };
    return [make(), make()];
  }

  test('two models trained concurrently get the weights they get one after the other, under any yieldEvery', async () => {
    const [a, b] = pair();
    await a.fit(x, y, { ...fitArgs, epochs: 3, yieldEvery: 'never' });
    await b.fit(x, y, { ...fitArgs, epochs: 3, yieldEvery: 'never' });
    for (const [ya, yb] of [
      ['batch', 'batch'],
      ['batch', 'epoch'],
      ['auto', 'batch'],
    ] as const) {
      const [c, d] = pair();
      await Promise.all([
        c.fit(x, y, { ...fitArgs, epochs: 3, yieldEvery: ya }),
        d.fit(x, y, { ...fitArgs, epochs: 3, yieldEvery: yb }),
      ]);
      expect(weightBits(c)).toEqual(weightBits(a));
      expect(weightBits(d)).toEqual(weightBits(b));
    }
    // The two streams differ (the second model is not a copy of the first).
    expect(weightBits(a)).not.toEqual(weightBits(b));
  });

  test('a model draws from its own stream: other draws in between change nothing', async () => {
    const [a] = pair();
    await a.fit(x, y, { ...fitArgs, epochs: 2 });
    const [c] = pair();
    Math.random();
    tensor([1]).add(1);
    new Dropout({ rate: 0.5 }).apply(tensor([[1, 2, 3, 4]]), { training: true }); // draws from the global stream
    await c.fit(x, y, { ...fitArgs, epochs: 2 });
    expect(weightBits(c)).toEqual(weightBits(a));
  });
});

describe('fit refuses an initialEpoch past the end', () => {
  test('initialEpoch ≥ epochs says how epochs counts', async () => {
    const m = model(new SGD({ learningRate: 0.1 }));
    await expect(m.fit(x, y, { ...fitArgs, epochs: 2, initialEpoch: 2 })).rejects.toThrow(
      'fit: initialEpoch (2) must be less than epochs (2): as in Keras, epochs is the index of the last epoch + 1',
    );
  });
});
