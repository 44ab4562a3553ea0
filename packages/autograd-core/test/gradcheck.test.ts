/** gradcheck and gradgradcheck must pass correct rules and catch wrong ones. */
import { type Tensor, defineOp, gradcheck, gradgradcheck, tensor } from '@zen/autograd-core';

const input = (values: number[]) => tensor(values, { dtype: 'float64', requiresGrad: true });

/** Σ x³ with a reverse rule built by `rule` (the forward-mode rule is always right). */
function cubeWith(rule: (g: Tensor, x: Tensor) => Tensor) {
  const op = defineOp({
    name: 'cube',
    forward: ([x]) => x.detach().mul(x.detach()).mul(x.detach()),
    vjp: (g, [x]) => [rule(g, x)],
    jvp: ([t], [x]) => t!.mul(x.square().mul(3)),
  });
  return (x: Tensor) => op([x], undefined).sum();
}

describe('gradcheck', () => {
  test('passes a correct rule and reports what it compared', () => {
    const cube = cubeWith((g, x) => g.mul(x.square().mul(3)));
    const report = gradcheck(cube, [input([0.5, -1, 2])]);
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(3);
    expect(report.maxAbsError).toBeLessThan(1e-6);
  });

  test('throws on a wrong rule, naming the input, index and both values', () => {
    const wrong = cubeWith((g, x) => g.mul(x.square().mul(2))); // should be 3x²
    expect(() => gradcheck(wrong, [input([0.5, -1, 2])])).toThrow(
      /gradcheck: gradient of input 0 \(shape \[3\]\) at flat index 2: analytic 8 vs numeric 12\.0000/,
    );
  });

  test('can report instead of throwing', () => {
    const wrong = cubeWith((g) => g);
    const report = gradcheck(wrong, [input([1, 2])], { raiseException: false });
    expect(report.ok).toBe(false);
    expect(report.worst).toMatchObject({ input: 0, index: 1, analytic: 1 });
    expect(report.worst!.numeric).toBeCloseTo(12, 5);
  });

  test('checks only inputs with requiresGrad, and needs float64 for them', () => {
    const f = (a: Tensor, b: Tensor) => a.mul(b).sum();
    const b = tensor([1, 2], { dtype: 'float32' });
    expect(gradcheck(f, [input([3, 4]), b]).checked).toBe(2);
    const a32 = tensor([3, 4], { dtype: 'float32', requiresGrad: true });
    expect(() => gradcheck(f, [a32, b])).toThrow(
      'gradcheck: input 0 is float32; finite differences need float64',
    );
    expect(() => gradcheck(f, [tensor([1], { dtype: 'float64' }), b])).toThrow(
      'gradcheck: no input has requiresGrad: true',
    );
  });

  test('leaves the inputs unchanged', () => {
    const x = input([0.1, 0.2]);
    gradcheck((t: Tensor) => t.exp(), [x]);
    expect(x.toArray()).toEqual([0.1, 0.2]);
    expect(x.grad).toBeNull();
  });
});

describe('gradgradcheck', () => {
  test('passes a rule written with differentiable ops', () => {
    const cube = cubeWith((g, x) => g.mul(x.square().mul(3)));
    expect(gradgradcheck(cube, [input([0.5, -1, 2])]).ok).toBe(true);
  });

  test('catches a rule that is right but not itself differentiable', () => {
    // The gradient value is correct, but computed from a detached x, so its own derivative is lost.
    const opaque = cubeWith((g, x) => g.mul(x.detach().square().mul(3)));
    expect(gradcheck(opaque, [input([0.5, -1, 2])]).ok).toBe(true);
    expect(() => gradgradcheck(opaque, [input([0.5, -1, 2])])).toThrow(/gradcheck: gradient of input 0/);
  });
});
