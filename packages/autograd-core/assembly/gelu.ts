/**
 * GELU in single precision, four lanes at a time: gelu(x) = x·Φ(x) and the backward
 * product g·gelu′(x) = g·(Φ(x) + x·φ(x)), the latter with Φ(x) taken from the forward output. Φ comes from the same Chebyshev fit of erfc as
 * the TypeScript float32 kernel (src/kernels/erf.ts, the reference): for z = |x|/√2,
 * erfc(z) = t·e^(−z² + p(t)) with t = 1/(1 + z/2). The exponent −z² = −x²/2 is split as
 * −h²/2 − (|x|−h)(|x|+h)/2 with h = |x| cut to 12 significant bits (h² is exact), and
 * one exponential takes the exact part and the rest apart (exp4OfSum), so the rounding
 * of x² does not grow with x.
 */
import { madd } from './madd';
import { splatAt } from './constants';
import { exp4, exp4OfSum } from './exp';

/**
 * The kernels' constants (read by splatAt: see constants.ts): the erfc fit's coefficients
 * (Numerical Recipes' erfcc, highest degree first), then the others at the indices below.
 */
const GELU_TABLE = memory.data<f32>([
  0.17087277,
  -0.82215223,
  1.48851587,
  -1.13520398,
  0.27886807,
  -0.18628806,
  0.09678418,
  0.37409196,
  1.00002368,
  -1.26551223,
  14, // 10: where Φ is 0 or 1 in float32
  -0.5, // 11
  0.5, // 12
  1, // 13
  0.70710678, // 14: 1/√2
  0.3989422804, // 15: 1/√(2π)
  1e-20, // 16: below it Φ(x) = 1/2
]);
const TAIL = 10;
const MINUS_HALF = 11;
const HALF = 12;
const ONE = 13;
const SQRT1_2 = 14;
const INV_SQRT_2PI = 15;
const TINY = 16;
/** The mask keeping a float32's sign, exponent and high 12 significant bits. */
const HIGH_BITS = memory.data<i32>([0xfffff000]);

/** The erfc fit's exponent correction p(t), by Horner's rule (each step one madd). */
function fitPolynomial(t: v128): v128 {
  let p = splatAt(GELU_TABLE, 0);
  p = madd(p, t, splatAt(GELU_TABLE, 1));
  p = madd(p, t, splatAt(GELU_TABLE, 2));
  p = madd(p, t, splatAt(GELU_TABLE, 3));
  p = madd(p, t, splatAt(GELU_TABLE, 4));
  p = madd(p, t, splatAt(GELU_TABLE, 5));
  p = madd(p, t, splatAt(GELU_TABLE, 6));
  p = madd(p, t, splatAt(GELU_TABLE, 7));
  p = madd(p, t, splatAt(GELU_TABLE, 8));
  return madd(p, t, splatAt(GELU_TABLE, 9));
}

/** |x| per lane, at most 14 (erfc(14/√2) is below float32's range; ±∞ stay finite here). */
function clampedAbs(x: v128): v128 {
  return f32x4.pmin(f32x4.abs(x), splatAt(GELU_TABLE, TAIL));
}

/** The high 12 significant bits of a (so a² is exact in float32). */
function high(a: v128): v128 {
  return v128.and(a, splatAt(HIGH_BITS, 0));
}

/**
 * e^(−x²/2 + extra) from a = |x| and its high part h: the exact −h²/2 and the small
 * −(a − h)(a + h)/2 + extra kept apart into one exponential (z = a/√2 itself would carry
 * a rounding error).
 */
function expHalfSquare(a: v128, h: v128, extra: v128): v128 {
  const half = splatAt(GELU_TABLE, MINUS_HALF);
  const rest = f32x4.mul(f32x4.mul(f32x4.sub(a, h), f32x4.add(a, h)), half);
  return exp4OfSum(f32x4.mul(f32x4.mul(h, h), half), f32x4.add(rest, extra));
}

/** t = 1/(1 + z/2), the fit's variable. */
function fitVariable(z: v128): v128 {
  const one = splatAt(GELU_TABLE, ONE);
  return f32x4.div(one, f32x4.add(one, f32x4.mul(z, splatAt(GELU_TABLE, HALF))));
}

/** Φ(x) from Φ(−|x|) = erfc(z)/2: 1 − that for x ≥ 0 (NaN lanes stay NaN through `half`). */
function cdfFromHalf(x: v128, half: v128): v128 {
  return v128.bitselect(half, f32x4.sub(splatAt(GELU_TABLE, ONE), half), f32x4.lt(x, f32x4.splat(0)));
}

/** gelu(x) = x·Φ(x) per lane. */
// @ts-ignore: decorator
@inline
function gelu4(x: v128): v128 {
  const a = clampedAbs(x);
  const t = fitVariable(f32x4.mul(a, splatAt(GELU_TABLE, SQRT1_2)));
  const e = expHalfSquare(a, high(a), fitPolynomial(t)); // erfc(z) = t·e
  return f32x4.mul(x, cdfFromHalf(x, f32x4.mul(f32x4.mul(t, e), splatAt(GELU_TABLE, HALF))));
}

/**
 * gelu′(x) = Φ(x) + x·φ(x) per lane, with Φ(x) = y/x from the forward pass's y = x·Φ(x)
 * (one division instead of the erfc fit, and consistent with the value the forward pass
 * produced) and φ(x) = e^(−x²/2)/√(2π). Φ is 1/2 where |x| < 1e-20 (0/0 at x = 0) and 0 or 1
 * where |x| ≥ 14 (±∞ included), as the fit gives there. The rounding of x² moves e^(−x²/2)
 * by at most (x²/2)·2⁻²³ relative: under 1e-6 wherever x·φ(x) is not negligible beside Φ.
 */
// @ts-ignore: decorator
@inline
function geluDerivativeFromOutput4(x: v128, y: v128): v128 {
  const a = clampedAbs(x);
  const phi = f32x4.mul(
    exp4(f32x4.mul(f32x4.mul(a, a), splatAt(GELU_TABLE, MINUS_HALF))),
    splatAt(GELU_TABLE, INV_SQRT_2PI),
  );
  const absX = f32x4.abs(x);
  let cdf = f32x4.div(y, x);
  cdf = v128.bitselect(splatAt(GELU_TABLE, HALF), cdf, f32x4.lt(absX, splatAt(GELU_TABLE, TINY)));
  const tail = v128.bitselect(splatAt(GELU_TABLE, ONE), f32x4.splat(0), f32x4.gt(x, f32x4.splat(0)));
  cdf = v128.bitselect(tail, cdf, f32x4.ge(absX, splatAt(GELU_TABLE, TAIL)));
  return f32x4.add(cdf, f32x4.mul(x, phi));
}

/*
 * The loops run in whole vectors: the last one may read and write up to three floats past
 * n, which the caller's regions must hold (WasmHeap pads every region to 64 bytes).
 */

/** out[i] = gelu(x[i]) for i < n (byte pointers to float32 arrays). */
export function geluForward(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(out + at, gelu4(v128.load(x + at)));
  }
}

/** out[i] = g[i]·gelu′(x[i]) for i < n, given y[i] = gelu(x[i]) from the forward pass. */
export function geluBackward(x: usize, y: usize, g: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const at = (<usize>i) << 2;
    const derivative = geluDerivativeFromOutput4(v128.load(x + at), v128.load(y + at));
    v128.store(out + at, f32x4.mul(v128.load(g + at), derivative));
  }
}
