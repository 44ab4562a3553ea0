/** Seeded randomness: setSeed makes every draw reproducible. */
import {
  dropout,
  makeGenerator,
  ones,
  rand,
  randint,
  randn,
  random,
  setSeed,
  shuffleInPlace,
} from '@zen/autograd-core';

const draws = () => [
  ...Array.from(rand([3]).data),
  ...Array.from(randn([3]).data),
  ...Array.from(randint(0, 100, [3]).data),
  random(),
  ...Array.from(dropout(ones([8]), 0.5).data),
];

describe('setSeed', () => {
  test('the same seed replays the same draws across rand, randn, randint, random and dropout', () => {
    setSeed(42);
    const first = draws();
    setSeed(42);
    expect(draws()).toEqual(first);
    setSeed('42');
    expect(draws()).toEqual(first);
  });

  test('a different seed gives different draws', () => {
    setSeed(1);
    const a = draws();
    setSeed(2);
    expect(draws()).not.toEqual(a);
  });
});

describe('makeGenerator', () => {
  test('is independent of the global generator and reproducible', () => {
    const g1 = makeGenerator('x');
    setSeed(5);
    random();
    const g2 = makeGenerator('x');
    expect([g1(), g1(), g1()]).toEqual([g2(), g2(), g2()]);
    expect(makeGenerator('y')()).not.toBe(makeGenerator('x')());
  });
});

describe('shuffleInPlace', () => {
  test('permutes, reproducibly with a seeded generator', () => {
    const a = Int32Array.from({ length: 50 }, (_, i) => i);
    const b = Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(a, makeGenerator('s'));
    shuffleInPlace(b, makeGenerator('s'));
    expect(Array.from(a)).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('dropout', () => {
  test('keeps about 1 − rate of the elements, scaled by 1/(1 − rate)', () => {
    const out = dropout(ones([10_000]), 0.25, { generator: makeGenerator('d') });
    const values = new Set(out.data);
    expect(values).toEqual(new Set([0, Math.fround(1 / 0.75)]));
    const kept = out.data.filter((v) => v !== 0).length / out.size;
    expect(kept).toBeCloseTo(0.75, 1);
  });

  test('is the identity when not training or at rate 0, and checks the rate', () => {
    const x = ones([3]);
    expect(dropout(x, 0.5, { training: false })).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    expect(() => dropout(x, 1)).toThrow('dropout: rate must be in [0, 1), got 1');
    expect(() => dropout(x, -0.1)).toThrow('dropout: rate must be in [0, 1), got -0.1');
  });
});
