import { checkOptions, full, nearestName, randn, tensor, zeros } from '@zen/autograd-core';

describe('tensor: the TensorFlow.js positional form', () => {
  test('tensor(values, shape) reshapes flat values, as tf.tensor does', () => {
    const t = tensor([1, 2, 3, 4], [2, 2]);
    expect(t.shape).toEqual([2, 2]);
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  test('tensor(values, shape, dtype)', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    expect(t.dtype).toBe('int32');
    expect(t.shape).toEqual([3, 2]);
  });

  test('a shape that does not fit the values is an error', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('3 values cannot have shape [2,2]');
  });

  test('a dtype string in the options place says how to write it', () => {
    expect(() => tensor([1, 2], 'int32' as never)).toThrow("tensor(values, { dtype: 'int32' })");
  });

  test('unknown option keys are refused', () => {
    expect(() => tensor([1, 2], { requiresGradient: true } as never)).toThrow(
      "tensor: unknown option 'requiresGradient'; did you mean 'requiresGrad'?",
    );
    expect(() => zeros([2], { dtyp: 'int32' } as never)).toThrow("did you mean 'dtype'?");
    expect(() => full([2], 1, 'float64' as never)).toThrow('{ dtype: "float64" }');
    expect(() => randn([2], { stddev: 2 } as never)).toThrow("did you mean 'std'?");
  });
});

describe('checkOptions', () => {
  const owner = { call: 'thing', positional: 'size' };
  test('undefined and valid objects pass', () => {
    expect(() => checkOptions(owner, undefined, ['size'])).not.toThrow();
    expect(() => checkOptions(owner, { size: 1 }, ['size'])).not.toThrow();
    expect(() => checkOptions(owner, Object.create(null), ['size'])).not.toThrow();
  });
  test('arrays, numbers and class instances are not options objects', () => {
    expect(() => checkOptions(owner, [1], ['size'])).toThrow('got an array');
    expect(() => checkOptions(owner, 4, ['size'])).toThrow('write thing({ size: 4 })');
    expect(() => checkOptions(owner, new Date(0), ['size'])).toThrow('got a Date');
  });
  test('nearestName: snake_case, aliases, typos, nothing close', () => {
    expect(nearestName('batch_size', ['batchSize', 'epochs'])).toBe('batchSize');
    expect(nearestName('lr', ['learningRate', 'epsilon'])).toBe('learningRate');
    expect(nearestName('epsilom', ['learningRate', 'epsilon'])).toBe('epsilon');
    expect(nearestName('zzzzzz', ['learningRate', 'epsilon'])).toBeNull();
  });
});
