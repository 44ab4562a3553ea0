/** Keras's extra losses: values against per-sample formulas in plain JavaScript, float64 gradchecks, names in compile. */
import { type Tensor, gradcheck, tensor } from '@zen/autograd-core';
import { Dense, Sequential, losses } from '@zen/nn';

const yTrue = [
  [0.2, 0.7, 0.1],
  [0.5, 0.25, 0.25],
];
const yPred = [
  [0.3, 0.4, 0.3],
  [0.6, 0.3, 0.1],
];
const f64 = (a: number[][], requiresGrad = false) => tensor(a, { dtype: 'float64', requiresGrad });
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
/** Mean over samples of a per-sample value. */
const perSample = (f: (t: number[], p: number[]) => number, t = yTrue, p = yPred) =>
  mean(t.map((row, i) => f(row, p[i])));

const cases: [string, (t: Tensor, p: Tensor) => Tensor, number, number[][]?, number[][]?][] = [
  ['kld', losses.kld, perSample((t, p) => t.reduce((s, y, j) => s + y * Math.log(y / p[j]), 0))],
  [
    'hinge (±1 targets)',
    losses.hinge,
    perSample(
      (t, p) => mean(t.map((y, j) => Math.max(1 - y * p[j], 0))),
      [
        [1, -1, 1],
        [-1, -1, 1],
      ],
      [
        [0.3, 0.8, -2],
        [0.6, -0.3, 1.5],
      ],
    ),
    [
      [1, -1, 1],
      [-1, -1, 1],
    ],
    [
      [0.3, 0.8, -2],
      [0.6, -0.3, 1.5],
    ],
  ],
  [
    'squaredHinge (0/1 targets become ±1)',
    losses.squaredHinge,
    perSample(
      (t, p) => mean(t.map((y, j) => Math.max(1 - (2 * y - 1) * p[j], 0) ** 2)),
      [
        [1, 0, 1],
        [0, 0, 1],
      ],
      [
        [0.3, 0.8, -2],
        [0.6, -0.3, 1.5],
      ],
    ),
    [
      [1, 0, 1],
      [0, 0, 1],
    ],
    [
      [0.3, 0.8, -2],
      [0.6, -0.3, 1.5],
    ],
  ],
  [
    'categoricalHinge',
    losses.categoricalHinge,
    perSample(
      (t, p) => {
        const pos = t.reduce((s, y, j) => s + y * p[j], 0);
        const neg = Math.max(...t.map((y, j) => (1 - y) * p[j]));
        return Math.max(neg - pos + 1, 0);
      },
      [
        [0, 1, 0],
        [1, 0, 0],
      ],
    ),
    [
      [0, 1, 0],
      [1, 0, 0],
    ],
  ],
  ['logcosh', losses.logcosh, perSample((t, p) => mean(t.map((y, j) => Math.log(Math.cosh(p[j] - y)))))],
  ['poisson', losses.poisson, perSample((t, p) => mean(t.map((y, j) => p[j] - y * Math.log(p[j] + 1e-7))))],
  [
    'cosineSimilarity',
    losses.cosineSimilarity,
    perSample((t, p) => {
      const dot = t.reduce((s, y, j) => s + y * p[j], 0);
      const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
      return -dot / (norm(t) * norm(p));
    }),
  ],
];

describe('Keras losses', () => {
  test.each(cases)('%s: value', (_name, loss, expected, t = yTrue, p = yPred) => {
    expect(loss(f64(t), f64(p)).item()).toBeCloseTo(expected, 10);
  });

  test.each(cases)('%s: float64 gradcheck with respect to yPred', (_name, loss, _e, t = yTrue, p = yPred) => {
    const report = gradcheck((q: Tensor) => loss(f64(t), q), [f64(p, true)]);
    expect(report.ok).toBe(true);
  });

  test('logcosh stays finite for large errors (cosh would overflow)', () => {
    const v = losses
      .logcosh(tensor([[0]], { dtype: 'float64' }), tensor([[1000]], { dtype: 'float64' }))
      .item();
    expect(v).toBeCloseTo(1000 - Math.LN2, 8);
  });

  test.each([
    'kld',
    'kl_divergence',
    'hinge',
    'squared_hinge',
    'categorical_hinge',
    'logcosh',
    'poisson',
    'cosine_similarity',
  ])('compile takes %s by name', (name) => {
    const model = new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: name as never });
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(Number.isFinite(model.evaluate(x, tensor(yTrue)).loss)).toBe(true);
  });
});
