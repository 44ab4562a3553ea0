/**
 * tanh and the logistic sigmoid in single precision, four lanes at a time (the
 * TypeScript kernels in src/kernels/elementwise.ts are the reference).
 *
 * tanh: for |x| ≥ 0.625, 1 − 2/(e^(2|x|) + 1) with the sign restored (no cancellation:
 * the result is at least 0.55); below, the odd Taylor series x + x³·P(x²) to the x¹⁹ term,
 * whose next term is under 3e-8 of the result there. σ(x) = s or e·s with e = e^(−|x|) and
 * s = 1/(1 + e), by the sign of x, so e^x never overflows. NaN propagates; ±∞ give ±1 (0, 1).
 */
import { madd } from './madd';
import { exp4 } from './exp';

const TAYLOR_LIMIT: f32 = 0.625;

/**
 * tanh x = x + x³·P(x²) with P's coefficients from the series (2²ⁿ(2²ⁿ − 1)B₂ₙ/(2n)!),
 * P by Horner's rule (each step one madd).
 */
function taylor(x: v128): v128 {
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-2.3912911e-4); // −443861162/1856156927625
  p = madd(p, z, f32x4.splat(5.9002744e-4)); // 6404582/10854718875
  p = madd(p, z, f32x4.splat(-1.4558344e-3)); // −929569/638512875
  p = madd(p, z, f32x4.splat(3.592128e-3)); // 21844/6081075
  p = madd(p, z, f32x4.splat(-8.8632355e-3)); // −1382/155925
  p = madd(p, z, f32x4.splat(2.1869489e-2)); // 62/2835
  p = madd(p, z, f32x4.splat(-5.3968254e-2)); // −17/315
  p = madd(p, z, f32x4.splat(1.3333334e-1)); // 2/15
  p = madd(p, z, f32x4.splat(-3.3333334e-1)); // −1/3
  return f32x4.add(x, f32x4.mul(f32x4.mul(p, z), x));
}

// @ts-ignore: decorator
@inline
function tanh4(x: v128): v128 {
  const a = f32x4.abs(x);
  const one = f32x4.splat(1);
  const far = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(exp4(f32x4.add(a, a)), one)));
  const signed = v128.or(far, v128.and(x, i32x4.splat(0x80000000))); // copysign(far, x)
  // NaN lanes take the series (it keeps NaN): the comparison is false for them.
  return v128.bitselect(signed, taylor(x), f32x4.ge(a, f32x4.splat(TAYLOR_LIMIT)));
}

// @ts-ignore: decorator
@inline
function sigmoid4(x: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, f32x4.splat(0)));
}

/** out = tanh(x) (op 0) or σ(x) (op 1) over n floats; the last partial vector goes through a padded copy. */
export function tanhSigmoidFloat32(op: i32, x: usize, out: usize, n: i32): void {
  const vectors = n & ~3;
  for (let i = 0; i < vectors; i += 4) {
    const o = (<usize>i) << 2;
    const v = v128.load(x + o);
    v128.store(out + o, op == 0 ? tanh4(v) : sigmoid4(v));
  }
  const rest = n - vectors;
  if (rest == 0) return;
  // Up to three trailing lanes: load them into a zeroed vector, compute, store lane by lane.
  let v = f32x4.splat(0);
  const base = (<usize>vectors) << 2;
  v = f32x4.replace_lane(v, 0, load<f32>(x + base));
  if (rest > 1) v = f32x4.replace_lane(v, 1, load<f32>(x + base + 4));
  if (rest > 2) v = f32x4.replace_lane(v, 2, load<f32>(x + base + 8));
  const r = op == 0 ? tanh4(v) : sigmoid4(v);
  store<f32>(out + base, f32x4.extract_lane(r, 0));
  if (rest > 1) store<f32>(out + base + 4, f32x4.extract_lane(r, 1));
  if (rest > 2) store<f32>(out + base + 8, f32x4.extract_lane(r, 2));
}
