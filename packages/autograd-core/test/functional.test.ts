/** The functional API: grad, valueAndGrad, vjp, jvp, jacobian, hessian, and the seed's worked example. */
import {
  type Tensor,
  fromExpression,
  grad,
  hessian,
  jacobian,
  jvp,
  makeGenerator,
  noGrad,
  ones,
  rand,
  tensor,
  valueAndGrad,
  vjp,
  zeros,
} from '@zen/autograd-core';
import { expectClose } from './helpers/assert';

const f64 = (values: number[] | number | number[][], shape?: number[]) =>
  tensor(values, { dtype: 'float64', shape });
const randomPoints = (n: number, seed: string) => {
  const next = makeGenerator(seed);
  return Array.from({ length: n }, () => [4 * next() - 2, 4 * next() - 2]);
};

describe("the seed's worked example f(x, y) = (2x² + 2y) / 4", () => {
  const f = (x: Tensor, y: Tensor) => x.square().mul(2).add(y.mul(2)).div(4);
  const points = randomPoints(5, 'worked example');

  test('reverse mode: ∂f/∂x = x and ∂f/∂y = 0.5', () => {
    for (const [x, y] of points) {
      const [gx, gy] = grad(f)(f64(x), f64(y));
      expect(gx.item()).toBeCloseTo(x, 12);
      expect(gy.item()).toBeCloseTo(0.5, 12);
    }
  });

  test('reverse mode through backward()', () => {
    const x = tensor(1.5, { dtype: 'float64', requiresGrad: true });
    const y = tensor(-0.25, { dtype: 'float64', requiresGrad: true });
    f(x, y).backward();
    expect(x.grad!.item()).toBeCloseTo(1.5, 12);
    expect(y.grad!.item()).toBeCloseTo(0.5, 12);
  });

  test('forward mode: tangents (1, 0) and (0, 1) give ∂f/∂x and ∂f/∂y', () => {
    for (const [x, y] of points) {
      const [value, dx] = jvp(f, [f64(x), f64(y)], [f64(1), f64(0)]);
      const [, dy] = jvp(f, [f64(x), f64(y)], [f64(0), f64(1)]);
      expect(value.item()).toBeCloseTo((2 * x * x + 2 * y) / 4, 12);
      expect(dx.item()).toBeCloseTo(x, 12);
      expect(dy.item()).toBeCloseTo(0.5, 12);
    }
  });

  test('through fromExpression, in both modes', () => {
    const g = fromExpression('(2*x^2 + 2*y)/4');
    expect(g.variables).toEqual(['x', 'y']);
    const h = (x: Tensor, y: Tensor) => g({ x, y });
    for (const [x, y] of points) {
      const [gx, gy] = grad(h)(f64(x), f64(y));
      expect(gx.item()).toBeCloseTo(x, 12);
      expect(gy.item()).toBeCloseTo(0.5, 12);
      expect(jvp(h, [f64(x), f64(y)], [f64(1), f64(0)])[1].item()).toBeCloseTo(x, 12);
      expect(jvp(h, [f64(x), f64(y)], [f64(0), f64(1)])[1].item()).toBeCloseTo(0.5, 12);
    }
  });
});

describe('grad and valueAndGrad', () => {
  test('argnums picks which arguments to differentiate', () => {
    const f = (a: Tensor, b: Tensor) => a.mul(b).sum();
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const [gb] = grad(f, 1)(a, b);
    expect(gb.toArray()).toEqual([1, 2]);
    const [ga, gb2] = grad(f, [0, 1])(a, b);
    expect(ga.toArray()).toEqual([3, 4]);
    expect(gb2.toArray()).toEqual([1, 2]);
  });

  test('valueAndGrad returns the value too, and leaves the arguments untouched', () => {
    const x = f64([1, 2, 3]);
    const [value, [g]] = valueAndGrad((t: Tensor) => t.square().sum())(x);
    expect(value.item()).toBe(14);
    expect(g.toArray()).toEqual([2, 4, 6]);
    expect(x.grad).toBeNull();
    expect(x.requiresGrad).toBe(false);
  });

  test('an argument the output does not depend on gets a zero gradient', () => {
    const [, g] = grad((a: Tensor, _b: Tensor) => a.sum())(f64([1]), f64([5, 6]));
    expect(g.toArray()).toEqual([0, 0]);
  });

  test('works under noGrad', () => {
    const [g] = noGrad(() => grad((t: Tensor) => t.exp().sum())(f64([0, 1])));
    expectClose(g, f64([1, Math.E]));
  });

  test('grad of grad gives the second derivative', () => {
    const d2 = grad((x: Tensor) => grad((t: Tensor) => t.pow(3).sum())(x)[0].sum());
    expect(d2(f64([2, -1]))[0].toArray()).toEqual([12, -6]); // 6x
  });

  test('a non-scalar result is an error', () => {
    expect(() => grad((t: Tensor) => t.mul(2))(f64([1, 2]))).toThrow(
      'grad: the function must return a scalar tensor, got [2]',
    );
  });
});

describe('vjp and jvp', () => {
  const A = f64(
    [
      [1, 2, 0],
      [0, -1, 3],
    ],
    [2, 3],
  );
  const linear = (x: Tensor) => A.matmul(x);

  test('vjp of a linear map is the transpose (pullback reusable for several cotangents)', () => {
    const [out, pullback] = vjp(linear, [f64([1, 1, 1])]);
    expect(out.toArray()).toEqual([3, 2]);
    expect(pullback(f64([1, 0]))[0].toArray()).toEqual([1, 2, 0]);
    expect(pullback(f64([0, 1]))[0].toArray()).toEqual([0, -1, 3]);
    expect(() => pullback(f64([1, 2, 3]))).toThrow('vjp: cotangent of shape [3] does not match output [2]');
  });

  test('jvp of a linear map is the map', () => {
    const [, tangent] = jvp(linear, [f64([5, 5, 5])], [f64([1, 0, 2])]);
    expect(tangent.toArray()).toEqual([1, 6]);
  });

  test('jvp checks its arguments', () => {
    expect(() => jvp(linear, [f64([1, 2, 3])], [])).toThrow('jvp: 1 primals but 0 tangents');
    expect(() => jvp(linear, [f64([1, 2, 3])], [f64([1])])).toThrow(
      'jvp: tangent 0 has shape [1], primal has [3]',
    );
  });

  test('jvp of a function that ignores its input has a zero tangent', () => {
    const [, tangent] = jvp(() => zeros([2], { dtype: 'float64' }), [f64([1, 2])], [f64([1, 1])]);
    expect(tangent.toArray()).toEqual([0, 0]);
  });

  test('forward over reverse: jvp of the gradient is the Hessian-vector product', () => {
    // f = Σ x³ has Hessian diag(6x)
    const g = (x: Tensor) => grad((t: Tensor) => t.pow(3).sum())(x)[0];
    const [gx, hv] = jvp(g, [f64([1, 2, 3])], [f64([1, -1, 0.5])]);
    expect(gx.toArray()).toEqual([3, 12, 27]);
    expect(hv.toArray()).toEqual([6, -12, 9]);
  });
});

describe('jacobian and hessian', () => {
  test('the Jacobian of x ↦ A·x is A', () => {
    const A = rand([3, 4], { dtype: 'float64', generator: makeGenerator('jac') });
    expectClose(jacobian((x: Tensor) => A.matmul(x))(ones([4], { dtype: 'float64' })), A);
  });

  test('the Jacobian of an elementwise map is diagonal, with shape [...out, ...in]', () => {
    const x = f64([0.1, 0.2, 0.3, 0.4], [2, 2]);
    const J = jacobian((t: Tensor) => t.exp())(x);
    expect(J.shape).toEqual([2, 2, 2, 2]);
    const e = x.data;
    expectClose(
      J.reshape([4, 4]),
      f64(
        [0, 1, 2, 3].flatMap((i) => [0, 1, 2, 3].map((j) => (i === j ? Math.exp(e[i]) : 0))),
        [4, 4],
      ),
    );
  });

  test('the Hessian of ½xᵀAx is (A + Aᵀ)/2', () => {
    const A = f64(
      [
        [2, 1],
        [3, 4],
      ],
      [2, 2],
    );
    const H = hessian((x: Tensor) => x.matmul(A).matmul(x).mul(0.5))(f64([0.3, -0.7]));
    expect(H.toArray()).toEqual([
      [2, 2],
      [2, 4],
    ]);
  });

  test('the Hessian of Σ x·sin(x) is diag(2cos x − x sin x)', () => {
    const x = f64([0.5, -1.2, 2]);
    const H = hessian((t: Tensor) => t.mul(t.sin()).sum())(x);
    const d = Array.from(x.data, (v) => 2 * Math.cos(v) - v * Math.sin(v));
    expectClose(H, f64([d[0], 0, 0, 0, d[1], 0, 0, 0, d[2]], [3, 3]), 1e-12);
  });
});
