/** Regression tests for bugs found while building on the core; each test is independent. */
import { clip, maximum, minimum, tensor } from '@zen/autograd-core';

describe('regressions', () => {
  test('maximum/minimum propagate NaN from either operand, so clip cannot turn NaN into a bound', () => {
    const nan = tensor([NaN, 1]);
    expect(Array.from(maximum(nan, 0.5).data)).toEqual([NaN, 1]);
    expect(Array.from(maximum(tensor([0.5, 0.5]), nan).data)).toEqual([NaN, 1]);
    expect(Array.from(minimum(nan, 0.5).data)).toEqual([NaN, 0.5]);
    expect(Array.from(minimum(tensor([0.5, 0.5]), nan).data)).toEqual([NaN, 0.5]);
    expect(Array.from(clip(nan, 1e-7, 1 - 1e-7).data)[0]).toBeNaN();
  });
});
