import { tensor } from '@zen/autograd-core';
import { Flatten, Reshape, resetNameCounters } from '@zen/nn';
import { testValues } from '../helpers';

describe('Flatten and Reshape', () => {
  // Default layer names count up across the process (Keras); start each test from 'dense'.
  beforeEach(() => resetNameCounters());
  const x = tensor(testValues(2 * 3 * 4), { shape: [2, 3, 4] });

  test('Flatten keeps the batch axis and row-major order', () => {
    const layer = new Flatten();
    const out = layer.apply(x);
    expect(out.shape).toEqual([2, 12]);
    expect(Array.from(out.data)).toEqual(Array.from(x.data));
    expect(layer.computeOutputShape([null, 3, 4])).toEqual([null, 12]);
    expect(() => layer.apply(tensor(testValues(2 * 4 * 3), { shape: [2, 4, 3] }))).toThrow(
      "Flatten layer 'flatten': expected input with axis 1 of length 3, got shape [2,4,3]",
    );
  });

  test('Reshape fills in -1 and validates sizes', () => {
    const layer = new Reshape({ targetShape: [-1, 2] });
    const out = layer.apply(x);
    expect(out.shape).toEqual([2, 6, 2]);
    expect(Array.from(out.data)).toEqual(Array.from(x.data));
    expect(layer.computeOutputShape([null, 3, 4])).toEqual([null, 6, 2]);
    expect(() => new Reshape({ targetShape: [5] }).apply(x)).toThrow(
      "Reshape layer 'reshape_1': cannot reshape input [2,3,4] to samples of shape [5]",
    );
    expect(() => new Reshape({ targetShape: [-1, -1] })).toThrow('at most one -1');
    expect(new Reshape({ targetShape: [4, 3] }).getConfig()).toMatchObject({ targetShape: [4, 3] });
  });
});
