/**
 * Subclassed models (PyTorch style): layers held in fields, arrays and objects are tracked
 * (parameters, summary, compile/fit), and saveWeights/loadWeights move the weights into a
 * new instance by field path; a full save is refused, as is loading into another shape.
 */
import * as os from 'os';
import * as path from 'path';
import { promises as fs } from 'fs';
import { type Tensor, setSeed, tensor } from '@zen/autograd-core';
import {
  Add,
  type CallOptions,
  Dense,
  Dropout,
  type LayerInput,
  Model,
  input,
  loadModel,
  resetNameCounters,
} from '@zen/nn';
import { testValues } from '../helpers';

/** A residual MLP: a layer in a field, two in an array, one in an object, a merge layer and dropout. */
class ResidualNet extends Model {
  stem: Dense;
  blocks: Dense[];
  heads: { out: Dense };
  add = new Add();
  drop = new Dropout({ rate: 0.1 });

  constructor(width = 8) {
    super();
    this.stem = new Dense({ units: width, activation: 'tanh' });
    this.blocks = [new Dense({ units: width, activation: 'tanh' }), new Dense({ units: width })];
    this.heads = { out: new Dense({ units: 1 }) };
  }

  override call(x: LayerInput, { training }: CallOptions = {}): Tensor {
    const h = this.stem.apply(x as Tensor);
    const r = this.blocks.reduce((t, layer) => layer.apply(t), this.drop.apply(h, { training }));
    return this.heads.out.apply(this.add.apply([h, r]));
  }
}

const data = (n: number, seed: number) => {
  const xs = testValues(n * 3, seed);
  const x = tensor(xs, { shape: [n, 3] });
  const y = tensor(
    Array.from({ length: n }, (_, i) => Math.sin(2 * xs[i * 3]) + xs[i * 3 + 1] * xs[i * 3 + 2]),
    { shape: [n, 1] },
  );
  return { x, y };
};

describe('subclassed models', () => {
  let dir: string;
  beforeEach(async () => {
    resetNameCounters();
    setSeed(11);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zen-subclassed-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  test('layers in fields, arrays and objects are tracked: layers, parameters, weight names, summary', () => {
    const model = new ResidualNet();
    expect(model.className).toBe('ResidualNet');
    expect(model.name).toBe('residual_net');
    expect(model.layers.map((l) => l.className)).toEqual([
      'Dense',
      'Dense',
      'Dense',
      'Dense',
      'Add',
      'Dropout',
    ]);
    expect(model.parameters()).toHaveLength(0); // nothing built before the first call
    const { x } = data(4, 1);
    expect(model.predict(x).shape).toEqual([4, 1]);
    expect(model.parameters()).toHaveLength(8);
    expect(model.namedWeights().map((w) => w.name)).toEqual([
      'stem/kernel',
      'stem/bias',
      'blocks/0/kernel',
      'blocks/0/bias',
      'blocks/1/kernel',
      'blocks/1/bias',
      'heads/out/kernel',
      'heads/out/bias',
    ]);
    expect(model.countParams()).toBe(3 * 8 + 8 + 2 * (8 * 8 + 8) + 8 + 1);
    const text = model.summary({ print: false });
    expect(text).toContain('Model: "residual_net"');
    expect(text).toMatch(/dense \(Dense\)\s+\[null,8\]\s+32/);
    expect(text).toMatch(/dense_3 \(Dense\)\s+\[null,1\]\s+9/);
    expect(text).toMatch(/add \(Add\)\s+\?\s+0/);
    expect(text).toContain('Total params: 185');
    expect(text).not.toContain('Connected to');
  });

  test('compile and fit reduce the loss', async () => {
    const model = new ResidualNet(16);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const { x, y } = data(128, 2);
    const history = await model.fit(x, y, { epochs: 30, batchSize: 32, verbose: 0 });
    const losses = history.history.loss;
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 3);
    // The first batch updates too: a subclassed model creates its weights during that forward pass.
    const fresh = new ResidualNet(16);
    fresh.compile({ optimizer: 'sgd', loss: 'mse' });
    fresh.trainOnBatch(x, y);
    const before = fresh.predict(x);
    fresh.trainOnBatch(x, y);
    expect(Array.from(fresh.predict(x).data)).not.toEqual(Array.from(before.data));
  });

  test('saveWeights → new instance → loadWeights gives bit-identical predictions', async () => {
    const model = new ResidualNet();
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const { x, y } = data(32, 3);
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    await model.saveWeights(dir);
    const again = new ResidualNet(); // its layers get other default names (dense_4, …): weights match by field path
    expect(again.layers[0].name).not.toBe(model.layers[0].name);
    await expect(again.loadWeights(dir)).rejects.toThrow(
      "loadWeights: ResidualNet 'residual_net_1' has no weights yet (its layers create them on the first call); call it once on a batch (e.g. model.predict(x)) first",
    );
    again.predict(x);
    expect(Array.from(again.predict(x).data)).not.toEqual(Array.from(model.predict(x).data));
    await again.loadWeights(dir);
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    // The directory holds weights only: loadModel says what to do instead.
    await expect(loadModel(dir)).rejects.toThrow('holds weights only (written by saveWeights)');
  });

  test('a full save is refused, pointing to saveWeights', async () => {
    const model = new ResidualNet();
    model.predict(data(2, 4).x);
    await expect(model.save(dir)).rejects.toThrow(
      "save: ResidualNet 'residual_net' is a subclassed model: its architecture is code, which cannot be saved. Save its weights with saveWeights(path)",
    );
  });

  test('loading weights into a model of another shape is refused, naming the weight and both shapes', async () => {
    const { x } = data(2, 5);
    const small = new ResidualNet(8);
    small.predict(x);
    await small.saveWeights(dir);
    const wide = new ResidualNet(16);
    wide.predict(x);
    const before = Array.from(wide.predict(x).data);
    await expect(wide.loadWeights(dir)).rejects.toThrow(
      `loadWeights: ${path.join(dir, 'model.json')}: weight 'stem/kernel' has shape [3,8] in the manifest but the model expects [3,16]`,
    );
    expect(Array.from(wide.predict(x).data)).toEqual(before); // nothing was overwritten
  });

  test('functional models: saveWeights/loadWeights, and loadWeights reads a full save', async () => {
    const build = () => {
      const a = input({ shape: [3] });
      return new Model({ inputs: a, outputs: new Dense({ units: 2 }).apply(a) });
    };
    const model = build();
    const x = data(4, 6).x;
    await model.saveWeights(dir);
    resetNameCounters(); // functional weights are named by layer: the same names again
    const other = build();
    await other.loadWeights(dir);
    expect(Array.from(other.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await model.fit(x, tensor(testValues(8, 7), { shape: [4, 2] }), { epochs: 1, verbose: 0 });
    await model.save(dir);
    await other.loadWeights(dir);
    expect(Array.from(other.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });
});
