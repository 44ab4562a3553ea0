/**
 * a·b + c on four f32 lanes. In the relaxed-SIMD build (ASC_FEATURE_RELAXED_SIMD, see
 * build.mjs) this is one fused multiply-add where the CPU has one (rounded once, so the last
 * bit may differ from the plain build); elsewhere a multiply then an add.
 */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
