/** Reductions: axis handling, dtypes and error messages (values and gradients are in the op table). */
import { arange, argmax, max, mean, sum, tensor, variance, zeros } from '@zen/autograd-core';

describe('reductions', () => {
  const x = arange(24, undefined, 1, { dtype: 'float64' }).reshape([2, 3, 4]);

  test('axis lists may be unsorted, negative or repeated', () => {
    expect(sum(x, [2, 0]).toArray()).toEqual(sum(x, [-1, 0, 2]).toArray());
    expect(sum(x, [2, 0]).shape).toEqual([3]);
    expect(sum(x, [0, 1, 2], true).shape).toEqual([1, 1, 1]);
    expect(sum(x).shape).toEqual([]);
    expect(sum(x).item()).toBe(276);
  });

  test('mean of int32 is floating point; argmax is int32', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(mean(i).item()).toBe(1.5);
    expect(argmax(tensor([0, 5, 2])).dtype).toBe('int32');
  });

  test('variance divides by N (population variance)', () => {
    expect(variance(tensor([1, 2, 3, 4], { dtype: 'float64' })).item()).toBe(1.25);
  });

  test('a sum over an empty axis is 0; max over one is an error', () => {
    expect(sum(zeros([0, 3]), 0).toArray()).toEqual([0, 0, 0]);
    expect(() => max(zeros([0, 3]), 0)).toThrow('max: cannot reduce an empty axis 0 of shape [0,3]');
    expect(() => argmax(zeros([0]))).toThrow('argmax: cannot take argmax of an empty axis');
  });

  test('axis errors name the op and the rank', () => {
    expect(() => sum(x, 3)).toThrow('sum: axis 3 is out of range for a tensor of rank 3');
    expect(() => mean(x, -4)).toThrow('mean: axis -4 is out of range for a tensor of rank 3');
    expect(() => argmax(x, 1.5)).toThrow('argmax: axis 1.5 is out of range');
  });
});
