/**
 * erf and gelu against 100-digit references (mathjs BigNumbers, the Maclaurin series
 * summed exactly enough that cancellation does not matter), and relu's NaN propagation.
 */
import { all, create } from 'mathjs';
import type { BigNumber } from 'mathjs';
import { biasActivation, erf, gelu, makeGenerator, relu, tensor } from '@zen/autograd-core';

const M = create(all, { number: 'BigNumber', precision: 100 });
type Big = BigNumber;
const big = (x: number): Big => M.bignumber(x) as Big;
const TWO_OVER_SQRT_PI = big(2).div((M.pi as unknown as Big).sqrt());

/** erf(x) = 2/√π Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)) in 100-digit arithmetic (for |x| ≤ 9). */
function erfRef(x: number): Big {
  const X = big(x);
  const x2 = X.mul(X);
  let term = X;
  let sum = X;
  const tiny = big(10).pow(-95);
  for (let n = 1; n < 2000; n++) {
    term = term.mul(x2).neg().div(n);
    const t = term.div(2 * n + 1);
    sum = sum.add(t);
    if (t.abs().lt(tiny)) break;
  }
  return sum.mul(TWO_OVER_SQRT_PI);
}

/** |got − want| / |want|. */
const relError = (got: number, want: Big): number => big(got).sub(want).div(want).abs().toNumber();

const next = makeGenerator('special-functions');
/** Points spread over [−range, range] plus fixed ones (near 0, at the switch points). */
const points = (range: number, count: number, fixed: number[]): number[] => [
  ...fixed,
  ...Array.from({ length: count }, () => (2 * next() - 1) * range),
];

describe('erf in float64', () => {
  test('within 1e-15 relative error of a 100-digit reference over [−6, 6]', () => {
    const xs = points(6, 300, [1e-300, 1e-8, -1e-8, 0.1, 0.5, 1, 1.9999999, 2, 2.0000001, 3, 5.9, -4.2]);
    const out = erf(tensor(xs, { dtype: 'float64' })).data;
    let worst = 0;
    xs.forEach((x, i) => (worst = Math.max(worst, relError(out[i], erfRef(x)))));
    expect(worst).toBeLessThanOrEqual(1e-15);
  });

  test('erf(0) is 0, small arguments keep their sign, large ones give ±1', () => {
    const out = erf(tensor([0, 1e-8, -1e-8, 7, -30, Infinity, -Infinity, NaN], { dtype: 'float64' })).data;
    expect(Array.from(out.slice(0, 1))).toEqual([0]);
    expect(out[1]).toBeCloseTo(1.1283791670955126e-8, 23);
    expect(out[2]).toBe(-out[1]);
    expect(Array.from(out.slice(3, 7))).toEqual([1, -1, 1, -1]);
    expect(out[7]).toBeNaN();
  });

  test('float32 erf is float32-accurate, with erf(0) = 0', () => {
    const xs = points(4, 200, [0, 1e-8, -1e-6, 0.4999, 0.5]);
    const out = erf(tensor(xs)).data;
    xs.forEach((x, i) => {
      const want = erfRef(x);
      if (x !== 0) expect(relError(out[i], want)).toBeLessThan(4e-7);
    });
    expect(out[0]).toBe(0);
  });
});

describe('gelu keeps its tail', () => {
  /** gelu(x) = x/2 · (1 + erf(x/√2)) in 100 digits. */
  const geluRef = (x: number): Big =>
    big(x)
      .div(2)
      .mul(big(1).add(erfRef(x * Math.SQRT1_2).mul(1)));

  test('float64: within 1e-15 relative error except where erfc cancels (1e-13) and in the far tail (1e-14)', () => {
    // x/√2 is rounded before erf in the reference too, so compare against the reference at the same point.
    const xs = points(12, 300, [-10, -12, -3, -1, 1, 3, 10, 1e-8, -1e-8]);
    const out = gelu(tensor(xs, { dtype: 'float64' })).data;
    xs.forEach((x, i) => {
      const want = geluRef(x);
      // erfc(v) for v ≥ 2 multiplies two exps and a continued fraction: a few ulps more.
      const bound = x < -0.7 && x > -2.83 ? 1e-13 : x <= -2.83 ? 1e-14 : 1e-15;
      const error = relError(out[i], want);
      if (!(error <= bound)) throw new Error(`gelu(${x}) = ${out[i]}: relative error ${error} > ${bound}`);
    });
  });

  test('gelu(−10) is −7.6e-23, not −0, in float64 and float32', () => {
    const want = geluRef(-10).toNumber();
    expect(want).toBeCloseTo(-7.6198530241605e-23, 35);
    expect(gelu(tensor([-10], { dtype: 'float64' })).data[0] / want).toBeCloseTo(1, 14);
    expect(gelu(tensor([-10])).data[0] / want).toBeCloseTo(1, 5);
  });
});

describe('relu propagates NaN', () => {
  test.each(['float32', 'float64'] as const)('relu and the fused bias + relu in %s', (dtype) => {
    const x = tensor([NaN, -1, 2, -NaN, -0], { dtype });
    const out = Array.from(relu(x).data);
    expect(out[0]).toBeNaN();
    expect(out[3]).toBeNaN();
    expect(out.slice(1, 3)).toEqual([0, 2]);
    expect(Object.is(out[4], 0)).toBe(true);
    const z = tensor(
      [
        [NaN, -3],
        [1, NaN],
      ],
      { dtype },
    );
    const fused = Array.from(biasActivation(z, tensor([0.5, 0.5], { dtype }), 'relu').data);
    expect(fused[0]).toBeNaN();
    expect(fused[3]).toBeNaN();
    expect(fused.slice(1, 3)).toEqual([0, 1.5]);
  });
});
