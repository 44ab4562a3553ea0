/** e^x on four float32 lanes, shared by the elementwise and attention kernels. */
import { madd } from './madd';
import { splatAt } from './constants';

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;
/** Below this e^x is under float32's smallest normal number: the result is 0. */
const EXP_MIN: f32 = -87.33654;
const EXP_MAX: f32 = 88.37626;

/** 1.5·2²³: adding it rounds a float32 of magnitude below 2²² to an integer, held in the low mantissa bits. */
const ROUNDER: f32 = 12582912;

/** exp4's constants (read by splatAt: see constants.ts). */
const EXP_TABLE = memory.data<f32>([
  EXP_MIN,
  EXP_MAX,
  LOG2E,
  ROUNDER,
  LN2_HI,
  LN2_LO,
  // The polynomial of e^r, highest degree first.
  1.98756915e-4,
  1.3981999507e-3,
  8.3334519073e-3,
  4.1665795894e-2,
  1.6666665459e-1,
  5.0000001201e-1,
  1,
]);

/**
 * 2ⁿ·e^r per lane for |r| ≤ ln2/2, n held in the low bits of `shifted` (= n + ROUNDER); the
 * polynomial by Horner's rule (each step one madd).
 */
// @ts-ignore: decorator
@inline
function expReduced(r: v128, shifted: v128): v128 {
  let p = splatAt(EXP_TABLE, 6);
  p = madd(p, r, splatAt(EXP_TABLE, 7));
  p = madd(p, r, splatAt(EXP_TABLE, 8));
  p = madd(p, r, splatAt(EXP_TABLE, 9));
  p = madd(p, r, splatAt(EXP_TABLE, 10));
  p = madd(p, r, splatAt(EXP_TABLE, 11));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), splatAt(EXP_TABLE, 12));
  // 2ⁿ: n sits in the low bits of `shifted`; move n + 127 into the exponent field.
  const scale = i32x4.shl(i32x4.sub(shifted, i32x4.splat(0x4b400000 - 127)), 23);
  return f32x4.mul(p, scale);
}

/** e^x per lane (Cephes expf: 2ⁿ·e^r with |r| ≤ ln2/2, relative error about 1e-7); 0 below EXP_MIN. */
// @ts-ignore: decorator
@inline
export function exp4(x: v128): v128 {
  const min = splatAt(EXP_TABLE, 0);
  const under = f32x4.lt(x, min);
  // pmin/pmax are single instructions (the clamp needs no NaN handling: NaN lanes stay NaN below).
  const c = f32x4.pmax(f32x4.pmin(x, splatAt(EXP_TABLE, 1)), min);
  const rounder = splatAt(EXP_TABLE, 3);
  const shifted = f32x4.add(f32x4.mul(c, splatAt(EXP_TABLE, 2)), rounder);
  const n = f32x4.sub(shifted, rounder);
  let r = f32x4.sub(c, f32x4.mul(n, splatAt(EXP_TABLE, 4)));
  r = f32x4.sub(r, f32x4.mul(n, splatAt(EXP_TABLE, 5)));
  return v128.andnot(expReduced(r, shifted), under);
}

/**
 * e^(hi + lo) per lane for hi ≤ 0 exact and |lo| small (below 8), without rounding
 * hi + lo: n comes from the rounded sum, and the reduction r = (hi − n·ln2_hi) + lo −
 * n·ln2_lo subtracts n·ln2_hi (exact: 9 significant bits times an integer below 2⁸) from
 * hi first, where the two nearly cancel (exact by Sterbenz's lemma once |hi| ≥ 4). 0 where
 * the sum is below EXP_MIN. As accurate as e^hi·e^lo, for one exponential.
 */
// @ts-ignore: decorator
@inline
export function exp4OfSum(hi: v128, lo: v128): v128 {
  const min = splatAt(EXP_TABLE, 0);
  const x = f32x4.add(hi, lo);
  const under = f32x4.lt(x, min);
  const c = f32x4.pmax(x, min);
  const rounder = splatAt(EXP_TABLE, 3);
  const shifted = f32x4.add(f32x4.mul(c, splatAt(EXP_TABLE, 2)), rounder);
  const n = f32x4.sub(shifted, rounder);
  let r = f32x4.add(f32x4.sub(hi, f32x4.mul(n, splatAt(EXP_TABLE, 4))), lo);
  r = f32x4.sub(r, f32x4.mul(n, splatAt(EXP_TABLE, 5)));
  return v128.andnot(expReduced(r, shifted), under);
}
