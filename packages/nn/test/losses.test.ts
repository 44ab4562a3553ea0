import { type Tensor, gradcheck, tensor } from '@zen/autograd-core';
import { losses } from '@zen/nn';
import { softmaxRef, sigmoidRef, testValues } from './helpers';

const f64 = (data: number[][], requiresGrad = false) => tensor(data, { dtype: 'float64', requiresGrad });
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

const yTrue = [
  [0.5, -1, 2],
  [1, 0, -0.5],
];
const yPred = [
  [0.25, -2, 3.5],
  [1.5, 0.1, 0],
];
const errors = yPred.flat().map((p, i) => p - yTrue.flat()[i]);

const probs = [
  [0.7, 0.2, 0.1],
  [0.1, 0.3, 0.6],
];
const oneHotRows = [
  [1, 0, 0],
  [0, 0, 1],
];
const logits = [
  [2, -1, 0.5],
  [-0.3, 0.8, 1.7],
];

describe('regression losses', () => {
  test('meanSquaredError, meanAbsoluteError and aliases', () => {
    expect(losses.meanSquaredError(tensor(yTrue), tensor(yPred)).item()).toBeCloseTo(
      mean(errors.map((e) => e * e)),
      6,
    );
    expect(losses.mse(tensor(yTrue), tensor(yPred)).item()).toBeCloseTo(mean(errors.map((e) => e * e)), 6);
    expect(losses.meanAbsoluteError(tensor(yTrue), tensor(yPred)).item()).toBeCloseTo(
      mean(errors.map(Math.abs)),
      6,
    );
  });

  test('huber is quadratic within delta and linear beyond', () => {
    const huber = (e: number, d: number) => (Math.abs(e) <= d ? 0.5 * e * e : d * (Math.abs(e) - 0.5 * d));
    expect(losses.huber(tensor(yTrue), tensor(yPred)).item()).toBeCloseTo(
      mean(errors.map((e) => huber(e, 1))),
      6,
    );
    expect(losses.huber(tensor(yTrue), tensor(yPred), { delta: 0.4 }).item()).toBeCloseTo(
      mean(errors.map((e) => huber(e, 0.4))),
      6,
    );
  });

  test('targets [N] against predictions [N, 1] are aligned, not broadcast to [N, N]', () => {
    const value = losses.meanSquaredError(tensor([1, 2, 3]), tensor([[1], [2], [5]])).item();
    expect(value).toBeCloseTo(4 / 3, 6);
    expect(() => losses.meanSquaredError(tensor([1, 2]), tensor([[1], [2], [5]]))).toThrow(
      'meanSquaredError: yTrue of shape [2] does not match yPred of shape [3,1]',
    );
  });

  test.each(['meanSquaredError', 'meanAbsoluteError', 'huber'] as const)(
    '%s gradient passes gradcheck',
    (name) => {
      // Predictions away from the kinks (|e| = 0 and |e| = delta).
      gradcheck((p: Tensor) => losses[name](f64(yTrue), p), [f64(yPred, true)]);
    },
  );
});

describe('binaryCrossentropy', () => {
  const y = [[1], [0], [1], [0]];
  const p = [[0.9], [0.2], [0.4], [0.7]];
  const z = [[2.5], [-1], [0.3], [4]];
  const bce = (t: number, q: number) => -(t * Math.log(q) + (1 - t) * Math.log(1 - q));

  test('from probabilities and from logits match the formula', () => {
    expect(losses.binaryCrossentropy(tensor(y), tensor(p)).item()).toBeCloseTo(
      mean(y.map((t, i) => bce(t[0], p[i][0]))),
      5,
    );
    const fromLogits = losses.binaryCrossentropy(tensor(y), tensor(z), { fromLogits: true }).item();
    expect(fromLogits).toBeCloseTo(mean(y.map((t, i) => bce(t[0], sigmoidRef(z[i][0])))), 5);
  });

  test('gradients pass gradcheck (probabilities and logits)', () => {
    gradcheck((q: Tensor) => losses.binaryCrossentropy(f64(y), q), [f64(p, true)]);
    gradcheck((q: Tensor) => losses.binaryCrossentropy(f64(y), q, { fromLogits: true }), [f64(z, true)]);
  });

  test('probabilities of exactly 0 and 1 are clipped: finite loss', () => {
    const value = losses.binaryCrossentropy(f64([[1], [0]]), f64([[0], [1]])).item();
    expect(value).toBeCloseTo(-Math.log(1e-7), 6);
    const p32 = tensor([[0], [1]], { requiresGrad: true });
    const value32 = losses.binaryCrossentropy(tensor([[1], [0]]), p32);
    expect(value32.item()).toBeGreaterThan(15); // float32 rounds 1 − 1e-7, so only roughly −log 1e-7
    value32.backward();
    expect(Array.from(p32.grad!.data).every(Number.isFinite)).toBe(true);
  });
});

describe('categorical cross-entropies', () => {
  const ce = (rows: number[][], q: number[][]) =>
    mean(rows.map((r, i) => -r.reduce((s, t, k) => s + t * Math.log(q[i][k]), 0)));

  test('categoricalCrossentropy from probabilities, logits, and with label smoothing', () => {
    expect(losses.categoricalCrossentropy(tensor(oneHotRows), tensor(probs)).item()).toBeCloseTo(
      ce(oneHotRows, probs),
      5,
    );
    const fromLogits = losses
      .categoricalCrossentropy(tensor(oneHotRows), tensor(logits), { fromLogits: true })
      .item();
    expect(fromLogits).toBeCloseTo(ce(oneHotRows, logits.map(softmaxRef)), 5);
    const smoothed = oneHotRows.map((r) => r.map((t) => t * 0.9 + 0.1 / 3));
    const value = losses
      .categoricalCrossentropy(tensor(oneHotRows), tensor(probs), { labelSmoothing: 0.1 })
      .item();
    expect(value).toBeCloseTo(ce(smoothed, probs), 5);
  });

  test('probabilities are renormalised as in Keras', () => {
    const unnormalised = probs.map((r) => r.map((v) => v * 2));
    expect(losses.categoricalCrossentropy(tensor(oneHotRows), tensor(unnormalised)).item()).toBeCloseTo(
      ce(oneHotRows, probs),
      5,
    );
  });

  test('sparseCategoricalCrossentropy equals the one-hot version; labels [N] or [N, 1]', () => {
    const expected = ce(oneHotRows, probs);
    expect(
      losses.sparseCategoricalCrossentropy(tensor([0, 2], { dtype: 'int32' }), tensor(probs)).item(),
    ).toBeCloseTo(expected, 5);
    expect(losses.sparseCategoricalCrossentropy(tensor([[0], [2]]), tensor(probs)).item()).toBeCloseTo(
      expected,
      5,
    );
    const fromLogits = losses
      .sparseCategoricalCrossentropy(tensor([0, 2]), tensor(logits), { fromLogits: true })
      .item();
    expect(fromLogits).toBeCloseTo(ce(oneHotRows, logits.map(softmaxRef)), 5);
  });

  test('gradients pass gradcheck', () => {
    gradcheck((q: Tensor) => losses.categoricalCrossentropy(f64(oneHotRows), q), [f64(probs, true)]);
    gradcheck(
      (q: Tensor) => losses.categoricalCrossentropy(f64(oneHotRows), q, { fromLogits: true }),
      [f64(logits, true)],
    );
    gradcheck((q: Tensor) => losses.sparseCategoricalCrossentropy(tensor([0, 2]), q), [f64(probs, true)]);
    gradcheck(
      (q: Tensor) => losses.sparseCategoricalCrossentropy(tensor([0, 2]), q, { fromLogits: true }),
      [f64(logits, true)],
    );
  });

  test('the logits gradient is softmax − one-hot, over the batch', () => {
    const z = f64(logits, true);
    losses.categoricalCrossentropy(f64(oneHotRows), z, { fromLogits: true }).backward();
    const expected = logits.map((r, i) => softmaxRef(r).map((s, k) => (s - oneHotRows[i][k]) / 2));
    (z.grad!.toArray() as number[][]).forEach((row, i) =>
      row.forEach((g, k) => expect(g).toBeCloseTo(expected[i][k], 10)),
    );
  });

  test('sparse labels out of range, fractional or miscounted give clear errors', () => {
    expect(() => losses.sparseCategoricalCrossentropy(tensor([0, 3]), tensor(probs))).toThrow(
      'sparseCategoricalCrossentropy: label 3 at position 1 is not an integer class in [0, 3)',
    );
    expect(() => losses.sparseCategoricalCrossentropy(tensor([0, -1]), tensor(probs))).toThrow(
      'label -1 at position 1',
    );
    expect(() => losses.sparseCategoricalCrossentropy(tensor([0.5, 1]), tensor(probs))).toThrow(
      'label 0.5 at position 0',
    );
    expect(() => losses.sparseCategoricalCrossentropy(tensor([0, 1, 2]), tensor(probs))).toThrow(
      'sparseCategoricalCrossentropy: yTrue of shape [3] should hold one integer label per prediction ([2] for yPred with 3 classes)',
    );
  });
});

describe('numerical stability with logits of ±1e4', () => {
  const huge = [
    [1e4, -1e4, 0],
    [-1e4, 1e4, 5e3],
  ];
  const finite = (t: Tensor) => Array.from(t.data).every(Number.isFinite);

  test.each([
    [
      'categoricalCrossentropy',
      (z: Tensor) =>
        losses.categoricalCrossentropy(
          tensor([
            [0, 1, 0],
            [1, 0, 0],
          ]),
          z,
          { fromLogits: true },
        ),
    ],
    [
      'sparseCategoricalCrossentropy',
      (z: Tensor) => losses.sparseCategoricalCrossentropy(tensor([1, 0]), z, { fromLogits: true }),
    ],
    [
      'binaryCrossentropy',
      (z: Tensor) =>
        losses.binaryCrossentropy(
          tensor([
            [1, 0, 1],
            [1, 0, 0],
          ]),
          z,
          { fromLogits: true },
        ),
    ],
  ] as const)('%s from logits: finite loss and gradients', (_name, loss) => {
    for (const dtype of ['float32', 'float64'] as const) {
      const z = tensor(huge, { dtype, requiresGrad: true });
      const value = loss(z);
      expect(Number.isFinite(value.item())).toBe(true);
      value.backward();
      expect(finite(z.grad!)).toBe(true);
    }
  });

  test('the values are right, not just finite', () => {
    // Row 1: logit of class 1 is −1e4 below the max 1e4 → −log p = 2e4; row 2: class 0 is 2e4 below.
    const z = tensor(huge, { dtype: 'float64' });
    expect(
      losses
        .categoricalCrossentropy(
          tensor([
            [0, 1, 0],
            [1, 0, 0],
          ]),
          z,
          { fromLogits: true },
        )
        .item(),
    ).toBeCloseTo(2e4, 6);
    // softplus(1e4) − 1e4·0 = 1e4 for a negative example with logit 1e4.
    expect(
      losses.binaryCrossentropy(tensor([[0]]), tensor([[1e4]]), { fromLogits: true }).item(),
    ).toBeCloseTo(1e4, 6);
  });

  test('probabilities from saturated softmax stay finite thanks to clipping', () => {
    const p = tensor([[1, 0, 0]], { requiresGrad: true });
    const value = losses.categoricalCrossentropy(tensor([[0, 1, 0]]), p);
    expect(value.item()).toBeCloseTo(-Math.log(1e-7), 3);
    value.backward();
    expect(finite(p.grad!)).toBe(true);
  });

  test('random logits: fused and unfused forms agree for moderate values', () => {
    const z = tensor(
      testValues(12, 4).map((v) => v * 3),
      { shape: [4, 3], dtype: 'float64' },
    );
    const labels = tensor([0, 1, 2, 1]);
    const fused = losses.sparseCategoricalCrossentropy(labels, z, { fromLogits: true }).item();
    expect(losses.sparseCategoricalCrossentropy(labels, z.softmax()).item()).toBeCloseTo(fused, 8);
  });
});
