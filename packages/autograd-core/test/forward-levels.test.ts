/**
 * Forward mode per level: jvp nests (each call has its own ε) and mixes with grad in
 * any order. Third derivatives are checked against closed forms.
 */
import { type Tensor, grad, jvp, onesLike, randn, setSeed, tensor } from '@zen/autograd-core';
import { expectClose } from './helpers/assert';

const f64 = (values: number[] | number | number[][]) => tensor(values, { dtype: 'float64' });

type Fn = (x: Tensor) => Tensor;
/** The derivative of an elementwise function by forward mode: J·1. */
const fwd =
  (f: Fn): Fn =>
  (x) =>
    jvp(f, [x], [onesLike(x)])[1];
/** The derivative of an elementwise function by reverse mode: ∇ Σ f. */
const rev =
  (f: Fn): Fn =>
  (x) =>
    grad((y: Tensor) => f(y).sum())(x)[0];

const tanh3 = (x: number) => {
  const t = Math.tanh(x);
  return -2 * (1 - t * t) * (1 - 3 * t * t);
};

/** Functions with their third derivatives in closed form. */
const CASES: [string, Fn, (x: number) => number][] = [
  ['sin', (x) => x.sin(), (x) => -Math.cos(x)],
  ['exp', (x) => x.exp(), (x) => Math.exp(x)],
  ['tanh', (x) => x.tanh(), tanh3],
  ['log', (x) => x.log(), (x) => 2 / x ** 3],
  // x·x·x sends three contributions to x's gradient, so gradient sums meet tangents.
  ['x³', (x) => x.mul(x).mul(x), () => 6],
  ['sin(x²)', (x) => x.square().sin(), (x) => -12 * x * Math.sin(x * x) - 8 * x ** 3 * Math.cos(x * x)],
];

/** Every way of taking three derivatives with forward (f) and reverse (r) mode. */
const ORDERS: [string, (f: Fn) => Fn][] = [
  ['fff', (f) => fwd(fwd(fwd(f)))],
  ['ffr', (f) => fwd(fwd(rev(f)))],
  ['frf', (f) => fwd(rev(fwd(f)))],
  ['rff', (f) => rev(fwd(fwd(f)))],
  ['frr', (f) => fwd(rev(rev(f)))],
  ['rfr', (f) => rev(fwd(rev(f)))],
  ['rrf', (f) => rev(rev(fwd(f)))],
  ['rrr', (f) => rev(rev(rev(f)))],
];

const POINTS = [0.3, 0.7, 1.2, 2.1];

describe('third derivatives against closed forms', () => {
  test.each(CASES)('%s', (_name, f, third) => {
    const expected = f64(POINTS.map(third));
    for (const [order, d3] of ORDERS) {
      const got = d3(f)(f64(POINTS));
      try {
        expectClose(got, expected, 1e-12);
      } catch (e) {
        throw new Error(`order ${order}: ${(e as Error).message}`, { cause: e });
      }
    }
  });

  test('the second derivative by jvp of jvp along two directions is the mixed term', () => {
    // f(A) = A·A: D²f[V, W] = V·W + W·V.
    setSeed(3);
    const [a, v, w] = [0, 1, 2].map(() => randn([3, 3], { dtype: 'float64' }));
    const f = (x: Tensor) => x.matmul(x);
    const [first, mixed] = jvp((x: Tensor) => jvp(f, [x], [v])[1], [a], [w]);
    expectClose(first, a.matmul(v).add(v.matmul(a)), 1e-12);
    expectClose(mixed, v.matmul(w).add(w.matmul(v)), 1e-12);
  });
});

describe('levels keep perturbations apart', () => {
  test("an inner jvp does not take the outer jvp's tangent for its own", () => {
    // d/dx [x · d/dy (x + y)] = d/dx [x · 1] = 1; one shared ε would give 2.
    const one = f64(1);
    const inner = (x: Tensor) => x.mul(jvp((y: Tensor) => x.add(y), [one], [one])[1]);
    expect(jvp(inner, [f64(1)], [one])[1].item()).toBe(1);
  });

  test("an inner jvp's tangent may depend on the outer variable", () => {
    // d/dx [jvp(sin, x, x)] = d/dx [x cos x] = cos x − x sin x.
    const x = 0.8;
    const [value, derivative] = jvp(
      (t: Tensor) => jvp((s: Tensor) => s.sin(), [t], [t])[1],
      [f64(x)],
      [f64(1)],
    );
    expect(value.item()).toBeCloseTo(x * Math.cos(x), 14);
    expect(derivative.item()).toBeCloseTo(Math.cos(x) - x * Math.sin(x), 14);
  });

  test('a tensor kept from a finished jvp is a constant in later ones', () => {
    let kept: Tensor | null = null;
    jvp(
      (x: Tensor) => {
        kept = x.mul(x);
        return kept;
      },
      [f64(3)],
      [f64(1)],
    );
    // y · 9 has derivative 9: the finished level's tangent (2x = 6) plays no part.
    const [, tangent] = jvp((y: Tensor) => y.mul(kept!), [f64(2)], [f64(1)]);
    expect(tangent.item()).toBe(9);
  });

  test('the jvp output carries no tangent of its own level, only those of outer levels', () => {
    const [out] = jvp((x: Tensor) => x.exp(), [f64(0.5)], [f64(1)]);
    expect(out.tangents === null || out.tangents.size === 0).toBe(true);
  });
});
