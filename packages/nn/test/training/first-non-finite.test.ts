/**
 * The finiteness scan fit, evaluate and predict run over their data (training/data.ts):
 * blocks summed as v·0, then searched value by value. Every position class is checked
 * against a plain search: block starts and ends, a block's tail, the array's last value.
 */
import { firstNonFinite } from '../../src/training/data';

const plainSearch = (d: ArrayLike<number>) => Array.from(d).findIndex((v) => !Number.isFinite(v));

describe('firstNonFinite', () => {
  test.each([Float32Array, Float64Array])('finds the first NaN or ±Infinity in a %p', (Type) => {
    const length = 3 * 4096 + 6;
    const positions = [0, 1, 4094, 4095, 4096, 4097, 8191, 2 * 4096 + 3, length - 2, length - 1];
    for (const at of positions) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const d = new Type(length).map((_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? -0 : (i % 17) - 8.5));
        d[at] = bad;
        if (at + 5 < length) d[at + 5] = NaN; // a later one is not the answer
        expect([at, bad, firstNonFinite(d)]).toEqual([at, bad, plainSearch(d)]);
        expect(firstNonFinite(d)).toBe(at);
      }
    }
  });

  test('finite data, huge values and empty arrays give −1', () => {
    const d = new Float32Array(10_000).fill(3.4e38);
    d[5] = -3.4e38;
    expect(firstNonFinite(d)).toBe(-1);
    expect(firstNonFinite(new Float64Array(0))).toBe(-1);
    expect(firstNonFinite(new Int32Array([1, 2, 3]))).toBe(-1);
  });
});
