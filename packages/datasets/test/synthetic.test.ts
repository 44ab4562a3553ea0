import { FIZZ_BUZZ_CLASSES, fizzBuzz, sineSequences, spirals, xor } from '@zen/datasets';

describe('sineSequences', () => {
  it("matches Zen's rnn.py by default: 150 windows of 50 over sin(t)·cos(t), t = 0…199", () => {
    const { x, y } = sineSequences();
    expect(x.shape).toEqual([150, 50, 1]);
    expect(y.shape).toEqual([150, 1]);
    const s = (t: number) => Math.fround(Math.sin(t) * Math.cos(t));
    expect(x.data[0]).toBe(0);
    expect(x.data[7]).toBe(s(7));
    expect(x.data[3 * 50 + 49]).toBe(s(52));
    expect(y.data[0]).toBe(s(50));
    expect(y.data[149]).toBe(s(199));
  });

  it('supports a horizon of several values, a start and a step', () => {
    const { x, y } = sineSequences({ length: 10, window: 4, horizon: 2, start: 1, step: 0.5 });
    expect(x.shape).toEqual([5, 4, 1]);
    expect(y.shape).toEqual([5, 2]);
    const s = (i: number) => Math.fround(Math.sin(1 + 0.5 * i) * Math.cos(1 + 0.5 * i));
    expect(Array.from(x.data.subarray(4, 8))).toEqual([s(1), s(2), s(3), s(4)]);
    expect(Array.from(y.data.subarray(2, 4))).toEqual([s(5), s(6)]);
    expect(y.data[9]).toBe(s(9));
  });

  it('refuses a series too short for the window', () => {
    expect(() => sineSequences({ length: 50 })).toThrow(
      'sineSequences: length 50 is too short for window 50 plus horizon 1',
    );
    expect(() => sineSequences({ window: 0 })).toThrow(
      'sineSequences: window must be a positive integer, got 0',
    );
  });
});

describe('fizzBuzz', () => {
  it('encodes 101…1023 in 10 bits by default, least significant bit first', () => {
    const { x, y } = fizzBuzz();
    expect(x.shape).toEqual([923, 10]);
    expect(y.shape).toEqual([923]);
    expect(y.dtype).toBe('int32');
    expect(Array.from(x.data.subarray(0, 10))).toEqual([1, 0, 1, 0, 0, 1, 1, 0, 0, 0]); // 101
    expect(Array.from(x.data.subarray(922 * 10))).toEqual(new Array(10).fill(1)); // 1023
    expect(y.data[0]).toBe(0); // 101
    expect(y.data[1]).toBe(1); // 102 = 3·34
    expect(y.data[4]).toBe(3); // 105 = 15·7
  });

  it('labels 1…100 as number, fizz, buzz, fizzbuzz', () => {
    const { x, y } = fizzBuzz({ from: 1, to: 100 });
    expect(x.shape).toEqual([100, 10]);
    const names = Array.from(y.data.subarray(0, 15), (c) => FIZZ_BUZZ_CLASSES[c]);
    expect(names).toEqual([
      'number',
      'number',
      'fizz',
      'number',
      'buzz',
      'fizz',
      'number',
      'number',
      'fizz',
      'buzz',
      'number',
      'fizz',
      'number',
      'number',
      'fizzbuzz',
    ]);
    expect(Array.from(x.data.subarray(5 * 10, 6 * 10))).toEqual([0, 1, 1, 0, 0, 0, 0, 0, 0, 0]); // 6
    const counts = [0, 0, 0, 0];
    y.data.forEach((c) => counts[c]++);
    expect(counts).toEqual([53, 27, 14, 6]);
  });

  it('refuses integers that do not fit in the bits', () => {
    expect(() => fizzBuzz({ from: 1, to: 1024 })).toThrow('fizzBuzz: need integers 0 <= from <= to < 2^10');
  });
});

describe('xor', () => {
  it('is the truth table', () => {
    const { x, y } = xor();
    expect(x.toArray()).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(y.toArray()).toEqual([[0], [1], [1], [0]]);
  });

  it('repeats and jitters reproducibly', () => {
    const a = xor({ repeat: 3, noise: 0.1, seed: 2 });
    expect(a.x.shape).toEqual([12, 2]);
    expect(Array.from(a.y.data)).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
    expect(Array.from(xor({ repeat: 3, noise: 0.1, seed: 2 }).x.data)).toEqual(Array.from(a.x.data));
    expect(Array.from(xor({ repeat: 3, noise: 0.1, seed: 3 }).x.data)).not.toEqual(Array.from(a.x.data));
    const corners = [0, 0, 0, 1, 1, 0, 1, 1];
    a.x.data.forEach((v, k) => {
      expect(Math.abs(v - corners[k % 8])).toBeLessThan(0.6);
      expect(v).not.toBe(corners[k % 8]);
    });
  });
});

describe('spirals', () => {
  it('gives one arm per class with radius i / (n − 1) and seeded angle noise', () => {
    const { x, y } = spirals({ samplesPerClass: 50, classes: 3, seed: 1 });
    expect(x.shape).toEqual([150, 2]);
    expect(y.shape).toEqual([150]);
    expect(Array.from(y.data.subarray(48, 52))).toEqual([0, 0, 1, 1]);
    expect(y.data[149]).toBe(2);
    for (let n = 0; n < 150; n++) {
      expect(Math.hypot(x.data[2 * n], x.data[2 * n + 1])).toBeCloseTo((n % 50) / 49, 5);
    }
    expect(Array.from(spirals({ samplesPerClass: 50, classes: 3, seed: 1 }).x.data)).toEqual(
      Array.from(x.data),
    );
    expect(Array.from(spirals({ samplesPerClass: 50, classes: 3, seed: 2 }).x.data)).not.toEqual(
      Array.from(x.data),
    );
  });

  it('without noise, puts the arms 2π/classes apart', () => {
    const { x } = spirals({ samplesPerClass: 5, classes: 2, noise: 0, turns: 0.5 });
    // Last point of arm 0: radius 1, angle π; of arm 1: angle π + π = 2π.
    expect(x.data[2 * 4]).toBeCloseTo(-1, 6);
    expect(x.data[2 * 4 + 1]).toBeCloseTo(0, 6);
    expect(x.data[2 * 9]).toBeCloseTo(1, 6);
    expect(x.data[2 * 9 + 1]).toBeCloseTo(0, 6);
    // Point 2 of arm 0: radius 0.5, angle π/2.
    expect(x.data[2 * 2]).toBeCloseTo(0, 6);
    expect(x.data[2 * 2 + 1]).toBeCloseTo(0.5, 6);
  });

  it('refuses too few samples or classes', () => {
    expect(() => spirals({ classes: 1 })).toThrow('spirals: classes must be an integer >= 2, got 1');
    expect(() => spirals({ samplesPerClass: 1 })).toThrow(
      'spirals: samplesPerClass must be an integer >= 2, got 1',
    );
  });
});
