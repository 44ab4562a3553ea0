import { tensor, type Tensor } from '@zen/autograd-core';
import { trainTestSplit } from '@zen/datasets';

/** x row i is [i, 10·i]; y row i is i, so pairing can be checked row by row. */
function rows(n: number): { x: Tensor; y: Tensor } {
  const x = Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? k / 2 : 10 * ((k - 1) / 2)));
  return { x: tensor(x, { shape: [n, 2] }), y: tensor(Int32Array.from({ length: n }, (_, i) => i)) };
}

describe('trainTestSplit', () => {
  it('splits round(N·testFraction) rows to test, keeps x and y paired, uses every row once', () => {
    const { x, y } = rows(50);
    const { xTrain, yTrain, xTest, yTest } = trainTestSplit(x, y, { testFraction: 0.3, seed: 4 });
    expect(xTrain.shape).toEqual([35, 2]);
    expect(yTrain.shape).toEqual([35]);
    expect(xTest.shape).toEqual([15, 2]);
    expect(yTest.shape).toEqual([15]);
    for (const [xs, ys] of [
      [xTrain, yTrain],
      [xTest, yTest],
    ]) {
      for (let r = 0; r < ys.size; r++) {
        expect([xs.data[2 * r], xs.data[2 * r + 1]]).toEqual([ys.data[r], 10 * ys.data[r]]);
      }
    }
    const all = [...yTrain.data, ...yTest.data].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(yTest.data)).not.toEqual([...yTest.data].sort((a, b) => a - b));
  });

  it('is deterministic under a seed and differs between seeds', () => {
    const { x, y } = rows(40);
    const a = trainTestSplit(x, y, { seed: 7 });
    const b = trainTestSplit(x, y, { seed: 7 });
    const c = trainTestSplit(x, y, { seed: 8 });
    expect(Array.from(a.yTest.data)).toEqual(Array.from(b.yTest.data));
    expect(Array.from(a.yTest.data)).not.toEqual(Array.from(c.yTest.data));
    expect(a.yTest.size).toBe(8);
  });

  it('stratifies by class labels: each class gives floor or ceil of its share', () => {
    // 60 of class 0, 30 of class 1, 7 of class 2, 3 of class 5.
    const labels = [...new Array(60).fill(0), ...new Array(30).fill(1), ...new Array(7).fill(2), 5, 5, 5];
    const x = tensor(Float32Array.from(labels.keys()), { shape: [100, 1] });
    const y = tensor(Int32Array.from(labels));
    for (const seed of [0, 1, 2]) {
      const { yTest, xTest } = trainTestSplit(x, y, { testFraction: 0.25, seed, stratify: true });
      expect(yTest.size).toBe(25);
      const count = (c: number) => yTest.data.filter((v) => v === c).length;
      expect(count(0)).toBe(15);
      expect(count(1)).toBeGreaterThanOrEqual(7);
      expect(count(1)).toBeLessThanOrEqual(8);
      expect(count(2)).toBeGreaterThanOrEqual(1);
      expect(count(2)).toBeLessThanOrEqual(2);
      expect(count(5)).toBeGreaterThanOrEqual(0);
      expect(count(5)).toBeLessThanOrEqual(1);
      for (let r = 0; r < 25; r++) expect(labels[xTest.data[r]]).toBe(yTest.data[r]);
    }
  });

  it('stratifies one-hot labels by their hot column', () => {
    const hot = Array.from({ length: 20 }, (_, i) => (i < 16 ? [1, 0] : [0, 1]));
    const { yTest } = trainTestSplit(tensor(hot), tensor(hot), {
      testFraction: 0.5,
      stratify: true,
      seed: 3,
    });
    const classOne = (yTest.toArray() as number[][]).filter((row) => row[1] === 1).length;
    expect(classOne).toBe(2);
  });

  it('refuses mismatched rows, bad fractions and non-integer class labels', () => {
    expect(() => trainTestSplit(tensor([[1], [2], [3]]), tensor([1, 2]))).toThrow(
      'trainTestSplit: x and y must have the same number of rows, got x [3, 1] and y [2]',
    );
    const { x, y } = rows(4);
    expect(() => trainTestSplit(x, y, { testFraction: -0.1 })).toThrow(
      'trainTestSplit: testFraction must be in [0, 1], got -0.1',
    );
    expect(() => trainTestSplit(x, tensor([0.5, 1, 2, 3]), { stratify: true })).toThrow(
      'trainTestSplit: label 0 is 0.5, not an integer class',
    );
  });
});
