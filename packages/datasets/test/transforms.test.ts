import { tensor } from '@zen/autograd-core';
import { normalize, oneHot } from '@zen/datasets';

describe('normalize', () => {
  it('applies given scalar statistics', () => {
    const out = normalize(tensor([0, 1, 2, 4]), { mean: 1, std: 2 });
    expect(Array.from(out.data)).toEqual([-0.5, 0, 0.5, 1.5]);
    expect(out.dtype).toBe('float32');
  });

  it('applies per-channel statistics along the last axis', () => {
    const x = tensor([
      [1, 10, 100],
      [3, 30, 300],
    ]);
    const out = normalize(x, { mean: [2, 20, 200], std: [1, 10, 100] });
    expect(out.toArray()).toEqual([
      [-1, -1, -1],
      [1, 1, 1],
    ]);
  });

  it('computes mean and std of all elements when omitted (float64 stays float64)', () => {
    const x = tensor([2, 4, 4, 4, 5, 5, 7, 9], { dtype: 'float64' });
    const out = normalize(x); // mean 5, population std 2
    expect(out.dtype).toBe('float64');
    expect(Array.from(out.data)).toEqual([-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]);
    expect(Array.from(normalize(x, { mean: 0 }).data)).toEqual([1, 2, 2, 2, 2.5, 2.5, 3.5, 4.5]);
  });

  it('works on integer tensors and leaves the input alone', () => {
    const x = tensor([0, 255], { dtype: 'int32' });
    expect(Array.from(normalize(x, { mean: 0, std: 255 }).data)).toEqual([0, 1]);
    expect(Array.from(x.data)).toEqual([0, 255]);
  });

  it('refuses a zero std, constant data and mismatched channel counts', () => {
    expect(() => normalize(tensor([1, 2]), { std: 0 })).toThrow(
      'normalize: std must be positive and finite, got 0',
    );
    expect(() => normalize(tensor([3, 3, 3]))).toThrow('got 0 (x is constant)');
    expect(() => normalize(tensor([[1, 2]]), { mean: [1, 2, 3] })).toThrow(
      'normalize: mean has 3 values but x [1, 2] has 2 channels (last axis)',
    );
  });
});

describe('oneHot (re-exported from autograd-core)', () => {
  it('encodes class indices', () => {
    expect(oneHot(tensor([2, 0], { dtype: 'int32' }), 3).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
  });
});
