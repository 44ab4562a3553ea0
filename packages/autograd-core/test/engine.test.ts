/** The reverse-mode engine: accumulation, graph walking, graph lifetime, grad modes. */
import {
  type Tensor,
  argmax,
  defineOp,
  gather,
  isGradEnabled,
  noGrad,
  ones,
  scalar,
  tensor,
  withGradMode,
} from '@zen/autograd-core';
import { expectClose } from './helpers/assert';

const leaf = (values: number[] | number, shape?: number[]) =>
  tensor(values, { dtype: 'float64', requiresGrad: true, shape });

describe('backward', () => {
  test('fills the gradient of every leaf, summing over every use', () => {
    const x = leaf([1, -2, 3]);
    const y = leaf([0.5, 2, -1]);
    // f = Σ x·x·y + x  →  ∂f/∂x = 2xy + 1, ∂f/∂y = x²
    x.mul(x).mul(y).add(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, -7, -5]);
    expect(y.grad!.toArray()).toEqual([1, 4, 9]);
    expect(x.grad!.dtype).toBe('float64');
    expect(x.grad!.requiresGrad).toBe(false);
  });

  test('gradients accumulate across calls until zeroGrad', () => {
    const x = leaf([1, 2]);
    x.square().sum().backward();
    x.square().sum().backward();
    expect(x.grad!.toArray()).toEqual([4, 8]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });

  test('a broadcast input receives the gradient summed to its own shape', () => {
    const bias = leaf([1, 2, 3]);
    const scale = leaf(2);
    const m = tensor(
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
      { dtype: 'float64' },
    );
    m.add(bias).mul(scale).sum().backward();
    expect(bias.grad!.toArray()).toEqual([4, 4, 4]);
    expect(bias.grad!.shape).toEqual([3]);
    expect(scale.grad!.shape).toEqual([]);
    expect(scale.grad!.item()).toBe(9 + 12);
  });

  test('a 10,000-step chain is walked without recursion', () => {
    const x = leaf(1);
    let y: Tensor = x;
    for (let i = 0; i < 10_000; i++) y = y.mul(1.0001);
    y.backward();
    expect(x.grad!.item()).toBeCloseTo(1.0001 ** 10_000, 8);
  });

  test('a heavily shared graph visits each node once (60 doublings y = y + y)', () => {
    const x = leaf(3);
    let y: Tensor = x;
    for (let i = 0; i < 60; i++) y = y.add(y); // 2^60 paths from y to x
    y.backward();
    expect(y.item()).toBe(3 * 2 ** 60);
    expect(x.grad!.item()).toBe(2 ** 60);
  });

  test('a wide diamond shares one node across many users', () => {
    const x = leaf(2);
    const shared = x.square();
    let total: Tensor = scalar(0, { dtype: 'float64' });
    for (let i = 1; i <= 100; i++) total = total.add(shared.mul(i));
    total.backward();
    // d/dx Σ i·x² = 2x·5050
    expect(x.grad!.item()).toBe(4 * 5050);
  });

  test('a non-scalar output needs a seed gradient of its shape', () => {
    const x = leaf([1, 2, 3]);
    const y = x.square();
    expect(() => y.backward()).toThrow('backward: output of shape [3] is not a scalar; pass a gradient');
    expect(() => y.backward(ones([2]))).toThrow('does not match output shape [3]');
    y.backward(tensor([1, 0, -1], { dtype: 'float64' }));
    expect(x.grad!.toArray()).toEqual([2, 0, -6]);
  });

  test('backward on a tensor outside any graph is an error', () => {
    expect(() => tensor([1]).sum().backward()).toThrow('backward: tensor does not require grad');
  });

  test('a graph is freed by backward unless retainGraph is set', () => {
    const x = leaf([1, 2]);
    const loss = x.exp().sum();
    loss.backward(undefined, { retainGraph: true });
    loss.backward();
    expectClose(x.grad!, x.exp().mul(2));
    expect(() => loss.backward()).toThrow(/graph through op '\w+' was freed.*retainGraph: true/);
  });

  test('a leaf can be its own root', () => {
    const x = leaf(5);
    x.backward();
    expect(x.grad!.item()).toBe(1);
  });

  test('createGraph makes the gradient differentiable (second and third derivatives)', () => {
    const x = leaf(1.5);
    x.pow(4).backward(undefined, { createGraph: true });
    const g1 = x.grad!; // 4x³
    expect(g1.item()).toBeCloseTo(4 * 1.5 ** 3, 12);
    expect(g1.requiresGrad).toBe(true);
    x.zeroGrad();
    g1.backward(undefined, { createGraph: true });
    const g2 = x.grad!; // 12x²
    expect(g2.item()).toBeCloseTo(12 * 1.5 ** 2, 12);
    x.zeroGrad();
    g2.backward();
    expect(x.grad!.item()).toBeCloseTo(24 * 1.5, 12);
  });

  test('second derivatives of a two-variable function equal hand values', () => {
    // f = x²·y + sin(x·y): f_x = 2xy + y·cos(xy), f_xy = 2x + cos(xy) − xy·sin(xy)
    const x = leaf(0.7);
    const y = leaf(-1.3);
    x.square().mul(y).add(x.mul(y).sin()).backward(undefined, { createGraph: true });
    const fx = x.grad!;
    const xy = 0.7 * -1.3;
    expect(fx.item()).toBeCloseTo(2 * 0.7 * -1.3 + -1.3 * Math.cos(xy), 12);
    x.zeroGrad();
    y.zeroGrad();
    fx.backward();
    expect(y.grad!.item()).toBeCloseTo(2 * 0.7 + Math.cos(xy) - xy * Math.sin(xy), 12);
    // f_xx = 2y − y²·sin(xy)
    expect(x.grad!.item()).toBeCloseTo(2 * -1.3 - 1.3 ** 2 * Math.sin(xy), 12);
  });

  test('the gradient of a max reduction is shared between tied maxima', () => {
    const x = leaf([1, 3, 3, 2]);
    x.max().backward();
    expect(x.grad!.toArray()).toEqual([0, 0.5, 0.5, 0]);
  });

  test('pow has finite gradients at base 0 (the limits, as PyTorch)', () => {
    const a = leaf([0, 0, 2, 0]);
    const b = leaf([2, 3, 0, 0]);
    a.pow(b).sum().backward();
    expect(a.grad!.toArray()).toEqual([0, 0, 0, 0]);
    expect(b.grad!.toArray()).toEqual([0, 0, Math.LN2, 0]);
    // and so do second derivatives: d²/dx² x^0 = 0 at x = 0, d²/dx² x² = 2
    const x = leaf([0, 0]);
    x.pow(tensor([0, 2], { dtype: 'float64' }))
      .sum()
      .backward(undefined, { createGraph: true });
    const slope = x.grad!;
    x.zeroGrad();
    slope.sum().backward();
    expectClose(x.grad!, tensor([0, 2], { dtype: 'float64' }), 0);
  });

  test('gather scatter-adds repeated indices back', () => {
    const x = leaf([10, 20, 30]);
    gather(x, [2, 0, 2, 2]).sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 0, 3]);
  });

  test('the gradient through a dtype cast comes back in the input dtype', () => {
    const x = leaf([1, 2]);
    x.astype('float32').mul(3).sum().backward();
    expect(x.grad!.dtype).toBe('float64');
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });
});

describe('recording', () => {
  test('requiresGrad propagates from any input that has it', () => {
    const a = leaf([1, 2]);
    const b = tensor([3, 4], { dtype: 'float64' });
    expect(a.add(b).requiresGrad).toBe(true);
    expect(b.add(a).requiresGrad).toBe(true);
    expect(b.mul(2).requiresGrad).toBe(false);
    expect(a.add(b).isLeaf).toBe(false);
    expect(a.isLeaf).toBe(true);
  });

  test('comparison masks and integer results carry no gradient', () => {
    const a = leaf([1, 2, 3]);
    expect(a.greater(1).requiresGrad).toBe(false);
    expect(argmax(a).requiresGrad).toBe(false);
    expect(a.astype('int32').requiresGrad).toBe(false);
  });

  test('noGrad records nothing and restores the mode, even after an error', () => {
    const a = leaf([1, 2]);
    const out = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return a.mul(2);
    });
    expect(out.requiresGrad).toBe(false);
    expect(out.isLeaf).toBe(true);
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    expect(withGradMode(false, () => withGradMode(true, () => isGradEnabled()))).toBe(true);
  });

  test('detach cuts the graph but shares the values', () => {
    const x = leaf([1, 2]);
    const y = x.mul(2);
    const frozen = y.detach();
    expect(frozen.requiresGrad).toBe(false);
    expect(frozen.data).toBe(y.data);
    frozen.mul(x).sum().backward(); // gradient through x only: frozen = 2x treated as constant
    expect(x.grad!.toArray()).toEqual([2, 4]);
  });

  test('an input without requiresGrad gets no gradient', () => {
    const x = leaf([1, 2]);
    const c = tensor([3, 4], { dtype: 'float64' });
    x.mul(c).sum().backward();
    expect(c.grad).toBeNull();
    expect(x.grad!.toArray()).toEqual([3, 4]);
  });

  test('vjp rules are told which inputs need a gradient', () => {
    const seen: boolean[][] = [];
    const probe = defineOp({
      name: 'probe',
      forward: ([a, b]) => a.detach().add(b.detach()),
      vjp: (g, _inputs, _out, _attrs, needs) => {
        seen.push([...needs]);
        return [needs[0] ? g : null, needs[1] ? g : null];
      },
      jvp: ([ta, tb]) => (ta && tb ? ta.add(tb) : (ta ?? tb)!),
    });
    const x = leaf([1]);
    probe([x, tensor([2], { dtype: 'float64' })], undefined)
      .sum()
      .backward();
    expect(seen).toEqual([[true, false]]);
    expect(x.grad!.toArray()).toEqual([1]);
  });
});

describe('slice gradients (added into a box of the running sum)', () => {
  test('box and whole-tensor contributions in any order sum exactly, and shared ones stay intact', () => {
    const x = leaf([1, 2, 3, 4, 5, 6], [2, 3]);
    const w = tensor([0.5, -1, 2], { dtype: 'float64' });
    // A whole-tensor term before, between and after the slice terms.
    const whole = x.mul(w); // ∂/∂x = w (broadcast over rows)
    const first = x.slice([0, 0], [1, 3]).mul(3).sum(); // row 0 gets 3
    const second = x.slice([1, 1], [1, 2]).square().sum(); // x[1,1:] gets 2x
    const third = x.slice([0, 2], [2, 1]).mul(-4).sum(); // column 2 gets -4
    const f = whole.sum().add(first).add(whole.mul(whole).sum()).add(second).add(third);
    f.backward();
    // ∂f/∂x = w + 2·w²·x (from Σ (xw)²) + the slice terms, computed by hand per element.
    const expected = [1, 2, 3, 4, 5, 6].map((v, i) => {
      const [r, c] = [Math.floor(i / 3), i % 3];
      const wc = [0.5, -1, 2][c];
      let g = wc + 2 * wc * wc * v;
      if (r === 0) g += 3;
      if (r === 1 && c >= 1) g += 2 * v;
      if (c === 2) g += -4;
      return g;
    });
    expect(x.grad!.toArray()).toEqual([expected.slice(0, 3), expected.slice(3)]);
  });

  test('a sequence read one step at a time: every step gets its own gradient', () => {
    const steps = 50;
    const x = leaf(
      Array.from({ length: 2 * steps }, (_, i) => Math.sin(i)),
      [2, steps],
    );
    let h = tensor([0, 0], { dtype: 'float64' });
    for (let t = 0; t < steps; t++) h = h.mul(0.5).add(x.slice([0, t], [2, 1]).reshape([2]));
    h.sum().backward();
    // h_T = Σ_t 0.5^(T−1−t) x_t, so ∂h_T/∂x_t = 0.5^(T−1−t) for both rows.
    const row = Array.from({ length: steps }, (_, t) => 0.5 ** (steps - 1 - t));
    expect(x.grad!.toArray()).toEqual([row, row]);
  });

  test('with createGraph the slice rule becomes a differentiable pad (second derivatives)', () => {
    const x = leaf([1, 2, 3]);
    const f = x.slice([1], [2]).pow(3).sum(); // x1³ + x2³
    f.backward(undefined, { createGraph: true });
    const g = x.grad!; // [0, 3x1², 3x2²]
    expect(g.toArray()).toEqual([0, 12, 27]);
    x.grad = null;
    g.sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 12, 18]); // 6x
  });
});
