/**
 * erf, erfc and gelu in float64 against exact references (BigInt fixed point, see
 * helpers/high-precision.ts), and relu's NaN propagation.
 */
import { biasActivation, erf, gelu, makeGenerator, relu, tensor } from '@zen/autograd-core';
import { erfc } from '../../src/kernels/erf';
import { erfReference, geluReference } from '../helpers/high-precision';

/** |got − want| / |want|. */
const relError = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

const next = makeGenerator('special-functions');
/** Points spread over [from, to] plus fixed ones (near 0, at the switch points). */
const points = (from: number, to: number, count: number, fixed: number[]): number[] => [
  ...fixed,
  ...Array.from({ length: count }, () => from + (to - from) * next()),
];

/** The worst relative error of `f` against `reference` at `xs`, and where. */
function worst(xs: number[], got: ArrayLike<number>, reference: (x: number) => number): [number, number] {
  let error = 0;
  let at = NaN;
  xs.forEach((x, i) => {
    const e = relError(got[i], reference(x));
    if (!(e <= error)) [error, at] = [e, x];
  });
  return [error, at];
}

test('the reference reproduces tabulated values', () => {
  expect(erfReference(1).erf).toBe(0.8427007929497149);
  expect(relError(erfReference(10).erfc, 2.088487583762545e-45)).toBeLessThan(1e-15);
  expect(relError(geluReference(-10), -7.6198530241605e-23)).toBeLessThan(1e-13);
});

describe('erf and erfc in float64', () => {
  test('erf within 1e-15 relative error over [−6, 6]', () => {
    const xs = points(-6, 6, 120, [1e-300, 1e-8, -1e-8, 0.1, 0.5, 1, 1.9999999, 2, 2.0000001, 3, 5.9, -4.2]);
    const out = erf(tensor(xs, { dtype: 'float64' })).data;
    const [error, at] = worst(xs, out, (x) => erfReference(x).erf);
    if (!(error <= 1e-15)) throw new Error(`erf(${at}): relative error ${error} > 1e-15`);
  });

  test('erfc within 1e-15 relative error over [−6, 26], where 1 − erf would cancel', () => {
    // 0.5 … 2 is the Taylor-node range; 2 is where the continued fraction takes over.
    const fixed = [0.4999, 0.5, 0.5625, 0.56, 1, 1.3, 1.9999, 2, 2.0001, 5, 10, 25.9, -0.3, -1.5, -3];
    const xs = [...points(0.4, 2.1, 80, fixed), ...points(-6, 26, 60, [])];
    const out = xs.map(erfc);
    const [error, at] = worst(xs, out, (x) => erfReference(x).erfc);
    if (!(error <= 1e-15)) throw new Error(`erfc(${at}): relative error ${error} > 1e-15`);
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
    const xs = points(-4, 4, 200, [0, 1e-8, -1e-6, 0.4999, 0.5]);
    const out = erf(tensor(xs)).data;
    xs.forEach((x, i) => {
      if (x !== 0) expect(relError(out[i], erfReference(x).erf)).toBeLessThan(4e-7);
    });
    expect(out[0]).toBe(0);
  });
});

describe('gelu keeps its tail', () => {
  test('float64: within 1e-15 relative error of x·Φ(x) from −37 (before subnormals) to 8', () => {
    // −0.7 … −2.83 is where erfc(−x/√2) = 1 − erf would cancel; below, the tail.
    const fixed = [-37, -30, -12, -10, -3, -2.83, -2, -1, -0.7, -1e-8, 1e-8, 1, 3, 8];
    const xs = [...points(-3, -0.6, 80, fixed), ...points(-37, 8, 80, [])];
    const out = gelu(tensor(xs, { dtype: 'float64' })).data;
    const [error, at] = worst(xs, out, geluReference);
    if (!(error <= 1e-15)) throw new Error(`gelu(${at}): relative error ${error} > 1e-15`);
  });

  test('gelu(−10) is −7.6e-23, not −0, in float64 and float32', () => {
    const want = geluReference(-10);
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
