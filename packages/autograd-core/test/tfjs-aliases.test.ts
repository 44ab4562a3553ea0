import { tensor, tensor1d, tensor2d, tensor3d, tensor4d } from '@zen/autograd-core';

describe('TensorFlow.js aliases', () => {
  test('dataSync is the flat storage, arraySync the nested arrays', () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(t.dataSync()).toBeInstanceOf(Float32Array);
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4]);
    expect(t.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  test('print logs toString', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    const t = tensor([1, 2]);
    t.print();
    expect(log).toHaveBeenCalledWith(t.toString());
    log.mockRestore();
  });

  test('tensor1d…tensor4d check the rank and take tfjs positional shape and dtype', () => {
    expect(tensor1d([1, 2, 3], 'int32').dtype).toBe('int32');
    expect(tensor2d([1, 2, 3, 4, 5, 6], [2, 3]).shape).toEqual([2, 3]);
    expect(tensor2d([[1], [2]], undefined, 'float64').dtype).toBe('float64');
    expect(tensor3d([1, 2, 3, 4], [1, 2, 2]).shape).toEqual([1, 2, 2]);
    expect(tensor4d(new Float32Array(8), [1, 2, 2, 2]).shape).toEqual([1, 2, 2, 2]);
    expect(() => tensor2d([1, 2, 3])).toThrow('tensor2d: expected a rank-2 tensor, got shape [3]');
    expect(() => tensor3d([1, 2, 3, 4], [2, 2])).toThrow('tensor3d: expected a rank-3 tensor');
  });
});
