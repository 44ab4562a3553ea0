/**
 * Functional graphs beyond the plain chain: a cycle, wrong input counts and shapes,
 * mismatched shapes at a merge (symbolic and at run time), symbolic tensors inside kwargs
 * as graph edges, and layers with several outputs applied symbolically.
 */
import * as os from 'os';
import * as path from 'path';
import { promises as fs } from 'fs';
import { type Tensor, setSeed, tensor } from '@zen/autograd-core';
import {
  Add,
  type CallOptions,
  Concatenate,
  Dense,
  Layer,
  Model,
  type SymbolicTensor,
  input,
  loadModel,
  registerLayer,
  resetNameCounters,
} from '@zen/nn';
import { testValues } from '../helpers';

/** Scales its input by sigmoid(gate), the gate a keyword argument (kwargs.gates.main, or kwargs.extra[0]). */
class Gate extends Layer {
  static readonly className = 'TestGate';
  override call(x: Tensor, options: CallOptions): Tensor {
    const gates = options.gates as { main: Tensor } | undefined;
    const extra = options.extra as Tensor[] | undefined;
    let y = x.mul((gates?.main ?? extra![0]).sigmoid());
    if (options.scale !== undefined) y = y.mul(options.scale as number);
    return y;
  }
}
registerLayer(Gate);

const rows = (n: number, width: number, seed: number) =>
  tensor(testValues(n * width, seed), { shape: [n, width] });

describe('functional graph edges and errors', () => {
  beforeEach(() => {
    resetNameCounters();
    setSeed(21);
  });

  test('a cycle is refused, naming the layers on it', () => {
    const x = input({ shape: [2], name: 'x' });
    const h1 = new Dense({ units: 2, name: 'first' }).apply(x);
    const h2 = new Dense({ units: 2, name: 'second' }).apply(h1);
    // A graph built through apply cannot loop; rewire a recorded edge to make one.
    (h1.node.inputs as SymbolicTensor[])[0] = h2;
    expect(() => new Model({ inputs: x, outputs: h2 })).toThrow(
      "Model 'model': the graph has a cycle through layers second → first → second",
    );
  });

  test('the wrong number of inputs is refused by predict, call and a symbolic apply; shapes by the input', () => {
    const a = input({ shape: [2], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const model = new Model({
      inputs: [a, b],
      outputs: new Concatenate().apply([a, b]),
      name: 'pair',
    });
    expect(() => model.predict(rows(2, 2, 1))).toThrow(
      'predict: the model has 2 inputs (a, b) but x holds 1 tensor',
    );
    expect(() => model.predict([rows(2, 2, 1), rows(2, 3, 2), rows(2, 3, 3)])).toThrow(
      'predict: the model has 2 inputs (a, b) but x holds 3 tensors',
    );
    expect(() => model.call([rows(2, 2, 1)])).toThrow("Model 'pair': expects 2 inputs (a, b), got 1");
    expect(() => model.apply(input({ shape: [2] }))).toThrow("Model 'pair': expects 2 inputs (a, b), got 1");
    expect(() => model.apply([input({ shape: [2] }), input({ shape: [4] })])).toThrow(
      "Model 'pair': input 'b' expects shape [null,3], got [null,4]",
    );
    expect(() => model.predict([rows(2, 2, 1), rows(2, 4, 2)])).toThrow(
      "input 'b' expects shape [null,3], got [2,4]",
    );
  });

  test('mismatched shapes at a merge: when the graph is built, and at run time for unknown lengths', () => {
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [4], name: 'b' });
    const ha = new Dense({ units: 5 }).apply(a);
    const hb = new Dense({ units: 6 }).apply(b);
    expect(() => new Add({ name: 'join' }).apply([ha, hb])).toThrow(
      "Add layer 'join': inputs have incompatible shapes [null,5] and [null,6]",
    );
    const p = input({ shape: [null], name: 'p' });
    const q = input({ shape: [null], name: 'q' });
    const sum = new Add({ name: 'sum' }).apply([p, q]);
    expect(sum.shape).toEqual([null, null]);
    const model = new Model({ inputs: [p, q], outputs: sum });
    expect(Array.from(model.predict([tensor([[1, 2]]), tensor([[10, 20]])]).data)).toEqual([11, 22]);
    expect(() => model.predict([rows(2, 3, 1), rows(2, 4, 2)])).toThrow(
      "Add layer 'sum': inputs have incompatible shapes [2,3] and [2,4]",
    );
  });

  test('symbolic tensors inside kwargs are graph edges: ordering, use of inputs, summary, save/load', async () => {
    const x = input({ shape: [3], name: 'x' });
    const g = input({ shape: [3], name: 'g' });
    const gate = new Dense({ units: 3, name: 'gate_dense' }).apply(g);
    // The only use of input g is through kwargs, two containers deep, next to a plain number.
    const y = new Gate({ name: 'gated' }).apply(x, { gates: { main: gate }, scale: 2 });
    const second = new Gate({ name: 'gated_again' }).apply(y, { extra: [x] });
    const model = new Model({ inputs: [x, g], outputs: second, name: 'kw' });
    expect(model.layers.map((l) => l.name)).toEqual(['x', 'g', 'gate_dense', 'gated', 'gated_again']);
    expect(model.getLayer('gated')).toBeInstanceOf(Gate);
    expect(() => model.getLayer('nope')).toThrow(
      "Model 'kw': no layer named 'nope' (layers: x, g, gate_dense, gated, gated_again)",
    );
    const summary = model.summary({ print: false });
    expect(summary).toMatch(/gated \(TestGate\)\s+\[null,3\]\s+0\s+x\[0\]\[0\], gate_dense\[0\]\[0\]/);
    expect(summary).toMatch(/gated_again \(TestGate\)\s+\[null,3\]\s+0\s+gated\[0\]\[0\], x\[0\]\[0\]/);

    const xv = rows(4, 3, 1);
    const gv = rows(4, 3, 2);
    const dense = model.layers[2];
    const sig = (t: Tensor) => t.sigmoid();
    const expected = xv
      .mul(sig(dense.apply(gv)))
      .mul(2)
      .mul(sig(xv));
    const out = model.predict([xv, gv]);
    expect(Array.from(out.data)).toEqual(Array.from(expected.data));

    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zen-kwargs-'));
    try {
      await model.save(dir);
      const saved = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
      expect(saved.modelConfig.config.nodes[1].kwargs).toEqual({
        gates: { main: { symbolic: ['gate_dense', 0, 0] } },
        scale: 2,
      });
      const loaded = await loadModel(dir);
      expect(Array.from(loaded.predict([xv, gv]).data)).toEqual(Array.from(out.data));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('several outputs: a two-output model applied symbolically gives two tensors, used and saved', async () => {
    const x = input({ shape: [3], name: 'x' });
    const left = new Dense({ units: 2, name: 'left' });
    const right = new Dense({ units: 2, name: 'right' });
    const inner = new Model({ inputs: x, outputs: [left.apply(x), right.apply(x)], name: 'inner' });
    const z = input({ shape: [3], name: 'z' });
    const outs = inner.apply<SymbolicTensor[]>(z);
    expect(outs.map((t) => [t.name, t.shape])).toEqual([
      ['inner/0', [null, 2]],
      ['inner/1', [null, 2]],
    ]);
    const sum = new Add({ name: 'sum' }).apply(outs);
    const model = new Model({ inputs: z, outputs: [sum, outs[1]], name: 'outer' });
    expect(model.outputNames).toEqual(['sum', 'inner_1']);
    expect(model.summary({ print: false })).toMatch(
      /sum \(Add\)\s+\[null,2\]\s+0\s+inner\[0\]\[0\], inner\[0\]\[1\]/,
    );

    const data = rows(3, 3, 4);
    const [s, r] = model.predict<Tensor[]>(data);
    expect(Array.from(s.data)).toEqual(Array.from(left.apply(data).add(right.apply(data)).data));
    expect(Array.from(r.data)).toEqual(Array.from(right.apply(data).data));

    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zen-multi-'));
    try {
      await model.save(dir);
      const loaded = await loadModel(dir);
      const [s2, r2] = loaded.predict<Tensor[]>(data);
      expect(Array.from(s2.data)).toEqual(Array.from(s.data));
      expect(Array.from(r2.data)).toEqual(Array.from(r.data));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
