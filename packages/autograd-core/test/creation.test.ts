/** Creation functions and dtypes. */
import {
  arange,
  eye,
  full,
  linspace,
  makeGenerator,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  scalar,
  tensor,
  zeros,
  zerosLike,
} from '@zen/autograd-core';

describe('tensor', () => {
  test('infers the shape of nested arrays; float32 by default', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensor(0.1).item()).toBe(Math.fround(0.1));
    expect(tensor(0.1, { dtype: 'float64' }).item()).toBe(0.1);
  });

  test('accepts typed arrays (keeping their dtype) and flat lists with a shape', () => {
    const i = tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] });
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor(new Float64Array([1, 2])).dtype).toBe('float64');
    expect(tensor(new Float64Array([1.9, -1.9]), { dtype: 'int32' }).toArray()).toEqual([1, -1]);
    expect(tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }).shape).toEqual([3, 2]);
    expect(tensor([2.7], { dtype: 'int32' }).toArray()).toEqual([2]);
  });

  test('a number gives a 0-d tensor; requiresGrad is honoured', () => {
    const s = tensor(3, { requiresGrad: true });
    expect(s.shape).toEqual([]);
    expect(s.requiresGrad).toBe(true);
    expect(scalar(2, { dtype: 'int32' }).dtype).toBe('int32');
  });

  test('rejects ragged arrays, wrong shapes and unknown dtypes', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array');
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow('tensor: 3 values cannot have shape [2,2]');
    expect(() => tensor([1], { dtype: 'float16' as never })).toThrow(
      "tensor: unknown dtype 'float16' (expected one of float32, float64, int32)",
    );
    expect(() => zeros([2, -1])).toThrow('full: invalid shape [2,-1]');
    expect(() => zeros([1.5])).toThrow('invalid shape');
  });
});

describe('constant and range creators', () => {
  test('zeros, ones, full, zerosLike, onesLike', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([2, 1], { dtype: 'int32' }).toArray()).toEqual([[1], [1]]);
    expect(full([3], 2.5, { dtype: 'float64' }).toArray()).toEqual([2.5, 2.5, 2.5]);
    const like = tensor([[1, 2]], { dtype: 'float64' });
    expect(zerosLike(like).shape).toEqual([1, 2]);
    expect(zerosLike(like).dtype).toBe('float64');
    expect(onesLike(like).toArray()).toEqual([[1, 1]]);
    expect(onesLike(like, { dtype: 'int32' }).dtype).toBe('int32');
    expect(zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  test('arange with one, two and three arguments, and negative steps', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(arange(0, 1, 0.25, { dtype: 'float64' }).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, 1).toArray()).toEqual([]);
    expect(() => arange(0, 3, 0)).toThrow('arange: step must not be 0');
  });

  test('linspace includes both ends', () => {
    expect(linspace(0, 1, 5, { dtype: 'float64' }).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(linspace(2, 3, 0).toArray()).toEqual([]);
    expect(() => linspace(0, 1, 2.5)).toThrow('linspace: num must be a non-negative integer, got 2.5');
  });

  test('eye, square and rectangular', () => {
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });
});

describe('random creators', () => {
  const generator = () => makeGenerator('creation');

  test('rand draws uniformly in [low, high)', () => {
    const t = rand([10_000], { dtype: 'float64', low: -2, high: 3, generator: generator() });
    const values = Array.from(t.data);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...values)).toBeLessThan(3);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
    expect(rand([2]).dtype).toBe('float32');
  });

  test('randn has the requested mean and standard deviation', () => {
    const t = randn([20_000], { dtype: 'float64', mean: 1, std: 2, generator: generator() });
    const values = Array.from(t.data);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(1, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
    expect(values.every(Number.isFinite)).toBe(true);
  });

  test('randint draws int32 values in [low, high), covering every value', () => {
    const t = randint(-2, 3, [1000], { generator: generator() });
    expect(t.dtype).toBe('int32');
    expect(new Set(t.data)).toEqual(new Set([-2, -1, 0, 1, 2]));
    expect(() => randint(3, 3, [2])).toThrow('randint: high (3) must be greater than low (3)');
  });

  test('requiresGrad is honoured by rand and randn', () => {
    expect(rand([2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(randn([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });
});
