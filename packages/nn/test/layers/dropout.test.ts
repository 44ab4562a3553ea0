import { ones, setSeed, tensor } from '@zen/autograd-core';
import { Dropout } from '@zen/nn';

describe('Dropout', () => {
  test('is the identity at inference', () => {
    const x = tensor([[1, 2, 3]]);
    expect(new Dropout({ rate: 0.5 }).apply(x, { training: false }).toArray()).toEqual([[1, 2, 3]]);
    expect(new Dropout({ rate: 0.5 }).apply(x).toArray()).toEqual([[1, 2, 3]]);
  });

  test('in training zeroes about `rate` of the inputs and scales the rest by 1/(1 − rate)', () => {
    setSeed(5);
    const out = new Dropout({ rate: 0.25 }).apply(ones([100, 100]), { training: true });
    const values = Array.from(out.data);
    const zeros = values.filter((v) => v === 0).length;
    expect(values.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(zeros / values.length).toBeGreaterThan(0.23);
    expect(zeros / values.length).toBeLessThan(0.27);
  });

  test('masks are reproducible under setSeed and gradients follow the mask', () => {
    setSeed(9);
    const x = ones([4, 5], { requiresGrad: true });
    const a = new Dropout({ rate: 0.5 }).apply(x, { training: true });
    a.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(a.data));
    setSeed(9);
    const b = new Dropout({ rate: 0.5 }).apply(ones([4, 5]), { training: true });
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  test('rejects rates outside [0, 1)', () => {
    expect(() => new Dropout({ rate: 1 })).toThrow('Dropout: rate must be in [0, 1), got 1');
  });
});
