/** fromExpression: mathjs expressions as differentiable Zen-TS graphs, checked against mathjs itself. */
import { derivative, evaluate } from 'mathjs';
import { Tensor, fromExpression, grad, makeGenerator, tensor } from '@zen/autograd-core';
import { expectClose } from './helpers/assert';

const f64 = (v: number | number[]) => tensor(v, { dtype: 'float64' });

describe('fromExpression', () => {
  test('lists the variables in order of first appearance, without constants', () => {
    expect(fromExpression('y * sin(x) + pi * y - e^z').variables).toEqual(['y', 'x', 'z']);
    expect(fromExpression('2 + 3').variables).toEqual([]);
  });

  test('evaluates operators, precedence, unary minus, implicit multiplication and constants', () => {
    const cases: [string, Record<string, number>, number][] = [
      ['1 + 2 * 3 ^ 2', {}, 19],
      ['-x^2', { x: 3 }, -9],
      ['(1 - x) / (2 * y)', { x: 5, y: 2 }, -1],
      ['2x + 3y', { x: 1, y: 2 }, 8],
      ['+x - -y', { x: 1, y: 2 }, 3],
      ['pi / 2 + e', {}, Math.PI / 2 + Math.E],
      ['x .* y ./ 2 + x .^ 2', { x: 3, y: 4 }, 15],
      ['2 ^ -1', {}, 0.5],
      ['2 ^ 3 ^ 2', {}, 512],
    ];
    for (const [expr, vars, expected] of cases) {
      const tensors = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, f64(v)]));
      // With no tensor variables the result is a float32 scalar (the default dtype).
      const digits = Object.keys(vars).length > 0 ? 12 : 6;
      expect(fromExpression(expr)(tensors).item()).toBeCloseTo(expected, digits);
      expect(evaluate(expr, vars)).toBeCloseTo(expected, 12); // same reading as mathjs
    }
  });

  test('evaluates every supported function like mathjs', () => {
    const x = 0.7;
    const y = -1.3;
    const exprs = [
      'sin(x)',
      'cos(x)',
      'tan(x)',
      'exp(x)',
      'log(x)',
      'log(x, 2)',
      'sqrt(x)',
      'abs(y)',
      'tanh(y)',
      'square(y)',
      'cube(y)',
      'pow(x, y)',
      'max(x, y)',
      'min(x, y, 0)',
      'erf(y)',
    ];
    for (const expr of exprs) {
      const value = fromExpression(expr)({ x: f64(x), y: f64(y) }).item();
      expect([expr, value]).toEqual([expr, expect.closeTo(evaluate(expr, { x, y }) as number, 6)]);
    }
    expect(fromExpression('sigmoid(x)')({ x: f64(x) }).item()).toBeCloseTo(1 / (1 + Math.exp(-x)), 12);
    expect(fromExpression('relu(y) + softplus(x)')({ x: f64(x), y: f64(y) }).item()).toBeCloseTo(
      Math.log1p(Math.exp(x)),
      12,
    );
  });

  test('works elementwise on tensors with broadcasting, and numbers are constants', () => {
    const f = fromExpression('a * x + b');
    const out = f({ a: 2, x: tensor([[1, 2, 3]], { dtype: 'float64' }), b: f64([10, 20, 30]) });
    expect(out.shape).toEqual([1, 3]);
    expect(out.toArray()).toEqual([[12, 24, 36]]);
    expect(out.dtype).toBe('float64');
  });

  test('an expression of numbers only still returns a tensor', () => {
    const out = fromExpression('x * 2')({ x: 4 });
    expect(out).toBeInstanceOf(Tensor);
    expect(out.item()).toBe(8);
    expect(out.shape).toEqual([]);
  });

  test('is differentiable: gradients flow to tensor variables', () => {
    const f = fromExpression('x^2 * y + sin(x)');
    const [gx, gy] = grad((x: Tensor, y: Tensor) => f({ x, y }).sum())(f64([1, 2]), f64([3, 4]));
    expectClose(gx, f64([2 * 3 + Math.cos(1), 2 * 2 * 4 + Math.cos(2)]));
    expectClose(gy, f64([1, 4]));
  });

  test('unknown functions are reported when the expression is compiled', () => {
    expect(() => fromExpression('foo(x) + 1')).toThrow("fromExpression: unknown function 'foo'");
    expect(() => fromExpression('sin(x, y)')).toThrow("function 'sin' takes 1 argument, got 2");
    expect(() => fromExpression('max(x)')).toThrow("function 'max' needs at least 2 arguments");
  });

  test('unknown symbols are reported at call time, naming the missing ones', () => {
    const f = fromExpression('x + y * z');
    expect(() => f({ x: f64(1) })).toThrow(
      "fromExpression: unknown symbols 'y', 'z' in 'x + y * z' (not supplied; the expression needs x, y, z)",
    );
    expect(() => f({ x: f64(1), y: f64(1), toString: f64(1) })).toThrow("unknown symbol 'z'");
    expect(() => f({ x: f64(1), y: f64(1), z: 'a' as unknown as number })).toThrow(
      "variable 'z' must be a Tensor or a number, got string",
    );
  });

  test('syntax errors and unsupported syntax are reported with the expression', () => {
    expect(() => fromExpression('x +* 2')).toThrow("fromExpression: cannot parse 'x +* 2'");
    expect(() => fromExpression('x = 2')).toThrow('unsupported syntax (AssignmentNode)');
    expect(() => fromExpression('[1, 2]')).toThrow('unsupported syntax (ArrayNode)');
    expect(() => fromExpression('x > 1')).toThrow("unsupported operator '>' (larger)");
    expect(() => fromExpression('x mod 2')).toThrow("unsupported operator 'mod'");
    expect(() => fromExpression('"text"')).toThrow('unsupported constant');
  });
});

describe('mathjs derivative as an oracle', () => {
  // Expressions in x and y over a domain where all of them are smooth.
  const expressions = [
    '(2*x^2 + 2*y)/4',
    'x^3 - 3*x*y + y^2',
    'sin(x) * cos(y)',
    'exp(x*y) / (1 + x^2)',
    'log(x) + sqrt(y)',
    'tan(x) * y',
    'tanh(x - y)',
    'x^y',
    '2^x * y',
    '(x + y)^2 / (x * y)',
    'sqrt(x^2 + y^2)',
    'exp(-x^2) * sin(3*y)',
    'log(x^2 + y) - x/y',
    'abs(x - 2) * y',
  ];
  const next = makeGenerator('derivative oracle');
  // x, y in [0.5, 1.5]: positive (log, sqrt, x^y) and away from the kink of abs(x − 2).
  const points = Array.from({ length: 4 }, () => ({ x: 0.5 + next(), y: 0.5 + next() }));

  test.each(expressions)('%s', (expr) => {
    const f = fromExpression(expr);
    const dx = derivative(expr, 'x');
    const dy = derivative(expr, 'y');
    for (const p of points) {
      const [gx, gy] = grad((x: Tensor, y: Tensor) => f({ x, y }))(f64(p.x), f64(p.y));
      expect(gx.item()).toBeCloseTo(dx.evaluate(p) as number, 10);
      expect(gy.item()).toBeCloseTo(dy.evaluate(p) as number, 10);
    }
  });

  test('second derivatives agree too', () => {
    const expr = 'x^2 * sin(y) + exp(x) * y^3';
    const f = fromExpression(expr);
    const dxx = derivative(derivative(expr, 'x'), 'x');
    const dxy = derivative(derivative(expr, 'x'), 'y');
    for (const p of points) {
      const [hx, hy] = grad((x: Tensor, y: Tensor) => grad((a: Tensor) => f({ x: a, y }))(x)[0])(
        f64(p.x),
        f64(p.y),
      );
      expect(hx.item()).toBeCloseTo(dxx.evaluate(p) as number, 10);
      expect(hy.item()).toBeCloseTo(dxy.evaluate(p) as number, 10);
    }
  });
});
