/**
 * Drives every case of the op table: values against an independent oracle, gradcheck
 * (float64 finite differences), gradgradcheck, forward mode against finite differences,
 * and the adjoint identity ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ between jvp and vjp.
 */
import { Tensor, gradcheck, gradgradcheck, jvp, noGrad, vjp } from '@zen/autograd-core';
import { OP_CASES, type OpCase } from './op-cases';
import { makeInput, randomLike } from '../helpers/inputs';
import { fromTensor } from '../helpers/reference';
import { dot, expectClose } from '../helpers/assert';

/** The case's inputs, and its function restricted to the differentiable ones. */
function prepare(c: OpCase) {
  const inputs = c.inputs.map((s, i) => makeInput(s, `${c.op} ${c.name} #${i}`));
  const variable = c.inputs.flatMap((s, i) => (s.constant ? [] : [i]));
  const f = (...xs: Tensor[]): Tensor => {
    const all = [...inputs];
    variable.forEach((i, k) => (all[i] = xs[k]));
    return c.fn(...all);
  };
  const fresh = () =>
    variable.map((i) => {
      const x = inputs[i].clone();
      x.requiresGrad = true;
      return x;
    });
  return { inputs, f, fresh };
}

describe.each(OP_CASES.map((c) => [`${c.op}: ${c.name}`, c] as const))('%s', (_title, c) => {
  const { inputs, f, fresh } = prepare(c);
  const differentiable = c.differentiable !== false;

  test('values match the oracle', () => {
    const expected = c.expected ?? c.reference?.(...inputs.map(fromTensor));
    if (!expected) throw new Error('case has neither `expected` nor `reference`');
    const out = c.fn(...inputs);
    expect(out).toBeInstanceOf(Tensor);
    expectClose(out, expected, c.valueTol ?? 1e-10);
  });

  if (!differentiable) return;

  test('gradcheck', () => {
    const xs = fresh();
    const report = gradcheck(f, xs, c.check);
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(xs.reduce((n, x) => n + x.size, 0));
  });

  if (c.gradgrad !== false) {
    test('gradgradcheck', () => {
      expect(gradgradcheck(f, fresh(), c.check).ok).toBe(true);
    });
  }

  test('jvp matches central finite differences', () => {
    const xs = fresh().map((x) => x.detach());
    const vs = xs.map((x, i) => randomLike(x.shape, `tangent ${i}`));
    const [out, tangent] = jvp(f, xs, vs);
    expectClose(
      out,
      noGrad(() => f(...xs)),
      1e-12,
    );
    const h = c.check?.eps ?? 1e-6;
    const shifted = (sign: number) =>
      noGrad(() => f(...xs.map((x, i) => x.add(vs[i].mul(sign * h)))).astype('float64'));
    const numeric = shifted(1)
      .sub(shifted(-1))
      .div(2 * h);
    expectClose(tangent.astype('float64'), numeric, c.check?.atol ?? 1e-6);
  });

  test('⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ (forward and reverse mode agree)', () => {
    const xs = fresh().map((x) => x.detach());
    const vs = xs.map((x, i) => randomLike(x.shape, `v ${i}`));
    const [out, jv] = jvp(f, xs, vs);
    const u = randomLike(out.shape, 'u');
    const [, pullback] = vjp(f, xs);
    const jtu = pullback(u.astype(out.dtype));
    const lhs = dot(u, jv);
    const rhs = jtu.reduce((s, g, i) => s + dot(g, vs[i]), 0);
    expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(lhs)));
  });
});

/** Every differentiable op of the public API, as listed in the package's contract. */
const DIFFERENTIABLE_OPS = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'neg',
  'abs',
  'exp',
  'log',
  'sqrt',
  'square',
  'reciprocal',
  'sin',
  'cos',
  'tan',
  'tanh',
  'sigmoid',
  'relu',
  'leakyRelu',
  'elu',
  'gelu',
  'softplus',
  'erf',
  'clip',
  'where',
  'sum',
  'mean',
  'max',
  'min',
  'variance',
  'logSumExp',
  'matmul',
  'reshape',
  'flatten',
  'transpose',
  'permute',
  'expandDims',
  'squeeze',
  'broadcastTo',
  'sumToShape',
  'concat',
  'stack',
  'split',
  'slice',
  'pad',
  'gather',
  'indexSelect',
  'astype',
  'softmax',
  'logSoftmax',
  'conv2d',
  'maxPool2d',
  'avgPool2d',
  'dropout',
  'biasActivation',
  'selu',
  'silu',
  'swish',
  'relu6',
  'softsign',
  'mish',
  'hardSigmoid',
  'scaledDotProductAttention',
  'layerNorm',
  'linear',
  'einsum',
  'triu',
  'tril',
];

test('every differentiable op has gradchecked cases', () => {
  const checked = new Set(OP_CASES.filter((c) => c.differentiable !== false).map((c) => c.op));
  expect(DIFFERENTIABLE_OPS.filter((op) => !checked.has(op))).toEqual([]);
  expect(checked.size).toBeGreaterThanOrEqual(DIFFERENTIABLE_OPS.length);
});
