/**
 * The table of op cases. Each case names the exported op it covers, its inputs, the
 * function under test and an oracle for its values: a plain-JS reference (test/helpers/
 * reference.ts) or hand-computed numbers. ops.test.ts drives every case through value,
 * gradcheck, gradgradcheck, JVP-vs-finite-difference and ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ checks.
 */
import * as Z from '@zen/autograd-core';
import type { GradcheckOptions, Tensor } from '@zen/autograd-core';
import * as R from '../helpers/reference';
import type { Arr } from '../helpers/reference';
import type { InputSpec } from '../helpers/inputs';
import * as RA from '../helpers/reference-attention';

export interface OpCase {
  /** The exported op this case covers. */
  op: string;
  /** What is special about the case (shapes, options). */
  name: string;
  inputs: InputSpec[];
  /** The function under test; constant inputs are passed too, but never differentiated. */
  fn: (...xs: Tensor[]) => Tensor;
  /** Independent reference computation on plain arrays. */
  reference?: (...xs: Arr[]) => Arr;
  /** Hand-computed result. */
  expected?: Arr;
  /** Tolerance for the value comparison (default 1e-10 absolute + relative). */
  valueTol?: number;
  /** False for ops without a gradient (comparisons, argmax, oneHot …). Default true. */
  differentiable?: boolean;
  /** Second-order check (default true for differentiable cases). */
  gradgrad?: boolean;
  /** Options for gradcheck and the finite-difference JVP check. */
  check?: GradcheckOptions;
}

const spec = (shape: number[], extra: Partial<InputSpec> = {}): InputSpec => ({ shape, ...extra });
const constant = (shape: number[], values: number[], dtype: Z.DType = 'float64'): InputSpec => ({
  shape,
  values,
  dtype,
  constant: true,
});

const BINARY_SHAPES: [number[], number[]][] = [
  [
    [2, 3],
    [2, 3],
  ],
  [[2, 3], [3]],
  [
    [4, 1, 3],
    [2, 1],
  ],
  [[], [2, 3]],
];

function binaryCases(
  op: string,
  fn: (a: Tensor, b: Tensor) => Tensor,
  f: (a: number, b: number) => number,
  a: Partial<InputSpec> = {},
  b: Partial<InputSpec> = {},
): OpCase[] {
  return BINARY_SHAPES.map(([sa, sb]) => ({
    op,
    name: `[${sa}] with [${sb}]`,
    inputs: [spec(sa, a), spec(sb, b)],
    fn,
    reference: (x, y) => R.zip([x, y], f),
  }));
}

const UNARY_SHAPES = [[2, 3], []];

function unaryCases(
  op: string,
  fn: (x: Tensor) => Tensor,
  f: (x: number) => number,
  input: Partial<InputSpec> = {},
  extra: Partial<OpCase> = {},
): OpCase[] {
  return UNARY_SHAPES.map((shape) => ({
    op,
    name: `[${shape}]`,
    inputs: [spec(shape, input)],
    fn,
    reference: (x) => R.map(x, f),
    ...extra,
  }));
}

type Reducer = (values: number[]) => number;
type Reduction = (x: Tensor, axis?: number | number[], keepDims?: boolean) => Tensor;
const REDUCE_AXES: [number | number[] | undefined, boolean][] = [
  [undefined, false],
  [0, false],
  [-1, true],
  [[0, 2], false],
  [1, true],
];

function reduceCases(op: string, fn: Reduction, f: Reducer, input: Partial<InputSpec> = {}): OpCase[] {
  return REDUCE_AXES.map(([axis, keepDims]) => ({
    op,
    name: `[2,3,4] axis ${JSON.stringify(axis)} keepDims ${keepDims}`,
    inputs: [spec([2, 3, 4], input)],
    fn: (x) => fn(x, axis, keepDims),
    reference: (x) => R.reduce(x, axis, keepDims, f),
  }));
}

/** (x − mean)/√(var + ε)·γ + β along the last axis, from the definition. */
/** −log softmax(z)[y] = logΣe^z − z_y per row. */
function crossEntropyReference(z: Arr, labels: number[]): Arr {
  const n = z.shape[z.shape.length - 1];
  const out = labels.map((label, r) => {
    const row = z.data.slice(r * n, (r + 1) * n);
    return R.logSumExp(row) - row[label];
  });
  return R.arr(z.shape.slice(0, -1), out);
}

/** Σ_j t_j·(logΣexp(z) − z_j) per row (the dense targets' cross-entropy). */
function denseCrossEntropyReference(z: Arr, t: Arr): Arr {
  const n = z.shape[z.shape.length - 1];
  const out: number[] = [];
  for (let r = 0; r < z.data.length / n; r++) {
    const row = z.data.slice(r * n, (r + 1) * n);
    const lse = R.logSumExp(row);
    out.push(row.reduce((sum, v, j) => sum + t.data[r * n + j] * (lse - v), 0));
  }
  return R.arr(z.shape.slice(0, -1), out);
}

function layerNormReference(x: Arr, gamma: number[] | null, beta: number[] | null, epsilon: number): Arr {
  const n = x.shape[x.shape.length - 1];
  const out: number[] = [];
  for (let r = 0; r < x.data.length / n; r++) {
    const row = x.data.slice(r * n, (r + 1) * n);
    const mean = R.average(row);
    const sd = Math.sqrt(R.popVariance(row) + epsilon);
    row.forEach((v, j) => out.push(((v - mean) / sd) * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0)));
  }
  return R.arr(x.shape, out);
}

/** Every state of h_t = tanh(p_t + h_{t−1}·U), h_{−1} = 0, over p [T, N, H], by plain loops. */
function tanhRecurrenceReference(p: Arr, u: Arr): Arr {
  const [T, N, H] = p.shape;
  const out: number[] = [];
  let h = new Array<number>(N * H).fill(0);
  for (let t = 0; t < T; t++) {
    const next: number[] = [];
    for (let i = 0; i < N; i++)
      for (let j = 0; j < H; j++) {
        let z = p.data[(t * N + i) * H + j];
        for (let q = 0; q < H; q++) z += h[i * H + q] * u.data[q * H + j];
        next.push(Math.tanh(z));
      }
    out.push(...next);
    h = next;
  }
  return R.arr(p.shape, out);
}

const erfTol = 1e-6; // the erf kernel is a rational fit with error below 1.2e-7

export const OP_CASES: OpCase[] = [
  // ---- elementwise binary, with broadcasting ----
  ...binaryCases('add', Z.add, (a, b) => a + b),
  ...binaryCases('sub', Z.sub, (a, b) => a - b),
  ...binaryCases('mul', Z.mul, (a, b) => a * b),
  ...binaryCases('div', Z.div, (a, b) => a / b, {}, { awayFromZero: true }),
  ...binaryCases('pow', Z.pow, Math.pow, { range: [0.5, 2] }, { range: [-1.5, 2.5] }),
  ...binaryCases('maximum', Z.maximum, Math.max),
  ...binaryCases('minimum', Z.minimum, Math.min),
  // One operand constant: its tangent is absent, and the other's may need broadcasting.
  ...(
    [
      ['add', Z.add, (a: number, b: number) => a + b],
      ['sub', Z.sub, (a: number, b: number) => a - b],
      ['mul', Z.mul, (a: number, b: number) => a * b],
      ['maximum', Z.maximum, Math.max],
    ] as const
  ).flatMap(([op, fn, f]): OpCase[] => [
    {
      op,
      name: 'variable [] with constant [2,3]',
      inputs: [spec([]), constant([2, 3], [0.5, -1, 1.5, 2, -2, 0.1])],
      fn,
      reference: (a, b) => R.zip([a, b], f),
    },
    {
      op,
      name: 'constant [2,1] with variable [3]',
      inputs: [constant([2, 1], [0.7, -0.4]), spec([3])],
      fn,
      reference: (a, b) => R.zip([a, b], f),
    },
  ]),
  {
    op: 'add',
    name: 'hand-computed broadcast [2,2] + [2]',
    inputs: [spec([2, 2], { values: [1, 2, 3, 4] }), spec([2], { values: [10, 20] })],
    fn: Z.add,
    expected: R.arr([2, 2], [11, 22, 13, 24]),
  },
  {
    op: 'add',
    name: 'tensor + number',
    inputs: [spec([3])],
    fn: (x) => x.add(2.5),
    reference: (x) => R.map(x, (v) => v + 2.5),
  },
  {
    op: 'sub',
    name: 'number − tensor',
    inputs: [spec([3])],
    fn: (x) => Z.sub(1, x),
    reference: (x) => R.map(x, (v) => 1 - v),
  },
  {
    op: 'div',
    name: 'number / tensor',
    inputs: [spec([2, 2], { awayFromZero: true })],
    fn: (x) => Z.div(3, x),
    reference: (x) => R.map(x, (v) => 3 / v),
  },
  {
    op: 'pow',
    name: 'hand-computed [2,3]^[3,2]',
    inputs: [spec([2], { values: [2, 3] }), spec([2], { values: [3, 2] })],
    fn: Z.pow,
    expected: R.arr([2], [8, 9]),
  },
  {
    op: 'pow',
    name: 'tensor ^ integer constant (negative base)',
    inputs: [spec([2, 3])],
    fn: (x) => x.pow(3),
    reference: (x) => R.map(x, (v) => v ** 3),
  },
  {
    op: 'pow',
    name: 'number ^ tensor (d/dy x^y = x^y ln x)',
    inputs: [spec([4])],
    fn: (y) => Z.pow(2.5, y),
    reference: (y) => R.map(y, (v) => 2.5 ** v),
  },

  {
    op: 'pow',
    name: 'exponent slope at base 0 is 0 (not 0·ln 0)',
    inputs: [constant([2], [0, 0]), spec([2], { values: [2, 3] })],
    fn: Z.pow,
    expected: R.arr([2], [0, 0]),
  },
  {
    op: 'pow',
    name: 'base slope at 0, including 0^0',
    inputs: [spec([3], { values: [0, 0, 0] }), constant([3], [2, 1, 0])],
    fn: Z.pow,
    expected: R.arr([3], [0, 0, 1]),
  },

  // ---- elementwise unary ----
  ...unaryCases('neg', Z.neg, (x) => -x),
  ...unaryCases('abs', Z.abs, Math.abs, { awayFromZero: true }),
  ...unaryCases('exp', Z.exp, Math.exp),
  ...unaryCases('log', Z.log, Math.log, { range: [0.3, 3] }),
  ...unaryCases('sqrt', Z.sqrt, Math.sqrt, { range: [0.3, 3] }),
  ...unaryCases('square', Z.square, (x) => x * x),
  ...unaryCases('reciprocal', Z.reciprocal, (x) => 1 / x, { awayFromZero: true }),
  ...unaryCases('sin', Z.sin, Math.sin),
  ...unaryCases('cos', Z.cos, Math.cos),
  ...unaryCases('tan', Z.tan, Math.tan, { range: [-1.2, 1.2] }),
  ...unaryCases('tanh', Z.tanh, Math.tanh),
  ...unaryCases('sigmoid', Z.sigmoid, R.sigmoid, { range: [-4, 4] }),
  ...unaryCases('relu', Z.relu, (x) => Math.max(x, 0), { awayFromZero: true }),
  // z + bias stays at least 0.15 away from ReLU's kink.
  ...(['linear', 'relu', 'sigmoid', 'tanh'] as const).map((activation) => ({
    op: 'biasActivation',
    name: `${activation} over [2,3] with bias [3]`,
    inputs: [
      spec([2, 3], { values: [1.2, -0.9, 0.4, -1.5, 2.0, -0.35] }),
      spec([3], { values: [0.3, -0.4, 0.5] }),
    ],
    fn: (z: Tensor, b: Tensor) => Z.biasActivation(z, b, activation),
    reference: (z: Arr, b: Arr) =>
      R.zip([z, b], (u, v) => {
        const x = u + v;
        return { linear: x, relu: Math.max(x, 0), sigmoid: R.sigmoid(x), tanh: Math.tanh(x) }[activation];
      }),
  })),
  {
    op: 'biasActivation',
    name: 'relu over NHWC [2,2,2,3] (a convolution output)',
    inputs: [spec([2, 2, 2, 3], { awayFromZero: true }), spec([3], { values: [0.05, -0.1, 0.1] })],
    fn: (z, b) => Z.biasActivation(z, b, 'relu'),
    reference: (z, b) => R.zip([z, b], (u, v) => Math.max(u + v, 0)),
  },
  ...unaryCases('leakyRelu', Z.leakyRelu, (x) => (x > 0 ? x : 0.3 * x), { awayFromZero: true }),
  ...unaryCases(
    'leakyRelu',
    (x) => Z.leakyRelu(x, 0.1),
    (x) => (x > 0 ? x : 0.1 * x),
    { awayFromZero: true },
  ),
  ...unaryCases('elu', Z.elu, (x) => (x > 0 ? x : Math.exp(x) - 1), { awayFromZero: true }),
  ...unaryCases(
    'elu',
    (x) => Z.elu(x, 0.5),
    (x) => (x > 0 ? x : 0.5 * (Math.exp(x) - 1)),
    {
      awayFromZero: true,
    },
  ),
  ...unaryCases('gelu', Z.gelu, (x) => 0.5 * x * (1 + R.erf(x / Math.SQRT2)), {}, { valueTol: erfTol }),
  ...unaryCases('softplus', Z.softplus, (x) => Math.log(1 + Math.exp(x)), { range: [-4, 4] }),
  ...unaryCases(
    'selu',
    Z.selu,
    (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.exp(x) - 1)),
    {
      awayFromZero: true,
    },
  ),
  ...unaryCases('silu', Z.silu, (x) => x * R.sigmoid(x), { range: [-4, 4] }),
  ...unaryCases('swish', Z.swish, (x) => x / (1 + Math.exp(-x))),
  {
    op: 'relu6',
    name: 'both kinks and both flat parts',
    inputs: [spec([2, 3], { values: [-1.2, 0.5, 3, 7.5, -0.4, 6.8] })],
    fn: Z.relu6,
    reference: (x) => R.map(x, (v) => Math.min(Math.max(v, 0), 6)),
  },
  ...unaryCases('softsign', Z.softsign, (x) => x / (1 + Math.abs(x)), { awayFromZero: true }),
  ...unaryCases('mish', Z.mish, (x) => x * Math.tanh(Math.log(1 + Math.exp(x))), { range: [-4, 4] }),
  {
    op: 'hardSigmoid',
    name: 'TensorFlow.js form 0.2x + 0.5, clipped on both sides',
    inputs: [spec([2, 3], { values: [-3.1, -1.2, 0.4, 2.2, 2.9, -0.7] })],
    fn: (x) => Z.hardSigmoid(x),
    expected: R.arr([2, 3], [0, 0.26, 0.58, 0.94, 1, 0.36]),
  },
  {
    op: 'hardSigmoid',
    name: 'Keras 3 form relu6(x + 3)/6',
    inputs: [spec([2, 3], { values: [-3.5, -1.2, 0.4, 2.2, 3.4, -2.7] })],
    fn: (x) => Z.hardSigmoid(x, 1 / 6, 0.5),
    reference: (x) => R.map(x, (v) => Math.min(Math.max(v + 3, 0), 6) / 6),
  },
  ...unaryCases('erf', Z.erf, R.erf, {}, { valueTol: erfTol }),
  {
    op: 'softplus',
    name: 'large |x| stays finite',
    inputs: [spec([4], { values: [-800, -30, 30, 800] })],
    fn: Z.softplus,
    expected: R.arr([4], [0, Math.log1p(Math.exp(-30)), 30 + Math.log1p(Math.exp(-30)), 800]),
    differentiable: false,
  },
  {
    op: 'sigmoid',
    name: 'large |x| stays finite',
    inputs: [spec([3], { values: [-800, 0, 800] })],
    fn: Z.sigmoid,
    expected: R.arr([3], [0, 0.5, 1]),
    differentiable: false,
  },
  {
    op: 'clip',
    name: '[2,4] to [-0.5, 0.8]',
    inputs: [spec([2, 4], { values: [-1.7, -0.9, -0.3, 0.1, 0.4, 1.2, 0.7, -0.6] })],
    fn: (x) => Z.clip(x, -0.5, 0.8),
    reference: (x) => R.map(x, (v) => Math.min(Math.max(v, -0.5), 0.8)),
  },
  {
    op: 'where',
    name: 'mask [2,3], a [2,3], b [3]',
    inputs: [constant([2, 3], [1, 0, 0, 1, 1, 0]), spec([2, 3]), spec([3])],
    fn: (c, a, b) => Z.where(c, a, b),
    reference: (c, a, b) => R.zip([c, a, b], (m, x, y) => (m !== 0 ? x : y)),
  },
  {
    op: 'where',
    name: 'mask [2,1] broadcast, number branch',
    inputs: [constant([2, 1], [0, 1]), spec([2, 3])],
    fn: (c, a) => Z.where(c, a, -1),
    reference: (c, a) => R.zip([c, a], (m, x) => (m !== 0 ? x : -1)),
  },

  // ---- values without gradient ----
  {
    op: 'sign',
    name: 'values',
    inputs: [spec([4], { values: [-2, 0, 0.5, -0.1] })],
    fn: Z.sign,
    expected: R.arr([4], [-1, 0, 1, -1]),
    differentiable: false,
  },
  ...(
    [
      ['equal', Z.equal, (a: number, b: number) => a === b],
      ['notEqual', Z.notEqual, (a: number, b: number) => a !== b],
      ['greater', Z.greater, (a: number, b: number) => a > b],
      ['greaterEqual', Z.greaterEqual, (a: number, b: number) => a >= b],
      ['less', Z.less, (a: number, b: number) => a < b],
      ['lessEqual', Z.lessEqual, (a: number, b: number) => a <= b],
    ] as const
  ).map(([op, fn, f]): OpCase => ({
    op,
    name: 'mask with broadcasting and ties',
    inputs: [spec([2, 3], { values: [1, 2, 3, 3, 2, 1] }), spec([3], { values: [1, 2, 2] })],
    fn,
    reference: (a, b) => R.zip([a, b], (x, y) => (f(x, y) ? 1 : 0)),
    differentiable: false,
  })),
  {
    op: 'argmax',
    name: 'axis 1',
    inputs: [spec([2, 3], { values: [1, 5, 2, 7, 0, 3] })],
    fn: (x) => Z.argmax(x, 1),
    expected: R.arr([2], [1, 0]),
    differentiable: false,
  },
  {
    op: 'argmax',
    name: 'flattened',
    inputs: [spec([2, 3], { values: [1, 5, 2, 7, 0, 3] })],
    fn: (x) => Z.argmax(x),
    expected: R.arr([], [3]),
    differentiable: false,
  },
  {
    op: 'argmin',
    name: 'axis 0',
    inputs: [spec([2, 3], { values: [1, 5, 2, 7, 0, 3] })],
    fn: (x) => Z.argmin(x, 0),
    expected: R.arr([3], [0, 1, 0]),
    differentiable: false,
  },
  {
    op: 'oneHot',
    name: 'labels [3], depth 4',
    inputs: [constant([3], [2, 0, 3], 'int32')],
    fn: (labels) => Z.oneHot(labels, 4),
    expected: R.arr([3, 4], [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1]),
    differentiable: false,
  },

  // ---- reductions ----
  ...reduceCases('sum', Z.sum, R.total),
  ...reduceCases('mean', Z.mean, R.average),
  ...reduceCases('max', Z.max, (v) => Math.max(...v), { distinct: true }),
  ...reduceCases('min', Z.min, (v) => Math.min(...v), { distinct: true }),
  ...reduceCases('variance', Z.variance, R.popVariance),
  ...reduceCases('logSumExp', Z.logSumExp, R.logSumExp),
  {
    op: 'logSumExp',
    name: 'logits of ±1e4 stay finite',
    inputs: [spec([2, 2], { values: [1e4, 1e4, -1e4, -1e4] })],
    fn: (x) => Z.logSumExp(x, 1),
    expected: R.arr([2], [1e4 + Math.LN2, -1e4 + Math.LN2]),
    differentiable: false,
  },
  {
    op: 'max',
    name: 'ties share the gradient',
    inputs: [spec([4], { values: [1, 3, 3, 2] })],
    fn: (x) => Z.max(x).mul(1), // value only here; the gradient is asserted in engine tests
    expected: R.arr([], [3]),
    differentiable: false,
  },

  // ---- matmul ----
  {
    op: 'matmul',
    name: 'hand-computed 2×2',
    inputs: [spec([2, 2], { values: [1, 2, 3, 4] }), spec([2, 2], { values: [5, 6, 7, 8] })],
    fn: Z.matmul,
    expected: R.arr([2, 2], [19, 22, 43, 50]),
  },
  ...(
    [
      [
        [2, 3],
        [3, 4],
      ],
      [
        [2, 2, 3],
        [3, 4],
      ],
      [
        [3, 2],
        [2, 2, 3],
      ],
      [
        [2, 1, 2, 3],
        [3, 3, 2],
      ],
      [[3], [3, 4]],
      [[2, 3], [3]],
      [[4], [4]],
      [[2, 2, 3], [3]],
      [[3], [2, 3, 2]],
    ] as const
  ).map(([a, b]): OpCase => ({
    op: 'matmul',
    name: `[${a}] · [${b}]`,
    inputs: [spec([...a]), spec([...b])],
    fn: Z.matmul,
    reference: R.matmul,
  })),

  {
    op: 'matmul',
    name: 'constant [2,3] · variable [2,3,2] (one tangent absent)',
    inputs: [constant([2, 3], [1, -2, 0.5, 0, 3, -1]), spec([2, 3, 2])],
    fn: Z.matmul,
    reference: R.matmul,
  },

  // ---- shape ops ----
  {
    op: 'reshape',
    name: '[2,3,4] → [4,-1]',
    inputs: [spec([2, 3, 4])],
    fn: (x) => x.reshape([4, -1]),
    reference: (x) => R.arr([4, 6], x.data),
  },
  {
    op: 'reshape',
    name: '[6] → [3,1,2]',
    inputs: [spec([6])],
    fn: (x) => Z.reshape(x, [3, 1, 2]),
    reference: (x) => R.arr([3, 1, 2], x.data),
  },
  {
    op: 'flatten',
    name: '[2,3,4] all axes',
    inputs: [spec([2, 3, 4])],
    fn: (x) => Z.flatten(x),
    reference: (x) => R.arr([24], x.data),
  },
  {
    op: 'flatten',
    name: '[2,3,4] from axis 1',
    inputs: [spec([2, 3, 4])],
    fn: (x) => x.flatten(1),
    reference: (x) => R.arr([2, 12], x.data),
  },
  {
    op: 'transpose',
    name: '[2,3,4] reversed',
    inputs: [spec([2, 3, 4])],
    fn: (x) => Z.transpose(x),
    reference: (x) => R.transpose(x),
  },
  {
    op: 'transpose',
    name: '[3,4] matrix',
    inputs: [spec([3, 4])],
    fn: (x) => x.transpose(),
    reference: (x) => R.transpose(x),
  },
  {
    op: 'transpose',
    name: '[40,35] matrix (blocked kernel), values only',
    inputs: [spec([40, 35])],
    fn: (x) => x.transpose(),
    reference: (x) => R.transpose(x),
    differentiable: false,
  },
  {
    op: 'permute',
    name: '[2,3,4] perm [2,0,1]',
    inputs: [spec([2, 3, 4])],
    fn: (x) => Z.permute(x, [2, 0, 1]),
    reference: (x) => R.transpose(x, [2, 0, 1]),
  },
  {
    op: 'transpose',
    name: '[2,3,4] perm [1,0,2] with negative axis',
    inputs: [spec([2, 3, 4])],
    fn: (x) => x.transpose([1, 0, -1]),
    reference: (x) => R.transpose(x, [1, 0, 2]),
  },
  {
    op: 'expandDims',
    name: '[2,3] axis 1',
    inputs: [spec([2, 3])],
    fn: (x) => Z.expandDims(x, 1),
    reference: (x) => R.expandDims(x, 1),
  },
  {
    op: 'expandDims',
    name: '[2,3] axis -1',
    inputs: [spec([2, 3])],
    fn: (x) => x.expandDims(-1),
    reference: (x) => R.expandDims(x, -1),
  },
  {
    op: 'squeeze',
    name: '[2,1,3,1] all',
    inputs: [spec([2, 1, 3, 1])],
    fn: (x) => Z.squeeze(x),
    reference: (x) => R.arr([2, 3], x.data),
  },
  {
    op: 'squeeze',
    name: '[2,1,3,1] axis 1',
    inputs: [spec([2, 1, 3, 1])],
    fn: (x) => x.squeeze(1),
    reference: (x) => R.arr([2, 3, 1], x.data),
  },
  {
    op: 'broadcastTo',
    name: '[3,1] → [2,3,4]',
    inputs: [spec([3, 1])],
    fn: (x) => Z.broadcastTo(x, [2, 3, 4]),
    reference: (x) => R.broadcastTo(x, [2, 3, 4]),
  },
  {
    op: 'sumToShape',
    name: '[2,3,4] → [3,1]',
    inputs: [spec([2, 3, 4])],
    fn: (x) => Z.sumToShape(x, [3, 1]),
    reference: (x) => R.arr([3, 1], R.reduce(x, [0, 2], false, R.total).data),
  },
  {
    op: 'concat',
    name: '[2,3] [1,3] [3,3] on axis 0',
    inputs: [spec([2, 3]), spec([1, 3]), spec([3, 3])],
    fn: (a, b, c) => Z.concat([a, b, c], 0),
    reference: (a, b, c) => R.concat([a, b, c], 0),
  },
  {
    op: 'concat',
    name: '[2,1] [2,3] on axis -1, one constant',
    inputs: [spec([2, 1]), constant([2, 3], [1, 2, 3, 4, 5, 6])],
    fn: (a, b) => Z.concat([a, b], -1),
    reference: (a, b) => R.concat([a, b], 1),
  },
  {
    op: 'stack',
    name: '3 × [2,3] on axis 0',
    inputs: [spec([2, 3]), spec([2, 3]), spec([2, 3])],
    fn: (a, b, c) => Z.stack([a, b, c]),
    reference: (a, b, c) =>
      R.concat(
        [a, b, c].map((t) => R.expandDims(t, 0)),
        0,
      ),
  },
  {
    op: 'stack',
    name: '2 × [2,3] on axis -1',
    inputs: [spec([2, 3]), spec([2, 3])],
    fn: (a, b) => Z.stack([a, b], -1),
    reference: (a, b) =>
      R.concat(
        [a, b].map((t) => R.expandDims(t, 2)),
        2,
      ),
  },
  {
    op: 'split',
    name: '[2,4] sizes [1,3] on axis 1, second part',
    inputs: [spec([2, 4])],
    fn: (x) => Z.split(x, [1, 3], 1)[1],
    reference: (x) => R.slice(x, [0, 1], [2, 3]),
  },
  {
    op: 'split',
    name: '[4,3] into 2 on axis 0, first part',
    inputs: [spec([4, 3])],
    fn: (x) => x.split(2)[0],
    reference: (x) => R.slice(x, [0, 0], [2, 3]),
  },
  {
    op: 'split',
    name: 'all parts reassembled with different weights',
    inputs: [spec([3, 4])],
    fn: (x) => {
      const [a, b, c] = Z.split(x, [1, 1, 2], 1);
      return Z.concat([a.mul(2), b.mul(-1), c.mul(3)], 1);
    },
    reference: (x) => R.zip([x, R.arr([4], [2, -1, 3, 3])], (v, w) => v * w),
  },
  {
    op: 'slice',
    name: '[3,4,2] begin [1,0,1] size [2,-1,1]',
    inputs: [spec([3, 4, 2])],
    fn: (x) => Z.slice(x, [1, 0, 1], [2, -1, 1]),
    reference: (x) => R.slice(x, [1, 0, 1], [2, 4, 1]),
  },
  {
    op: 'slice',
    name: '[3,4] negative begin, size to the end',
    inputs: [spec([3, 4])],
    fn: (x) => x.slice([-2, 1]),
    reference: (x) => R.slice(x, [1, 1], [2, 3]),
  },
  {
    op: 'pad',
    name: '[2,3] by [[1,0],[2,1]]',
    inputs: [spec([2, 3])],
    fn: (x) =>
      Z.pad(x, [
        [1, 0],
        [2, 1],
      ]),
    reference: (x) =>
      R.pad(x, [
        [1, 0],
        [2, 1],
      ]),
  },
  {
    op: 'gather',
    name: 'rows [0,2,2,3,0] of [4,3] (repeated indices)',
    inputs: [spec([4, 3]), constant([5], [0, 2, 2, 3, 0], 'int32')],
    fn: (x, idx) => Z.gather(x, idx),
    reference: (x, idx) => R.gather(x, idx, 0),
  },
  {
    op: 'gather',
    name: '2-D indices on axis 1 of [2,3,2]',
    inputs: [spec([2, 3, 2]), constant([2, 2], [0, 2, 2, 2], 'int32')],
    fn: (x, idx) => x.gather(idx, 1),
    reference: (x, idx) => R.gather(x, idx, 1),
  },
  {
    op: 'indexSelect',
    name: 'columns [3,1,3] of [3,4]',
    inputs: [spec([3, 4])],
    fn: (x) => Z.indexSelect(x, 1, [3, 1, 3]),
    reference: (x) => R.gather(x, R.arr([3], [3, 1, 3]), 1),
  },
  {
    op: 'astype',
    name: 'float64 → float32 → float64',
    inputs: [spec([2, 3])],
    fn: (x) => Z.astype(x, 'float32').astype('float64'),
    reference: (x) => R.map(x, Math.fround),
    // float32 rounding (~1e-7) needs a wider finite-difference step
    check: { eps: 1e-2, atol: 1e-4 },
  },
  {
    op: 'astype',
    name: 'float64 → int32 truncates, no gradient',
    inputs: [spec([4], { values: [1.7, -1.7, 2.2, -0.5] })],
    fn: (x) => x.astype('int32'),
    expected: R.arr([4], [1, -1, 2, 0]),
    differentiable: false,
  },

  // ---- neural-net ops ----
  {
    op: 'softmax',
    name: 'hand-computed [0, ln 2, ln 3]',
    inputs: [spec([3], { values: [0, Math.LN2, Math.log(3)] })],
    fn: (x) => Z.softmax(x),
    expected: R.arr([3], [1 / 6, 2 / 6, 3 / 6]),
  },
  {
    op: 'softmax',
    name: '[2,4] last axis',
    inputs: [spec([2, 4])],
    fn: (x) => x.softmax(),
    reference: (x) => R.softmax(x, -1, false),
  },
  {
    op: 'softmax',
    name: '[3,2,2] axis 1',
    inputs: [spec([3, 2, 2])],
    fn: (x) => Z.softmax(x, 1),
    reference: (x) => R.softmax(x, 1, false),
  },
  {
    op: 'logSoftmax',
    name: '[2,4] last axis',
    inputs: [spec([2, 4])],
    fn: (x) => x.logSoftmax(),
    reference: (x) => R.softmax(x, -1, true),
  },
  {
    op: 'logSoftmax',
    name: '[3,2,2] axis 0',
    inputs: [spec([3, 2, 2])],
    fn: (x) => Z.logSoftmax(x, 0),
    reference: (x) => R.softmax(x, 0, true),
  },
  {
    op: 'logSoftmax',
    name: 'logits of ±1e4 stay finite',
    inputs: [spec([2, 3], { values: [1e4, -1e4, 0, -1e4, 1e4, 1e4] })],
    fn: (x) => Z.logSoftmax(x),
    expected: R.arr([2, 3], [0, -2e4, -1e4, -2e4 - Math.LN2, -Math.LN2, -Math.LN2]),
  },
  {
    op: 'conv2d',
    name: 'hand-computed 3×3 image, 2×2 ones kernel',
    inputs: [
      spec([1, 3, 3, 1], { values: [1, 2, 3, 4, 5, 6, 7, 8, 9] }),
      spec([2, 2, 1, 1], { values: [1, 1, 1, 1] }),
    ],
    fn: (x, w) => Z.conv2d(x, w),
    expected: R.arr([1, 2, 2, 1], [12, 16, 24, 28]),
  },
  {
    op: 'conv2d',
    name: 'valid, [1,4,4,2] * [3,3,2,3]',
    inputs: [spec([1, 4, 4, 2]), spec([3, 3, 2, 3])],
    fn: (x, w) => Z.conv2d(x, w),
    reference: (x, w) => R.conv2d(x, w),
  },
  {
    op: 'conv2d',
    name: 'same, stride 2, [2,5,5,1] * [3,3,1,2]',
    inputs: [spec([2, 5, 5, 1]), spec([3, 3, 1, 2])],
    fn: (x, w) => Z.conv2d(x, w, { strides: 2, padding: 'same' }),
    reference: (x, w) => R.conv2d(x, w, { strides: [2, 2], padding: 'same' }),
  },
  {
    op: 'conv2d',
    name: 'valid, dilation 2, [1,6,6,1] * [2,2,1,2]',
    inputs: [spec([1, 6, 6, 1]), spec([2, 2, 1, 2])],
    fn: (x, w) => Z.conv2d(x, w, { dilation: 2 }),
    reference: (x, w) => R.conv2d(x, w, { dilation: [2, 2] }),
  },
  {
    op: 'conv2d',
    name: 'same, strides [1,2], rectangular [2,3,2,1] kernel',
    inputs: [spec([1, 4, 5, 2]), spec([2, 3, 2, 1])],
    fn: (x, w) => Z.conv2d(x, w, { strides: [1, 2], padding: 'same' }),
    reference: (x, w) => R.conv2d(x, w, { strides: [1, 2], padding: 'same' }),
  },
  ...(['linear', 'relu', 'sigmoid', 'tanh'] as const).map((activation) => ({
    op: 'conv2dBiasActivation',
    name: `${activation}, same, stride 2, [2,5,5,2] * [3,3,2,3] + bias [3]`,
    inputs: [spec([2, 5, 5, 2]), spec([3, 3, 2, 3]), spec([3], { values: [0.3, -0.4, 0.5] })],
    fn: (x: Tensor, w: Tensor, b: Tensor) =>
      Z.conv2dBiasActivation(x, w, b, activation, { strides: 2, padding: 'same' }),
    reference: (x: Arr, w: Arr, b: Arr) =>
      R.zip([R.conv2d(x, w, { strides: [2, 2], padding: 'same' }), b], (u, v) => {
        const z = u + v;
        return { linear: z, relu: Math.max(z, 0), sigmoid: R.sigmoid(z), tanh: Math.tanh(z) }[activation];
      }),
  })),
  {
    op: 'conv2dTranspose',
    name: 'hand-computed: stride 2 spreads each pixel over a 2×2 block',
    inputs: [spec([1, 2, 2, 1], { values: [1, 2, 3, 4] }), spec([2, 2, 1, 1], { values: [1, 1, 1, 1] })],
    fn: (x, w) => Z.conv2dTranspose(x, w, { strides: 2 }),
    expected: R.arr([1, 4, 4, 1], [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]),
  },
  {
    op: 'conv2dTranspose',
    name: 'hand-computed: stride 1, overlapping windows add',
    inputs: [spec([1, 2, 2, 1], { values: [1, 2, 3, 4] }), spec([2, 2, 1, 1], { values: [1, 1, 1, 1] })],
    fn: (x, w) => Z.conv2dTranspose(x, w),
    expected: R.arr([1, 3, 3, 1], [1, 3, 2, 4, 10, 6, 3, 7, 4]),
  },
  {
    op: 'conv2dTranspose',
    name: 'valid, stride 2, [2,2,3,2] * [3,3,3,2]',
    inputs: [spec([2, 2, 3, 2]), spec([3, 3, 3, 2])],
    fn: (x, w) => Z.conv2dTranspose(x, w, { strides: 2 }),
    reference: (x, w) => R.conv2dTranspose(x, w, [2, 2], 'valid'),
  },
  {
    op: 'conv2dTranspose',
    name: 'same, strides [2,1], [1,3,2,1] * [3,2,2,1]',
    inputs: [spec([1, 3, 2, 1]), spec([3, 2, 2, 1])],
    fn: (x, w) => Z.conv2dTranspose(x, w, { strides: [2, 1], padding: 'same' }),
    reference: (x, w) => R.conv2dTranspose(x, w, [2, 1], 'same'),
  },
  {
    op: 'maxPool2d',
    name: 'hand-computed 4×4 arange, 2×2',
    inputs: [spec([1, 4, 4, 1], { values: [...Array(16).keys()] })],
    fn: (x) => Z.maxPool2d(x),
    expected: R.arr([1, 2, 2, 1], [5, 7, 13, 15]),
  },
  {
    op: 'maxPool2d',
    name: 'valid 2×2 on [1,4,4,2]',
    inputs: [spec([1, 4, 4, 2], { distinct: true })],
    fn: (x) => Z.maxPool2d(x, { poolSize: 2 }),
    reference: (x) => R.pool2d(x, 'max', [2, 2], [2, 2], 'valid'),
  },
  {
    op: 'maxPool2d',
    name: 'same 3×3 stride 2 on [1,5,5,1]',
    inputs: [spec([1, 5, 5, 1], { distinct: true })],
    fn: (x) => Z.maxPool2d(x, { poolSize: 3, strides: 2, padding: 'same' }),
    reference: (x) => R.pool2d(x, 'max', [3, 3], [2, 2], 'same'),
  },
  {
    op: 'maxPool2d',
    name: 'overlapping [2,3] windows, strides [1,2], on [2,4,6,1]',
    inputs: [spec([2, 4, 6, 1], { distinct: true })],
    fn: (x) => Z.maxPool2d(x, { poolSize: [2, 3], strides: [1, 2] }),
    reference: (x) => R.pool2d(x, 'max', [2, 3], [1, 2], 'valid'),
  },
  {
    op: 'avgPool2d',
    name: 'hand-computed 3×3, 2×2 same (edge windows average their valid part)',
    inputs: [spec([1, 3, 3, 1], { values: [1, 2, 3, 4, 5, 6, 7, 8, 9] })],
    fn: (x) => Z.avgPool2d(x, { padding: 'same' }),
    expected: R.arr([1, 2, 2, 1], [3, 4.5, 7.5, 9]),
  },
  {
    op: 'avgPool2d',
    name: 'same 2×2 on [1,5,5,2]',
    inputs: [spec([1, 5, 5, 2])],
    fn: (x) => Z.avgPool2d(x, { poolSize: 2, padding: 'same' }),
    reference: (x) => R.pool2d(x, 'avg', [2, 2], [2, 2], 'same'),
  },
  {
    op: 'avgPool2d',
    name: 'valid 2×2 on [2,4,4,1]',
    inputs: [spec([2, 4, 4, 1])],
    fn: (x) => Z.avgPool2d(x),
    reference: (x) => R.pool2d(x, 'avg', [2, 2], [2, 2], 'valid'),
  },
  {
    op: 'avgPool2d',
    name: 'same 3×3 stride 1 on [1,5,4,1]',
    inputs: [spec([1, 5, 4, 1])],
    fn: (x) => Z.avgPool2d(x, { poolSize: 3, strides: 1, padding: 'same' }),
    reference: (x) => R.pool2d(x, 'avg', [3, 3], [1, 1], 'same'),
  },
  {
    op: 'dropout',
    name: 'rate 0.4 with a fixed generator',
    inputs: [spec([3, 4])],
    fn: (x) => Z.dropout(x, 0.4, { generator: Z.makeGenerator('dropout case') }),
    reference: (x) => {
      const next = Z.makeGenerator('dropout case');
      return R.map(x, (v) => (next() >= 0.4 ? v / 0.6 : 0));
    },
  },
  // ---- layer normalisation ----
  {
    op: 'layerNorm',
    name: 'x [2,3,4] with gamma and beta',
    inputs: [spec([2, 3, 4]), spec([4]), spec([4])],
    fn: (x, g, b) => Z.layerNorm(x, g, b, { epsilon: 1e-3 }),
    reference: (x, g, b) => layerNormReference(x, g.data, b.data, 1e-3),
  },
  {
    op: 'layerNorm',
    name: 'x [3,5], no gamma or beta, default epsilon',
    inputs: [spec([3, 5])],
    fn: (x) => Z.layerNorm(x),
    reference: (x) => layerNormReference(x, null, null, 1e-5),
  },
  // ---- softmax cross-entropy with integer labels ----
  {
    op: 'sparseSoftmaxCrossEntropy',
    name: 'logits [2,3,4], int32 labels [2,3]',
    inputs: [spec([2, 3, 4]), constant([2, 3], [0, 3, 1, 2, 2, 0], 'int32')],
    fn: (z, y) => Z.sparseSoftmaxCrossEntropy(z, y),
    reference: (z, y) => crossEntropyReference(z, y.data),
  },
  {
    op: 'sparseSoftmaxCrossEntropy',
    name: 'logits [3,5] with large values, float labels [3]',
    inputs: [
      spec([3, 5], { values: [40, 41, 39, -2, 0, 1, 2, 3, 4, 5, -30, -31, -29, -30, -30.5] }),
      constant([3], [1, 4, 0]),
    ],
    fn: (z, y) => Z.sparseSoftmaxCrossEntropy(z, y),
    reference: (z, y) => crossEntropyReference(z, y.data),
  },
  // ---- softmax cross-entropy with target distributions ----
  {
    op: 'softmaxCrossEntropy',
    name: 'logits [2,3,4], soft targets [2,3,4] (differentiated too)',
    inputs: [spec([2, 3, 4]), spec([2, 3, 4], { range: [0, 1] })],
    fn: (z, t) => Z.softmaxCrossEntropy(z, t),
    reference: (z, t) => denseCrossEntropyReference(z, t),
  },
  {
    op: 'softmaxCrossEntropy',
    name: 'logits [3,5] with large values, one-hot targets',
    inputs: [
      spec([3, 5], { values: [40, 41, 39, -2, 0, 1, 2, 3, 4, 5, -30, -31, -29, -30, -30.5] }),
      constant([3, 5], [0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0]),
    ],
    fn: (z, t) => Z.softmaxCrossEntropy(z, t),
    reference: (z, t) => denseCrossEntropyReference(z, t),
  },
  // ---- a simple RNN's recurrence ----
  {
    op: 'tanhRecurrence',
    name: 'p [4,2,3] (time-major), U [3,3]',
    inputs: [spec([4, 2, 3]), spec([3, 3])],
    fn: (p, u) => Z.tanhRecurrence(p, u),
    reference: (p, u) => tanhRecurrenceReference(p, u),
  },
  {
    op: 'tanhRecurrence',
    name: 'one time step, p [1,3,2]',
    inputs: [spec([1, 3, 2]), spec([2, 2])],
    fn: (p, u) => Z.tanhRecurrence(p, u),
    reference: (p, u) => tanhRecurrenceReference(p, u),
  },
  // ---- a dense layer's affine map ----
  {
    op: 'linear',
    name: 'x [3,4] · W [4,5] + b [5]',
    inputs: [spec([3, 4]), spec([4, 5]), spec([5])],
    fn: (x, w, b) => Z.linear(x, w, b),
    reference: (x, w, b) => R.zip([R.matmul(x, w), b], (u, v) => u + v),
  },
  {
    op: 'linear',
    name: 'x [2,3,4] (the last axis) · W [4,2] + b [2]',
    inputs: [spec([2, 3, 4]), spec([4, 2]), spec([2])],
    fn: (x, w, b) => Z.linear(x, w, b),
    reference: (x, w, b) => R.zip([R.matmul(x, w), b], (u, v) => u + v),
  },
  // ---- attention, einsum, band masks ----
  {
    op: 'scaledDotProductAttention',
    name: 'q, k, v [2,3,4] (no mask)',
    inputs: [spec([2, 3, 4]), spec([2, 3, 4]), spec([2, 3, 4])],
    fn: (q, k, v) => Z.scaledDotProductAttention(q, k, v),
    reference: (q, k, v) => RA.attention(q, k, v),
  },
  {
    op: 'scaledDotProductAttention',
    name: 'causal [1,2,3,2], value width 3',
    inputs: [spec([1, 2, 3, 2]), spec([1, 2, 3, 2]), spec([1, 2, 3, 3])],
    fn: (q, k, v) => Z.scaledDotProductAttention(q, k, v, { causal: true }),
    reference: (q, k, v) => RA.attention(q, k, v, { causal: true }),
  },
  {
    op: 'scaledDotProductAttention',
    name: 'causal, 2 queries at the end of 4 keys, scale 0.7',
    inputs: [spec([2, 2, 3]), spec([2, 4, 3]), spec([2, 4, 2])],
    fn: (q, k, v) => Z.scaledDotProductAttention(q, k, v, { causal: true, scale: 0.7 }),
    reference: (q, k, v) => RA.attention(q, k, v, { causal: true, scale: 0.7 }),
  },
  {
    op: 'scaledDotProductAttention',
    name: 'broadcast keep mask [3,3] with a fully masked row',
    inputs: [
      spec([2, 3, 2]),
      spec([2, 3, 2]),
      spec([2, 3, 2]),
      constant([3, 3], [1, 0, 1, 0, 0, 0, 1, 1, 0], 'int32'),
    ],
    fn: (q, k, v, m) => Z.scaledDotProductAttention(q, k, v, { mask: m }),
    reference: (q, k, v, m) =>
      RA.attention(q, k, v, { keep: { shape: [2, 3, 3], data: [...m.data, ...m.data] } }),
  },
  {
    op: 'scaledDotProductAttention',
    name: 'dropout 0.3 with a fixed generator',
    inputs: [spec([2, 3, 2]), spec([2, 3, 2]), spec([2, 3, 2])],
    fn: (q, k, v) =>
      Z.scaledDotProductAttention(q, k, v, { dropout: 0.3, generator: Z.makeGenerator('attention dropout') }),
    reference: (q, k, v) => {
      const next = Z.makeGenerator('attention dropout');
      const drop = Array.from({ length: 18 }, () => (next() >= 0.3 ? 1 / 0.7 : 0));
      // Dropping probabilities = attention to the same keys with v rows scaled per query.
      const out: number[] = [];
      for (let h = 0; h < 2; h++) {
        for (let i = 0; i < 3; i++) {
          const vi = v.data
            .slice(h * 6, h * 6 + 6)
            .map((x, n) => x * drop[(h * 3 + i) * 3 + Math.floor(n / 2)]);
          const row = RA.attention(
            { shape: [1, 2], data: q.data.slice((h * 3 + i) * 2, (h * 3 + i) * 2 + 2) },
            { shape: [3, 2], data: k.data.slice(h * 6, h * 6 + 6) },
            { shape: [3, 2], data: vi },
          );
          out.push(...row.data);
        }
      }
      return R.arr([2, 3, 2], out);
    },
  },
  {
    op: 'scaledDotProductAttention',
    name: 'headsLast [2,3,2,4] causal, value width 3',
    inputs: [spec([2, 3, 2, 4]), spec([2, 3, 2, 4]), spec([2, 3, 2, 3])],
    fn: (q, k, v) => Z.scaledDotProductAttention(q, k, v, { causal: true, headsLast: true }),
    reference: (q, k, v) => {
      const first = (x: Arr) => R.transpose(x, [0, 2, 1, 3]);
      return first(RA.attention(first(q), first(k), first(v), { causal: true }));
    },
  },
  {
    op: 'scaledDotProductAttention',
    name: 'headsLast, 2 queries at the end of 3 keys, mask [2,1,2,3]',
    inputs: [
      spec([2, 2, 2, 2]),
      spec([2, 3, 2, 2]),
      spec([2, 3, 2, 2]),
      constant([2, 1, 2, 3], [1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1], 'int32'),
    ],
    fn: (q, k, v, m) => Z.scaledDotProductAttention(q, k, v, { mask: m, headsLast: true }),
    reference: (q, k, v, m) => {
      const first = (x: Arr) => R.transpose(x, [0, 2, 1, 3]);
      const keep = R.broadcastTo(m, [2, 2, 2, 3]);
      return first(RA.attention(first(q), first(k), first(v), { keep }));
    },
  },
  {
    op: 'einsum',
    name: "'ij,jk->ik'",
    inputs: [spec([2, 3]), spec([3, 4])],
    fn: (a, b) => Z.einsum('ij,jk->ik', a, b),
    reference: (a, b) => RA.einsum('ij,jk->ik', a, b),
  },
  {
    op: 'einsum',
    name: "'bhqd,bhkd->bhqk' (batch axes)",
    inputs: [spec([2, 2, 3, 2]), spec([2, 2, 4, 2])],
    fn: (a, b) => Z.einsum('bhqd,bhkd->bhqk', a, b),
    reference: (a, b) => RA.einsum('bhqd,bhkd->bhqk', a, b),
  },
  {
    op: 'einsum',
    name: "'iij->j' (repeated index: diagonal)",
    inputs: [spec([3, 3, 2])],
    fn: (a) => Z.einsum('iij->j', a),
    reference: (a) => RA.einsum('iij->j', a),
  },
  {
    op: 'einsum',
    name: "'ij,j,k->ki' (three operands, outer product)",
    inputs: [spec([2, 3]), spec([3]), spec([2])],
    fn: (a, b, c) => Z.einsum('ij,j,k->ki', a, b, c),
    reference: (a, b, c) => RA.einsum('ij,j,k->ki', a, b, c),
  },
  {
    op: 'einsum',
    name: "'ij,ij' implicit output (full contraction)",
    inputs: [spec([2, 3]), spec([2, 3])],
    fn: (a, b) => Z.einsum('ij,ij', a, b),
    reference: (a, b) => RA.einsum('ij,ij->', a, b),
  },
  {
    op: 'einsum',
    name: "'...ij,jk->...ik' with two leading axes",
    inputs: [spec([2, 2, 2, 3]), spec([3, 2])],
    fn: (a, b) => Z.einsum('...ij,jk->...ik', a, b),
    reference: (a, b) => R.matmul(a, b),
  },
  {
    op: 'triu',
    name: '[3,4] k = 1',
    inputs: [spec([3, 4])],
    fn: (x) => x.triu(1),
    reference: (x) =>
      R.arr(
        [3, 4],
        x.data.map((v, n) => ((n % 4) - Math.floor(n / 4) >= 1 ? v : 0)),
      ),
  },
  {
    op: 'tril',
    name: '[2,3,3] k = 0 and k = -1',
    inputs: [spec([2, 3, 3])],
    fn: (x) => Z.tril(x).add(Z.tril(x, -1)),
    reference: (x) =>
      R.arr(
        [2, 3, 3],
        x.data.map((v, n) => {
          const d = (n % 3) - Math.floor((n % 9) / 3);
          return (d <= 0 ? v : 0) + (d <= -1 ? v : 0);
        }),
      ),
  },
];
