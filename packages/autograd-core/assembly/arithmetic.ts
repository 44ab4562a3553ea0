/**
 * Float32 arithmetic four lanes at a time: the binary kernels the autograd engine calls
 * most (residual adds, gradient sums, the ReLU gradient) and the sum along one axis (bias gradients).
 * Each lane's result is the same single rounding as the TypeScript kernels' (a float64
 * sum or product of two float32 values rounds to the correctly rounded float32 result),
 * and the sums add rows in the same order, so the results are identical.
 *
 * The binary loop runs in whole vectors: the last one may read and write up to three
 * floats past n, which the caller's regions must hold (WasmHeap pads every region to 64
 * bytes).
 */

/**
 * out[i] = a[i·sa] ∘ b[i·sb] for i < n, sa, sb ∈ {0, 1}; op 0 add, 1 sub, 2 mul, 3 a·[b > 0]
 * (the ReLU gradient: a times exactly 1 or 0, so NaN and ±∞ in a give NaN where b ≤ 0).
 */
export function binaryFloat32(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const scalarA = f32x4.splat(load<f32>(a));
  const scalarB = f32x4.splat(load<f32>(b));
  for (let i = 0; i < n; i += 4) {
    const at = (<usize>i) << 2;
    const x = sa ? v128.load(a + at) : scalarA;
    const y = sb ? v128.load(b + at) : scalarB;
    let v: v128;
    if (op == 0) v = f32x4.add(x, y);
    else if (op == 1) v = f32x4.sub(x, y);
    else if (op == 2) v = f32x4.mul(x, y);
    else v = f32x4.mul(x, v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.splat(1)));
    v128.store(out + at, v);
  }
}

/**
 * out[o, j] = Σ_k src[o, k, j] for src viewed as [outer, n, inner], inner a multiple of 4;
 * rows are added in order k = 0, 1, … into float32 sums (as the TypeScript kernel), four
 * rows per pass over out: ((((s + r₀) + r₁) + r₂) + r₃) in a register, the same roundings
 * as one row at a time with a quarter of the loads and stores of out.
 */
export function sumAxisFloat32(src: usize, outer: i32, n: i32, inner: i32, out: usize): void {
  const rowBytes = (<usize>inner) << 2;
  for (let o = 0; o < outer; o++) {
    const dst = out + <usize>o * rowBytes;
    const base = src + <usize>o * <usize>n * rowBytes;
    memory.fill(dst, 0, rowBytes);
    let k = 0;
    for (; k + 4 <= n; k += 4) {
      const r0 = base + <usize>k * rowBytes;
      const r1 = r0 + rowBytes;
      const r2 = r1 + rowBytes;
      const r3 = r2 + rowBytes;
      for (let j: usize = 0; j < rowBytes; j += 16) {
        let v = f32x4.add(v128.load(dst + j), v128.load(r0 + j));
        v = f32x4.add(v, v128.load(r1 + j));
        v = f32x4.add(v, v128.load(r2 + j));
        v128.store(dst + j, f32x4.add(v, v128.load(r3 + j)));
      }
    }
    for (; k < n; k++) {
      const row = base + <usize>k * rowBytes;
      for (let j: usize = 0; j < rowBytes; j += 16)
        v128.store(dst + j, f32x4.add(v128.load(dst + j), v128.load(row + j)));
    }
  }
}

/**
 * c[i] = (((c[i] + p₀[i]) + p₁[i]) + …) + p_{count−1}[i] for i in [start, start + length), the
 * partial sums p_q at `partials` + q·`stride` bytes: a deep product's parts added into part
 * 0's result in one pass, in the order one add per part would take. start and length are
 * multiples of 4.
 */
export function addPartialSums(
  c: usize,
  partials: usize,
  count: i32,
  stride: i32,
  start: i32,
  length: i32,
): void {
  const end = c + ((<usize>(start + length)) << 2);
  const offset = (<usize>start) << 2;
  let src = partials + offset;
  for (let at = c + offset; at < end; at += 16) {
    let v = v128.load(at);
    let q = src;
    for (let p = 0; p < count; p++) {
      v = f32x4.add(v, v128.load(q));
      q += <usize>stride;
    }
    v128.store(at, v);
    src += 16;
  }
}

/**
 * Σ x² over the n floats from `at`, accumulated in double precision: each f32x4 is widened
 * to two f64x2, squared and added to its own sum (four sums, so the additions overlap).
 */
export function sumOfSquaresFloat32(at: usize, n: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let s2 = f64x2.splat(0);
  let s3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const q = at + ((<usize>i) << 2);
    const v = v128.load(q);
    const w = v128.load(q, 16);
    const v0 = f64x2.promote_low_f32x4(v);
    const v1 = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    const w0 = f64x2.promote_low_f32x4(w);
    const w1 = f64x2.promote_low_f32x4(i32x4.shuffle(w, w, 2, 3, 0, 1));
    s0 = f64x2.add(s0, f64x2.mul(v0, v0));
    s1 = f64x2.add(s1, f64x2.mul(v1, v1));
    s2 = f64x2.add(s2, f64x2.mul(w0, w0));
    s3 = f64x2.add(s3, f64x2.mul(w1, w1));
  }
  const sum = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let total = f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
  for (; i < n; i++) {
    const x = <f64>load<f32>(at + ((<usize>i) << 2));
    total += x * x;
  }
  return total;
}
