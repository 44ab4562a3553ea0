/**
 * GELU in single precision, four lanes at a time: gelu(x) = x·Φ(x) and the backward
 * product g·gelu′(x) = g·(Φ(x) + x·φ(x)), the latter with Φ(x) taken from the forward output. Φ comes from the same Chebyshev fit of erfc as
 * the TypeScript float32 kernel (src/kernels/erf.ts, the reference): for z = |x|/√2,
 * erfc(z) = t·e^(−z² + p(t)) with t = 1/(1 + z/2). e^(−z²) = e^(−x²/2) is taken as
 * e^(−h²/2)·e^(−(|x|−h)(|x|+h)/2) with h = |x| cut to 12 significant bits (h² is exact),
 * so the rounding of x² does not grow with x.
 */
import { exp4 } from './exp';

const INV_SQRT_2PI: f32 = 0.3989422804;
const SQRT1_2: f32 = 0.70710678;

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

/**
 * gelu′(x) = Φ(x) + x·φ(x) per lane, with Φ(x) = y/x from the forward pass's y = x·Φ(x)
 * (one division instead of the erfc fit, and consistent with the value the forward pass
 * produced) and φ(x) = e^(−x²/2)/√(2π). Φ is 1/2 where |x| < 1e-20 (0/0 at x = 0) and 0 or 1
 * where |x| ≥ 14 (±∞ included), as the fit gives there. The rounding of x² moves e^(−x²/2)
 * by at most (x²/2)·2⁻²³ relative: under 1e-6 wherever x·φ(x) is not negligible beside Φ.
 */
function geluDerivativeFromOutput4(x: v128, y: v128): v128 {
  const a = clampedAbs(x);
  const phi = f32x4.mul(exp4(f32x4.mul(f32x4.mul(a, a), f32x4.splat(-0.5))), f32x4.splat(INV_SQRT_2PI));
  const absX = f32x4.abs(x);
  let cdf = f32x4.div(y, x);
  cdf = v128.bitselect(f32x4.splat(0.5), cdf, f32x4.lt(absX, f32x4.splat(1e-20)));
  const tail = v128.bitselect(f32x4.splat(1), f32x4.splat(0), f32x4.gt(x, f32x4.splat(0)));
  cdf = v128.bitselect(tail, cdf, f32x4.ge(absX, f32x4.splat(14)));
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
