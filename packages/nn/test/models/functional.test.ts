import * as os from 'os';
import * as path from 'path';
import { promises as fs } from 'fs';
import { type Tensor, setSeed, tensor } from '@zen/autograd-core';
import { Dense, Model, Sequential, input, loadModel, resetNameCounters } from '@zen/nn';
import { testValues } from '../helpers';

describe('functional models', () => {
  beforeEach(() => {
    resetNameCounters();
    setSeed(3);
  });

  test('a two-input, two-output model trains on a task that needs both inputs', async () => {
    const a = input({ shape: [1], name: 'a' });
    const b = input({ shape: [1], name: 'b' });
    const h = new Dense({ units: 8, activation: 'tanh' }).apply(a);
    const g = new Dense({ units: 8, activation: 'tanh' }).apply(b);
    const joined = new Dense({ units: 8, activation: 'tanh' }).apply(h);
    const reg = new Dense({ units: 1, name: 'reg' }).apply(joined);
    const cls = new Dense({ units: 2, activation: 'softmax', name: 'cls' }).apply(g);
    const model = new Model({ inputs: [a, b], outputs: [reg, cls] });
    expect(model.inputNames).toEqual(['a', 'b']);
    expect(model.outputNames).toEqual(['reg', 'cls']);
    const n = 64;
    const av = testValues(n, 1);
    const bv = testValues(n, 2);
    const x = { a: tensor(av, { shape: [n, 1] }), b: tensor(bv, { shape: [n, 1] }) };
    const y = {
      reg: tensor(
        av.map((v) => 2 * v),
        { shape: [n, 1] },
      ),
      cls: tensor(
        bv.map((v) => (v > 0 ? 1 : 0)),
        { dtype: 'int32' },
      ),
    };
    model.compile({
      optimizer: 'adam',
      loss: { reg: 'mse', cls: 'sparseCategoricalCrossentropy' },
      lossWeights: { reg: 1, cls: 0.5 },
      metrics: { cls: ['accuracy'] },
    });
    const history = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, validationSplit: 0.25 });
    expect(Object.keys(history.history).sort()).toEqual(
      [
        'cls_accuracy',
        'cls_loss',
        'loss',
        'reg_loss',
        'val_cls_accuracy',
        'val_cls_loss',
        'val_loss',
        'val_reg_loss',
      ].sort(),
    );
    const logs = model.evaluate([x.a, x.b], [y.reg, y.cls]);
    expect(logs.loss).toBeCloseTo(logs.reg_loss + 0.5 * logs.cls_loss, 5);
    const [p, q] = model.predict<Tensor[]>(x);
    expect(p.shape).toEqual([n, 1]);
    expect(q.shape).toEqual([n, 2]);
    expect(() => model.predict(x.a)).toThrow('predict: the model has 2 inputs (a, b) but x holds 1 tensor');
  });

  test('residual connection computes what it says; a Model nests as a layer; shared layers share weights', () => {
    const x = input({ shape: [3] });
    const d = new Dense({ units: 3 });
    const y1 = d.apply(x);
    const y2 = d.apply(y1); // the same layer twice: one set of weights
    const inner = new Model({ inputs: x, outputs: y2, name: 'inner' });
    expect(inner.countParams()).toBe(12);
    const z = input({ shape: [3] });
    const outer = new Model({ inputs: z, outputs: new Dense({ units: 1 }).apply(inner.apply(z)) });
    expect(outer.countParams()).toBe(16);
    const data = tensor(testValues(6), { shape: [2, 3] });
    const direct = d.apply(d.apply(data));
    expect(Array.from(inner.predict(data).data)).toEqual(Array.from(direct.data));
    expect(outer.namedWeights().map((w) => w.name)).toEqual([
      'inner/dense/kernel',
      'inner/dense/bias',
      'dense_1/kernel',
      'dense_1/bias',
    ]);
    const text = outer.summary({ print: false });
    expect(text).toContain('Connected to');
    expect(text).toContain('inner (Functional)');
    expect(text).toContain('Total params: 16');
  });

  test('save and loadModel round-trip a nested, shared-layer model with bit-identical predictions', async () => {
    const x = input({ shape: [4], name: 'features' });
    const d = new Dense({ units: 4, activation: 'relu' });
    const h = d.apply(d.apply(x));
    const inner = new Sequential([new Dense({ units: 2, inputShape: [4] })], { name: 'head' });
    const model = new Model({ inputs: x, outputs: inner.apply(h), name: 'net' });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zen-functional-'));
    await model.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded).toBeInstanceOf(Model);
    expect(loaded.namedWeights().map((w) => w.name)).toEqual(model.namedWeights().map((w) => w.name));
    const data = tensor(testValues(12, 5), { shape: [3, 4] });
    expect(Array.from(loaded.predict(data).data)).toEqual(Array.from(model.predict(data).data));
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('errors name the layers: unreachable output, unused input, duplicate input names, non-input inputs', () => {
    const a = input({ shape: [2], name: 'a' });
    const b = input({ shape: [2], name: 'b' });
    const c = input({ shape: [2], name: 'c' });
    const fromC = new Dense({ units: 1, name: 'from_c' }).apply(c);
    expect(() => new Model({ inputs: [a], outputs: fromC })).toThrow(
      "Model 'model': output 'from_c' cannot be computed from the inputs: it needs input 'c', which is not one of the model's inputs (a)",
    );
    const fromA = new Dense({ units: 1, name: 'from_a' }).apply(a);
    expect(() => new Model({ inputs: [a, b], outputs: fromA })).toThrow(
      "input 'b' is not used by any output",
    );
    const a2 = input({ shape: [2], name: 'a' });
    expect(() => new Model({ inputs: [a, a2], outputs: fromA })).toThrow("two inputs are named 'a'");
    expect(() => new Model({ inputs: fromA, outputs: fromA })).toThrow(
      "inputs must come from input(); 'from_a' is the output of Dense layer 'from_a'",
    );
  });
});
