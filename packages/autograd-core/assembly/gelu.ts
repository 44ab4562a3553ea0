/**
 * GELU in single precision, four lanes at a time: gelu(x) = x·Φ(x) and the backward
 * product g·gelu′(x) = g·(Φ(x) + x·φ(x)). Φ comes from the same Chebyshev fit of erfc as
 * the TypeScript float32 kernel (src/kernels/erf.ts, the reference): for z = |x|/√2,
 * erfc(z) = t·e^(−z² + p(t)) with t = 1/(1 + z/2). e^(−z²) is taken as
 * e^(−h²)·e^(−(z−h)(z+h)) with h = z cut to 12 significant bits (h² is exact), so the
 * rounding of z² does not grow with z.
 */

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;
/** Below this e^x is under float32's smallest normal number: the result is 0. */
const EXP_MIN: f32 = -87.33654;
const EXP_MAX: f32 = 88.37626;
const INV_SQRT_2PI: f32 = 0.3989422804;
const SQRT1_2: f32 = 0.70710678;

/** 1.5·2²³: adding it rounds a float32 of magnitude below 2²² to an integer, held in the low mantissa bits. */
const ROUNDER: f32 = 12582912;

/** e^x per lane (Cephes expf: 2ⁿ·e^r with |r| ≤ ln2/2, relative error about 1e-7); 0 below EXP_MIN. */
function exp4(x: v128): v128 {
  const under = f32x4.lt(x, f32x4.splat(EXP_MIN));
  // pmin/pmax are single instructions (the clamp needs no NaN handling: NaN lanes stay NaN below).
  const c = f32x4.pmax(f32x4.pmin(x, f32x4.splat(EXP_MAX)), f32x4.splat(EXP_MIN));
  const shifted = f32x4.add(f32x4.mul(c, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
  const n = f32x4.sub(shifted, f32x4.splat(ROUNDER));
  let r = f32x4.sub(c, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.98756915e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // 2ⁿ: n sits in the low bits of `shifted`; move n + 127 into the exponent field.
  const scale = i32x4.shl(i32x4.sub(shifted, i32x4.splat(0x4b400000 - 127)), 23);
  return v128.andnot(f32x4.mul(p, scale), under);
}

/** The erfc fit's exponent correction p(t) (Numerical Recipes' erfcc coefficients). */
function fitPolynomial(t: v128): v128 {
  let p = f32x4.splat(0.17087277);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.82215223));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.48851587));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.13520398));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.27886807));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.18628806));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.09678418));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.37409196));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.00002368));
  return f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.26551223));
}

/** |x| per lane, at most 14 (erfc(14/√2) is below float32's range; ±∞ stay finite here). */
function clampedAbs(x: v128): v128 {
  return f32x4.pmin(f32x4.abs(x), f32x4.splat(14));
}

/** The high 12 significant bits of a (so a² is exact in float32). */
function high(a: v128): v128 {
  return v128.and(a, i32x4.splat(0xfffff000));
}

/**
 * e^(−x²/2) = e^(−z²) from a = |x| and its high part h: e^(−h²/2)·e^(−(a − h)(a + h)/2),
 * both arguments exact or nearly so (z = a/√2 itself would carry a rounding error).
 */
function expHalfSquare(a: v128, h: v128, extra: v128): v128 {
  const half = f32x4.splat(-0.5);
  const rest = f32x4.mul(f32x4.mul(f32x4.sub(a, h), f32x4.add(a, h)), half);
  return f32x4.mul(exp4(f32x4.mul(f32x4.mul(h, h), half)), exp4(f32x4.add(rest, extra)));
}

/** t = 1/(1 + z/2), the fit's variable. */
function fitVariable(z: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(z, f32x4.splat(0.5))));
}

/** Φ(x) from Φ(−|x|) = erfc(z)/2: 1 − that for x ≥ 0 (NaN lanes stay NaN through `half`). */
function cdfFromHalf(x: v128, half: v128): v128 {
  return v128.bitselect(half, f32x4.sub(f32x4.splat(1), half), f32x4.lt(x, f32x4.splat(0)));
}

/** gelu(x) = x·Φ(x) per lane. */
function gelu4(x: v128): v128 {
  const a = clampedAbs(x);
  const t = fitVariable(f32x4.mul(a, f32x4.splat(SQRT1_2)));
  const e = expHalfSquare(a, high(a), fitPolynomial(t)); // erfc(z) = t·e
  return f32x4.mul(x, cdfFromHalf(x, f32x4.mul(f32x4.mul(t, e), f32x4.splat(0.5))));
}

/** gelu′(x) = Φ(x) + x·φ(x) per lane, with φ(x) = e^(−x²/2)/√(2π). */
function geluDerivative4(x: v128): v128 {
  const a = clampedAbs(x);
  const t = fitVariable(f32x4.mul(a, f32x4.splat(SQRT1_2)));
  const square = expHalfSquare(a, high(a), f32x4.splat(0));
  const half = f32x4.mul(f32x4.mul(f32x4.mul(t, square), exp4(fitPolynomial(t))), f32x4.splat(0.5));
  return f32x4.add(cdfFromHalf(x, half), f32x4.mul(x, f32x4.mul(square, f32x4.splat(INV_SQRT_2PI))));
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

/** out[i] = g[i]·gelu′(x[i]) for i < n. */
export function geluBackward(x: usize, g: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(out + at, f32x4.mul(v128.load(g + at), geluDerivative4(v128.load(x + at))));
  }
}
