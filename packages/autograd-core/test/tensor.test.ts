/** Tensor basics: shape facts, toArray/item, clone/detach, astype and numpy-like printing. */
import { Tensor, arange, scalar, tensor, zeros } from '@zen/autograd-core';

describe('Tensor', () => {
  test('shape, ndim, size, dtype', () => {
    const t = zeros([2, 3, 4]);
    expect(t.shape).toEqual([2, 3, 4]);
    expect(t.ndim).toBe(3);
    expect(t.size).toBe(24);
    expect(t.dtype).toBe('float32');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(scalar(1).ndim).toBe(0);
    expect(scalar(1).size).toBe(1);
  });

  test('the constructor checks that the data fills the shape', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(
      'Tensor: 5 elements do not fill shape [2,3] (6)',
    );
  });

  test('toArray gives nested arrays, a number for 0-d, empty arrays for empty axes', () => {
    expect(arange(6).reshape([2, 3]).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(arange(4).reshape([2, 1, 2]).toArray()).toEqual([[[0, 1]], [[2, 3]]]);
    expect(scalar(2.5).toArray()).toBe(2.5);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  test('item reads one-element tensors only', () => {
    expect(tensor([[7]]).item()).toBe(7);
    expect(() => tensor([1, 2]).item()).toThrow('item: tensor of shape [2] has 2 elements, not 1');
  });

  test('clone copies data and drops the graph; detach shares data', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const c = y.clone();
    expect(c.data).not.toBe(y.data);
    expect(c.toArray()).toEqual([2, 4]);
    expect(c.requiresGrad).toBe(false);
    expect(c.isLeaf).toBe(true);
    c.data[0] = 99;
    expect(y.data[0]).toBe(2);
    const d = y.detach();
    expect(d.data).toBe(y.data);
    expect(d.requiresGrad).toBe(false);
  });

  test('astype converts between dtypes (truncating to int32) and returns the same tensor for its own dtype', () => {
    const x = tensor([1.75, -2.5, 3], { dtype: 'float64' });
    expect(x.astype('float64')).toBe(x);
    const i = x.astype('int32');
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([1, -2, 3]);
    const f = i.astype('float32');
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(f.toArray()).toEqual([1, -2, 3]);
    expect(tensor([0.1], { dtype: 'float64' }).astype('float32').item()).toBe(Math.fround(0.1));
  });

  describe('toString prints like numpy', () => {
    test('small tensors in full, with aligned rows and the dtype', () => {
      expect(
        tensor([
          [1, 2],
          [3, 4],
        ]).toString(),
      ).toBe('tensor([[1, 2],\n        [3, 4]], dtype=float32)');
      expect(scalar(3.5, { dtype: 'float64' }).toString()).toBe('tensor(3.5, dtype=float64)');
      expect(tensor([0.125, -2], { dtype: 'float64' }).toString()).toBe('tensor([0.125, -2], dtype=float64)');
    });

    test('3-d tensors separate matrices by a blank line', () => {
      const s = arange(8, undefined, 1, { dtype: 'int32' }).reshape([2, 2, 2]).toString();
      expect(s).toBe(
        'tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]], dtype=int32)',
      );
    });

    test('large tensors are summarised with ...', () => {
      const s = arange(2000).reshape([40, 50]).toString();
      expect(
        s.startsWith('tensor([[0, 1, 2, ..., 47, 48, 49],\n        [50, 51, 52, ..., 97, 98, 99],'),
      ).toBe(true);
      expect(s).toContain('        ...,\n');
      expect(s.endsWith('[1950, 1951, 1952, ..., 1997, 1998, 1999]], dtype=float32)')).toBe(true);
      expect(s.split('\n')).toHaveLength(7);
    });

    test('tiny and huge magnitudes use exponent notation', () => {
      expect(tensor([1.5e-7, 2.5e9], { dtype: 'float64' }).toString()).toBe(
        'tensor([1.5000e-7, 2500000000], dtype=float64)',
      );
      expect(tensor([1.5e-7, 2.5e9 + 0.5], { dtype: 'float64' }).toString()).toBe(
        'tensor([1.5000e-7, 2.5000e+9], dtype=float64)',
      );
    });
  });
});
