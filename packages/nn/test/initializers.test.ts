import { setSeed } from '@zen/autograd-core';
import { initializers } from '@zen/nn';

function stats(values: ArrayLike<number>) {
  const a = Array.from(values);
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  return { mean, std, maxAbs: Math.max(...a.map(Math.abs)) };
}

describe('initializers', () => {
  test('computeFans: dense [in, out] and conv [kh, kw, in, out]', () => {
    expect(initializers.computeFans([20, 30])).toEqual([20, 30]);
    expect(initializers.computeFans([3, 3, 4, 8])).toEqual([36, 72]);
  });

  test.each([
    ['glorotUniform', [200, 100], 'uniform', Math.sqrt(6 / 300)],
    ['heUniform', [200, 100], 'uniform', Math.sqrt(6 / 200)],
    ['glorotNormal', [200, 100], 'normal', Math.sqrt(2 / 300)],
    ['heNormal', [3, 3, 20, 40], 'normal', Math.sqrt(2 / 180)],
    ['lecunNormal', [200, 100], 'normal', Math.sqrt(1 / 200)],
  ] as const)('%s has the Keras scale', (name, shape, kind, scale) => {
    setSeed(1);
    const t = initializers.getInitializer(name).generate(shape, 'float32');
    expect(t.shape).toEqual(shape);
    const s = stats(t.data);
    expect(Math.abs(s.mean)).toBeLessThan(scale * 0.05);
    if (kind === 'uniform') {
      expect(s.maxAbs).toBeLessThanOrEqual(scale);
      expect(s.std).toBeCloseTo(scale / Math.sqrt(3), 2);
    } else {
      // Truncated at 2 stddevs of the pre-correction normal; overall stddev is the target.
      expect(s.std / scale).toBeGreaterThan(0.95);
      expect(s.std / scale).toBeLessThan(1.05);
      expect(s.maxAbs).toBeLessThanOrEqual((2 * scale) / 0.8796256610342398 + 1e-6);
    }
  });

  test('zeros, ones, constant, randomNormal, randomUniform', () => {
    setSeed(2);
    expect(Array.from(initializers.zeros().generate([3], 'float32').data)).toEqual([0, 0, 0]);
    expect(Array.from(initializers.ones().generate([2], 'float64').data)).toEqual([1, 1]);
    expect(Array.from(initializers.constant(2.5).generate([2], 'float32').data)).toEqual([2.5, 2.5]);
    const n = stats(initializers.randomNormal({ mean: 1, stddev: 0.1 }).generate([5000], 'float64').data);
    expect(n.mean).toBeCloseTo(1, 2);
    expect(n.std).toBeCloseTo(0.1, 2);
    const u = initializers.randomUniform().generate([1000], 'float32').data;
    expect(Array.from(u).every((v) => v >= -0.05 && v < 0.05)).toBe(true);
  });

  test('draws are reproducible under setSeed and dtype is honoured', () => {
    setSeed(3);
    const a = initializers.glorotUniform().generate([4, 4], 'float64');
    setSeed(3);
    const b = initializers.glorotUniform().generate([4, 4], 'float64');
    expect(a.dtype).toBe('float64');
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  test('orthogonal gives orthonormal columns (tall) or rows (wide)', () => {
    setSeed(4);
    for (const [r, c] of [
      [6, 4],
      [3, 5],
    ]) {
      const q = initializers.orthogonal().generate([r, c], 'float64').toArray() as number[][];
      const tall = r >= c;
      const n = tall ? c : r;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let dot = 0;
          for (let k = 0; k < (tall ? r : c); k++) dot += tall ? q[k][i] * q[k][j] : q[i][k] * q[j][k];
          expect(dot).toBeCloseTo(i === j ? 1 : 0, 10);
        }
    }
  });

  test('configs round-trip and unknown names are refused', () => {
    const init = initializers.randomNormal({ mean: 0.5, stddev: 2 });
    const back = initializers.getInitializer(initializers.serializeInitializer(init));
    expect(back.getConfig()).toEqual({ mean: 0.5, stddev: 2 });
    expect(() => initializers.getInitializer('xavier' as never)).toThrow("unknown initializer 'xavier'");
  });
});
