/**
 * Merge layers: values against plain-JS computations, Keras's shape rules (broadcasting,
 * symbolic shapes, errors naming the layer and the shapes), float64 gradchecks, and
 * getConfig/fromConfig through the layer registry.
 */
import { type Tensor, gradcheck, tensor } from '@zen/autograd-core';
import {
  Add,
  Average,
  Concatenate,
  Dot,
  type Layer,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
  input,
  resetNameCounters,
} from '@zen/nn';
import { layerFromConfig } from '../../src/layers/registry';
import { expectClose, testValues } from '../helpers';

const f64 = (shape: number[], seed: number): Tensor =>
  tensor(
    testValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    { shape, dtype: 'float64', requiresGrad: true },
  );

const dtype = 'float64' as const;

/** Elementwise layers with their plain-JS meaning on one position's values. */
const elementwise: [string, () => Layer, (vs: number[]) => number][] = [
  ['Add', () => new Add({ dtype }), (vs) => vs.reduce((a, b) => a + b)],
  ['Subtract', () => new Subtract({ dtype }), ([a, b]) => a - b],
  ['Multiply', () => new Multiply({ dtype }), (vs) => vs.reduce((a, b) => a * b)],
  ['Average', () => new Average({ dtype }), (vs) => vs.reduce((a, b) => a + b) / vs.length],
  ['Maximum', () => new Maximum({ dtype }), (vs) => Math.max(...vs)],
  ['Minimum', () => new Minimum({ dtype }), (vs) => Math.min(...vs)],
];

describe('merge layers', () => {
  beforeEach(() => resetNameCounters());

  test.each(elementwise)('%s: values, broadcasting as Keras, float64 gradcheck', (_name, make, ref) => {
    const layer = make();
    const count = _name === 'Subtract' ? 2 : 3;
    const xs = Array.from({ length: count }, (_, i) => f64([2, 3, 4], i + 1));
    const y = layer.apply(xs);
    expect(y.shape).toEqual([2, 3, 4]);
    const expected = Array.from({ length: 24 }, (_, k) => ref(xs.map((x) => x.data[k])));
    expectClose(Array.from(y.data), expected, 1e-12);
    expect(gradcheck((...ts: Tensor[]) => layer.apply(ts), xs, { atol: 1e-6, rtol: 1e-4 }).ok).toBe(true);

    // Keras broadcasting: [2,4] merges with [2,3,4] as [2,1,4]; a length-1 axis stretches.
    const low = f64([2, 4], 7);
    const ones = f64([2, 3, 1], 8);
    const b = make().apply([ones, low]);
    expect(b.shape).toEqual([2, 3, 4]);
    const broadcast = Array.from({ length: 24 }, (_, k) => {
      const [n, i, j] = [Math.floor(k / 12), Math.floor(k / 4) % 3, k % 4];
      return ref([ones.data[n * 3 + i], low.data[n * 4 + j]]);
    });
    expectClose(Array.from(b.data), broadcast, 1e-12);
    expect(
      gradcheck((p: Tensor, q: Tensor) => make().apply([p, q]), [ones, low], { atol: 1e-6, rtol: 1e-4 }).ok,
    ).toBe(true);
  });

  test('symbolic shapes follow Keras: null batch, broadcasting, unknown lengths', () => {
    const a = input({ shape: [3, 4] });
    const b = input({ shape: [4] });
    const c = input({ shape: [null, 1] });
    expect(new Add().apply([a, b]).shape).toEqual([null, 3, 4]);
    expect(new Multiply().apply([c, b]).shape).toEqual([null, null, 4]);
    expect(new Maximum().apply([a, c]).shape).toEqual([null, 3, 4]);
    expect(
      new Add().computeOutputShape([
        [5, 2],
        [null, 2],
      ]),
    ).toEqual([5, 2]);
    expect(new Concatenate({ axis: 1 }).apply([a, a]).shape).toEqual([null, 6, 4]);
    expect(new Concatenate().apply([c, input({ shape: [7, 2] })]).shape).toEqual([null, 7, 3]);
    expect(new Dot({ axes: [2, 1] }).apply([a, b]).shape).toEqual([null, 3]);
    expect(new Dot({ axes: 1 }).apply([b, b]).shape).toEqual([null, 1]);
    expect(new Dot({ axes: [1, 1] }).apply([a, input({ shape: [3, 5] })]).shape).toEqual([null, 4, 5]);
  });

  test('shape errors name the layer and the shapes', () => {
    const a = input({ shape: [3] });
    const b = input({ shape: [4] });
    expect(() => new Add({ name: 'sum' }).apply([a, b])).toThrow(
      "Add layer 'sum': inputs have incompatible shapes [null,3] and [null,4]",
    );
    expect(() => new Subtract().apply([a, a, a])).toThrow(
      "Subtract layer 'subtract' must be called on a list of exactly 2 inputs, got 3: [null,3], [null,3] and [null,3]",
    );
    expect(() => new Average().apply(a)).toThrow(
      "Average layer 'average' must be called on a list of at least 2 inputs, got one tensor of shape [null,3]",
    );
    expect(() =>
      new Concatenate({ axis: -1 }).apply([input({ shape: [2, 3] }), input({ shape: [4, 3] })]),
    ).toThrow(
      "Concatenate layer 'concatenate': inputs must have the same length on every axis but the concatenation axis 2 (axis 1 differs); got shapes [null,2,3] and [null,4,3]",
    );
    expect(() => new Concatenate().apply([a, input({ shape: [2, 3] })])).toThrow(
      'inputs must have the same rank; got shapes [null,3] and [null,2,3]',
    );
    expect(() => new Dot({ axes: 1, name: 'sim' }).apply([a, b])).toThrow(
      "Dot layer 'sim': axis 1 of the first input has length 3 but axis 1 of the second has length 4; got shapes [null,3] and [null,4]",
    );
    expect(() => new Dot({ axes: 0 }).apply([a, a])).toThrow('axis 0 of input 0 must be a non-batch axis');
    expect(() => new Dot({ axes: 'last' as never })).toThrow(
      'Dot: axes must be an integer or a pair of integers',
    );
    expect(() => new Add({ axis: 1 } as never)).toThrow();
    // Real tensors: the same checks, plus different batch sizes.
    const add = new Multiply({ name: 'prod' });
    expect(() => add.apply([tensor([[1, 2]]), tensor([[1, 2, 3]])])).toThrow(
      "Multiply layer 'prod': inputs have incompatible shapes [1,2] and [1,3]",
    );
    expect(() =>
      add.apply([
        tensor([[1, 2]]),
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ]),
    ).toThrow("Multiply layer 'prod': cannot merge inputs with different batch sizes: [1,2] and [2,2]");
  });

  test('Concatenate: values along any axis and float64 gradcheck', () => {
    const p = f64([2, 3, 2], 1);
    const q = f64([2, 1, 2], 2);
    const layer = new Concatenate({ axis: 1, dtype });
    const y = layer.apply([p, q]);
    expect(y.shape).toEqual([2, 4, 2]);
    const expected = [0, 1].map((n) => [
      ...[0, 1, 2].map((i) => [0, 1].map((j) => p.data[n * 6 + i * 2 + j])),
      [0, 1].map((j) => q.data[n * 2 + j]),
    ]);
    expect(y.toArray()).toEqual(expected);
    expect(gradcheck((a: Tensor, b: Tensor) => layer.apply([a, b]), [p, q]).ok).toBe(true);
    const last = new Concatenate({ dtype }).apply([p, f64([2, 3, 1], 3)]);
    expect(last.shape).toEqual([2, 3, 3]);
  });

  test('Dot: per-sample dot products over the given axes, cosine with normalize, float64 gradcheck', () => {
    const a = f64([2, 3, 4], 1);
    const b = f64([2, 4], 2);
    const layer = new Dot({ axes: [2, 1], dtype });
    const y = layer.apply([a, b]);
    expect(y.shape).toEqual([2, 3]);
    const ref = [0, 1].map((n) =>
      [0, 1, 2].map((i) =>
        [0, 1, 2, 3].reduce((s, k) => s + a.data[n * 12 + i * 4 + k] * b.data[n * 4 + k], 0),
      ),
    );
    expectClose(y.toArray(), ref, 1e-12);
    expect(gradcheck((p: Tensor, q: Tensor) => layer.apply([p, q]), [a, b]).ok).toBe(true);

    // Contracting axis 1 of [2,3,4] with axis 1 of [2,3,5] gives [2,4,5]: sum over i of a[n,i,j]·c[n,i,k].
    const c = f64([2, 3, 5], 3);
    const z = new Dot({ axes: 1, dtype }).apply([a, c]);
    expect(z.shape).toEqual([2, 4, 5]);
    const zRef = [0, 1].map((n) =>
      [0, 1, 2, 3].map((j) =>
        [0, 1, 2, 3, 4].map((k) =>
          [0, 1, 2].reduce((s, i) => s + a.data[n * 12 + i * 4 + j] * c.data[n * 15 + i * 5 + k], 0),
        ),
      ),
    );
    expectClose(z.toArray(), zRef, 1e-12);
    expect(gradcheck((p: Tensor, q: Tensor) => new Dot({ axes: 1, dtype }).apply([p, q]), [a, c]).ok).toBe(
      true,
    );

    const u = f64([3, 5], 4);
    const v = f64([3, 5], 5);
    const cosine = new Dot({ axes: -1, normalize: true, dtype });
    const s = cosine.apply([u, v]);
    expect(s.shape).toEqual([3, 1]);
    const cos = [0, 1, 2].map((n) => {
      const row = (t: Tensor) => Array.from(t.data.slice(n * 5, n * 5 + 5));
      const [x, w] = [row(u), row(v)];
      const dot = x.reduce((acc, e, k) => acc + e * w[k], 0);
      const norm = (r: number[]) => Math.sqrt(r.reduce((acc, e) => acc + e * e, 0));
      return [dot / (norm(x) * norm(w))];
    });
    expectClose(s.toArray(), cos, 1e-12);
    expect(gradcheck((p: Tensor, q: Tensor) => cosine.apply([p, q]), [u, v]).ok).toBe(true);
  });

  test('getConfig → layerFromConfig gives the same layer, under Keras class names', () => {
    const layers: Layer[] = [
      new Add(),
      new Subtract(),
      new Multiply(),
      new Average(),
      new Maximum(),
      new Minimum(),
      new Concatenate({ axis: 1 }),
      new Dot({ axes: [2, 1], normalize: true }),
    ];
    expect(layers.map((l) => l.className)).toEqual([
      'Add',
      'Subtract',
      'Multiply',
      'Average',
      'Maximum',
      'Minimum',
      'Concatenate',
      'Dot',
    ]);
    expect(layers.map((l) => l.name)).toEqual([
      'add',
      'subtract',
      'multiply',
      'average',
      'maximum',
      'minimum',
      'concatenate',
      'dot',
    ]);
    for (const layer of layers) {
      const again = layerFromConfig(layer.className, layer.getConfig());
      expect(again.constructor).toBe(layer.constructor);
      expect(again.getConfig()).toEqual(layer.getConfig());
    }
    expect(new Dot({ axes: [2, 1], normalize: true }).getConfig()).toMatchObject({
      axes: [2, 1],
      normalize: true,
    });
    expect(new Concatenate().getConfig()).toMatchObject({ axis: -1 });
  });
});
