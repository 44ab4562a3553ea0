/**
 * Layer normalisation over rows of n floats, four lanes at a time (src/kernels/layer-norm.ts
 * is the reference): y = (x − μ)·r·γ + β with r = 1/√(σ² + ε). The forward statistics are
 * taken in double precision (two lanes), as the reference's; each row's μ and r are kept
 * (float32) for the backward pass. Rows whose length is not a multiple of 4 finish with
 * scalar steps.
 */

/** Lanes 2 and 3 of a float32 vector moved to lanes 0 and 1. */
function highHalf(v: v128): v128 {
  return i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
}

/** out = (x − μ)·r·γ + β per row; mean[row] = μ, rstd[row] = r. */
export function layerNormForward(
  x: usize,
  gamma: usize,
  beta: usize,
  rows: i32,
  n: i32,
  epsilon: f64,
  out: usize,
  mean: usize,
  rstd: usize,
): void {
  const vectors = n & ~3;
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>n) << 2);
    const dst = out + ((<usize>r * <usize>n) << 2);
    let sums = f64x2.splat(0);
    for (let j = 0; j < vectors; j += 4) {
      const v = v128.load(row + ((<usize>j) << 2));
      sums = f64x2.add(sums, f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(highHalf(v))));
    }
    let sum = f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1);
    for (let j = vectors; j < n; j++) sum += <f64>load<f32>(row + ((<usize>j) << 2));
    const mu = sum / n;
    const mu2 = f64x2.splat(mu);
    let squares2 = f64x2.splat(0);
    for (let j = 0; j < vectors; j += 4) {
      const v = v128.load(row + ((<usize>j) << 2));
      const d0 = f64x2.sub(f64x2.promote_low_f32x4(v), mu2);
      const d1 = f64x2.sub(f64x2.promote_low_f32x4(highHalf(v)), mu2);
      squares2 = f64x2.add(squares2, f64x2.add(f64x2.mul(d0, d0), f64x2.mul(d1, d1)));
    }
    let squares = f64x2.extract_lane(squares2, 0) + f64x2.extract_lane(squares2, 1);
    for (let j = vectors; j < n; j++) {
      const d = <f64>load<f32>(row + ((<usize>j) << 2)) - mu;
      squares += d * d;
    }
    const inv = 1 / Math.sqrt(squares / n + epsilon);
    store<f32>(mean + ((<usize>r) << 2), <f32>mu);
    store<f32>(rstd + ((<usize>r) << 2), <f32>inv);
    // μ as a float32 pair (hi + lo): x − hi is exact for x near μ, so x − μ keeps the
    // double-precision mean's accuracy when the row's values sit far from 0.
    const hi = <f32>mu;
    const lo = <f32>(mu - <f64>hi);
    const mv = f32x4.splat(hi);
    const lv = f32x4.splat(lo);
    const iv = f32x4.splat(<f32>inv);
    for (let j = 0; j < vectors; j += 4) {
      const at = (<usize>j) << 2;
      const xhat = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(row + at), mv), lv), iv);
      v128.store(dst + at, f32x4.add(f32x4.mul(xhat, v128.load(gamma + at)), v128.load(beta + at)));
    }
    for (let j = vectors; j < n; j++) {
      const at = (<usize>j) << 2;
      const xhat = (load<f32>(row + at) - hi - lo) * <f32>inv;
      store<f32>(dst + at, xhat * load<f32>(gamma + at) + load<f32>(beta + at));
    }
  }
}

/** The sum of a vector's four lanes. */
function lanes(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)
  );
}

/**
 * From g and the forward's μ and r, with x̂ = (x − μ)·r and ĝ = g·γ:
 * dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) per row, dγ = Σ_rows g·x̂, dβ = Σ_rows g.
 * A gradient pointer of 0 is not computed.
 */
export function layerNormBackward(
  x: usize,
  gamma: usize,
  g: usize,
  mean: usize,
  rstd: usize,
  rows: i32,
  n: i32,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
): void {
  const vectors = n & ~3;
  const rowBytes = (<usize>n) << 2;
  if (dgamma) memory.fill(dgamma, 0, rowBytes);
  if (dbeta) memory.fill(dbeta, 0, rowBytes);
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * rowBytes;
    const mu = load<f32>(mean + ((<usize>r) << 2));
    const inv = load<f32>(rstd + ((<usize>r) << 2));
    const mv = f32x4.splat(mu);
    const iv = f32x4.splat(inv);
    let sumG = f32x4.splat(0);
    let sumGX = f32x4.splat(0);
    for (let j = 0; j < vectors; j += 4) {
      const at = (<usize>j) << 2;
      const xhat = f32x4.mul(f32x4.sub(v128.load(x + offset + at), mv), iv);
      const gj = v128.load(g + offset + at);
      const gh = f32x4.mul(gj, v128.load(gamma + at));
      sumG = f32x4.add(sumG, gh);
      sumGX = f32x4.add(sumGX, f32x4.mul(gh, xhat));
      if (dgamma) v128.store(dgamma + at, f32x4.add(v128.load(dgamma + at), f32x4.mul(gj, xhat)));
      if (dbeta) v128.store(dbeta + at, f32x4.add(v128.load(dbeta + at), gj));
    }
    let totalG = lanes(sumG);
    let totalGX = lanes(sumGX);
    for (let j = vectors; j < n; j++) {
      const at = (<usize>j) << 2;
      const xhat = (load<f32>(x + offset + at) - mu) * inv;
      const gj = load<f32>(g + offset + at);
      const gh = gj * load<f32>(gamma + at);
      totalG += gh;
      totalGX += gh * xhat;
      if (dgamma) store<f32>(dgamma + at, load<f32>(dgamma + at) + gj * xhat);
      if (dbeta) store<f32>(dbeta + at, load<f32>(dbeta + at) + gj);
    }
    if (!dx) continue;
    const meanG = totalG / <f32>n;
    const meanGX = totalGX / <f32>n;
    const mg = f32x4.splat(meanG);
    const mgx = f32x4.splat(meanGX);
    for (let j = 0; j < vectors; j += 4) {
      const at = (<usize>j) << 2;
      const xhat = f32x4.mul(f32x4.sub(v128.load(x + offset + at), mv), iv);
      const gh = f32x4.mul(v128.load(g + offset + at), v128.load(gamma + at));
      v128.store(dx + offset + at, f32x4.mul(iv, f32x4.sub(f32x4.sub(gh, mg), f32x4.mul(xhat, mgx))));
    }
    for (let j = vectors; j < n; j++) {
      const at = (<usize>j) << 2;
      const xhat = (load<f32>(x + offset + at) - mu) * inv;
      const gh = load<f32>(g + offset + at) * load<f32>(gamma + at);
      store<f32>(dx + offset + at, inv * (gh - meanG - xhat * meanGX));
    }
  }
}
