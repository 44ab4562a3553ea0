import { setSeed, tensor, type Tensor } from '@zen/autograd-core';
import { BatchNormalization, LayerNormalization, initializers } from '@zen/nn';
import { expectClose, gradcheckLayer, testValues } from '../helpers';

/** Per-channel mean and population variance over all axes but the last. */
function channelStats(x: Tensor): { mean: number[]; variance: number[] } {
  const c = x.shape[x.ndim - 1];
  const n = x.size / c;
  const mean = new Array(c).fill(0);
  const variance = new Array(c).fill(0);
  for (let i = 0; i < x.size; i++) mean[i % c] += x.data[i] / n;
  for (let i = 0; i < x.size; i++) variance[i % c] += (x.data[i] - mean[i % c]) ** 2 / n;
  return { mean, variance };
}

function normalizeRef(
  x: Tensor,
  mean: number[],
  variance: number[],
  gamma: number[],
  beta: number[],
  eps: number,
): number[] {
  const c = mean.length;
  return Array.from(
    x.data,
    (v, i) => ((v - mean[i % c]) / Math.sqrt(variance[i % c] + eps)) * gamma[i % c] + beta[i % c],
  );
}

const randomAffine = {
  gammaInitializer: initializers.randomUniform({ minval: 0.5, maxval: 1.5 }),
  betaInitializer: initializers.randomNormal({ stddev: 0.5 }),
};

describe('BatchNormalization', () => {
  const x = tensor(
    testValues(4 * 3 * 2 * 3, 6).map((v, i) => v * (1 + (i % 3)) + (i % 3)),
    { shape: [4, 3, 2, 3] },
  );

  test('training mode normalises with the batch statistics and updates the moving averages', () => {
    setSeed(1);
    const layer = new BatchNormalization({ momentum: 0.9, ...randomAffine });
    const out = layer.apply(x, { training: true });
    const { mean, variance } = channelStats(x);
    const gamma = Array.from(layer.gamma!.value.data);
    const beta = Array.from(layer.beta!.value.data);
    expect(out.shape).toEqual([4, 3, 2, 3]);
    expectClose(Array.from(out.data), normalizeRef(x, mean, variance, gamma, beta, 1e-3), 1e-5);
    expectClose(
      Array.from(layer.movingMean!.value.data),
      mean.map((m) => 0.1 * m),
      1e-5,
    );
    expectClose(
      Array.from(layer.movingVariance!.value.data),
      variance.map((v) => 0.9 + 0.1 * v),
      1e-5,
    );
  });

  test('inference mode uses the moving averages', () => {
    const layer = new BatchNormalization({ epsilon: 0.01 });
    layer.apply(x, { training: true });
    const movingMean = Array.from(layer.movingMean!.value.data);
    const movingVariance = Array.from(layer.movingVariance!.value.data);
    const out = layer.apply(x, { training: false });
    expectClose(
      Array.from(out.data),
      normalizeRef(x, movingMean, movingVariance, [1, 1, 1], [0, 0, 0], 0.01),
      1e-5,
    );
    expect(Array.from(layer.movingMean!.value.data)).toEqual(movingMean); // inference leaves them alone
  });

  test('weights: gamma and beta trainable, moving statistics not', () => {
    const layer = new BatchNormalization();
    layer.apply(x);
    expect(layer.weights.map((w) => [w.name, w.trainable])).toEqual([
      ['gamma', true],
      ['beta', true],
      ['moving_mean', false],
      ['moving_variance', false],
    ]);
    expect(layer.parameters()).toHaveLength(2);
    expect(layer.weights[2].value.requiresGrad).toBe(false);
  });

  test('gradcheck (float64) in training mode through batch statistics', () => {
    setSeed(3);
    const layer = new BatchNormalization({ dtype: 'float64', ...randomAffine });
    const x64 = tensor(testValues(5 * 3, 2), { shape: [5, 3], dtype: 'float64' });
    layer.apply(x64, { training: true });
    expect(gradcheckLayer(layer, x64, { training: true }).ok).toBe(true);
  });

  test('gradcheck (float64) in inference mode', () => {
    setSeed(3);
    const layer = new BatchNormalization({ dtype: 'float64', ...randomAffine });
    const x64 = tensor(testValues(2 * 2 * 2 * 3, 5), { shape: [2, 2, 2, 3], dtype: 'float64' });
    layer.apply(x64, { training: true });
    expect(gradcheckLayer(layer, x64).ok).toBe(true);
  });
});

describe('LayerNormalization', () => {
  const rows = [
    [1, 2, 3, 10],
    [-4, 0.5, 0.25, 2],
  ];

  test('normalises each sample over its features', () => {
    setSeed(2);
    const layer = new LayerNormalization(randomAffine);
    const out = layer.apply(tensor(rows), { training: true });
    const gamma = Array.from(layer.gamma!.value.data);
    const beta = Array.from(layer.beta!.value.data);
    const expected = rows.map((r) => {
      const m = r.reduce((a, b) => a + b, 0) / r.length;
      const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length;
      return r.map((x, j) => ((x - m) / Math.sqrt(v + 1e-3)) * gamma[j] + beta[j]);
    });
    expectClose(out.toArray(), expected, 1e-5);
    expect(layer.weights.map((w) => w.name)).toEqual(['gamma', 'beta']);
  });

  test('gradcheck (float64) on sequences', () => {
    setSeed(4);
    const layer = new LayerNormalization({ dtype: 'float64', ...randomAffine });
    const x = tensor(testValues(2 * 3 * 4, 8), { shape: [2, 3, 4], dtype: 'float64' });
    layer.apply(x);
    expect(gradcheckLayer(layer, x).ok).toBe(true);
  });

  test('a feature-axis mismatch names the layer', () => {
    const layer = new LayerNormalization({ name: 'ln' });
    layer.apply(tensor(rows));
    expect(() => layer.apply(tensor([[1, 2, 3]]))).toThrow(
      "LayerNormalization layer 'ln': expected input with axis 1 of length 4, got shape [1,3]",
    );
  });
});
