/**
 * Functional models built with merge layers: the two-input, two-output example (Add and
 * Concatenate) trained with fit on targets that need both inputs, and save/loadModel of a
 * model holding every merge layer with bit-identical predictions.
 */
import * as os from 'os';
import * as path from 'path';
import { promises as fs } from 'fs';
import { type Tensor, setSeed, tensor, zeros } from '@zen/autograd-core';
import {
  Adam,
  Add,
  Average,
  Concatenate,
  Dense,
  Dot,
  Maximum,
  Minimum,
  Model,
  Multiply,
  Subtract,
  input,
  loadModel,
  resetNameCounters,
} from '@zen/nn';
import { testValues } from '../helpers';

describe('functional models with merge layers', () => {
  beforeEach(() => {
    resetNameCounters();
    setSeed(5);
  });

  test('two inputs, two outputs (Add + Concatenate) learn targets that need both inputs', async () => {
    const a = input({ shape: [6], name: 'a' });
    const b = input({ shape: [4], name: 'b' });
    const h = new Dense({ units: 16, activation: 'relu' }).apply(a);
    const r = new Add().apply([h, new Dense({ units: 16 }).apply(h)]);
    const t = new Concatenate({ axis: -1 }).apply([r, b]);
    const model = new Model({
      inputs: [a, b],
      outputs: [
        new Dense({ units: 1, name: 'reg' }).apply(t),
        new Dense({ units: 2, activation: 'softmax', name: 'cls' }).apply(t),
      ],
    });
    expect(model.outputNames).toEqual(['reg', 'cls']);
    const text = model.summary({ print: false });
    expect(text).toContain('add (Add)');
    expect(text).toContain('concatenate (Concatenate)');
    expect(text).toMatch(/concatenate \(Concatenate\)\s+\[null,20\]/);

    // reg = a0 − b1 and cls = [a0 + b0 > 0]: from one input alone, reg's error stays near
    // var(b1) = 1/3 and cls's accuracy near 0.75.
    const n = 256;
    const av = testValues(n * 6, 1);
    const bv = testValues(n * 4, 2);
    const x = { a: tensor(av, { shape: [n, 6] }), b: tensor(bv, { shape: [n, 4] }) };
    const rows = Array.from({ length: n }, (_, i) => i);
    const y = {
      reg: tensor(
        rows.map((i) => av[i * 6] - bv[i * 4 + 1]),
        { shape: [n, 1] },
      ),
      cls: tensor(
        rows.map((i) => (av[i * 6] + bv[i * 4] > 0 ? 1 : 0)),
        { dtype: 'int32' },
      ),
    };
    model.compile({
      optimizer: new Adam({ learningRate: 0.01 }),
      loss: { reg: 'mse', cls: 'sparseCategoricalCrossentropy' },
      metrics: { cls: ['accuracy'] },
    });
    const before = model.evaluate(x, y);
    const history = await model.fit(x, y, { epochs: 40, batchSize: 32, verbose: 0 });
    const after = model.evaluate(x, y);
    expect(history.history.loss[0]).toBeGreaterThan(history.history.loss[39]);
    expect(after.reg_loss).toBeLessThan(0.05);
    expect(after.reg_loss).toBeLessThan(before.reg_loss / 5);
    expect(after.cls_accuracy).toBeGreaterThan(0.9);
    // The outputs do depend on b: zeroing it changes the predictions.
    const [p] = model.predict<Tensor[]>(x);
    const [q] = model.predict<Tensor[]>({ a: x.a, b: zeros([n, 4]) });
    expect(Array.from(p.data)).not.toEqual(Array.from(q.data));
  });

  test('a model holding every merge layer saves and loads with bit-identical predictions', async () => {
    const a = input({ shape: [4], name: 'left' });
    const b = input({ shape: [4], name: 'right' });
    const p = new Dense({ units: 4, activation: 'tanh' }).apply(a);
    const q = new Dense({ units: 4, activation: 'tanh' }).apply(b);
    const merged = [
      new Add().apply([p, q]),
      new Subtract().apply([p, q]),
      new Multiply().apply([p, q, a]),
      new Average().apply([p, q]),
      new Maximum().apply([p, q]),
      new Minimum().apply([p, q]),
      new Dot({ axes: 1, normalize: true }).apply([p, q]),
    ];
    const joined = new Concatenate({ axis: 1 }).apply(merged);
    expect(joined.shape).toEqual([null, 25]);
    const model = new Model({
      inputs: [a, b],
      outputs: new Dense({ units: 3 }).apply(joined),
      name: 'merges',
    });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zen-merge-'));
    try {
      await model.save(dir);
      const loaded = await loadModel(dir);
      expect(loaded.layers.map((l) => l.className)).toEqual(model.layers.map((l) => l.className));
      expect(loaded.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
      const x = [tensor(testValues(20, 3), { shape: [5, 4] }), tensor(testValues(20, 4), { shape: [5, 4] })];
      expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
