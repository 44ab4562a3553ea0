/**
 * A convolution layer's bias and activation on data already in wasm memory: the
 * forward epilogue act(z + bias) in place, and the backward prologue g·act'(z + bias),
 * written from the layer's output y, with the bias gradient Σ g·act' over the rows.
 * Data is `rows` rows of F channels; bias and db hold F floats.
 * Activation codes: 0 linear, 1 relu, 2 sigmoid, 3 tanh (the forward takes 0 and 1).
 */

/** out[r, c] = act(out[r, c] + bias[c]) for act 0 (linear) or 1 (relu; NaN propagates, −0 gives +0). */
export function biasActivate(out: usize, rows: i32, F: i32, bias: usize, act: i32): void {
  const relu = act == 1;
  const rowBytes = (<usize>F) << 2;
  if ((F & 3) == 0) {
    const zero = f32x4.splat(0);
    for (let r = 0; r < rows; r++) {
      const row = out + <usize>r * rowBytes;
      for (let c = 0; c < F; c += 4) {
        const at = row + ((<usize>c) << 2);
        let v = f32x4.add(v128.load(at), v128.load(bias + ((<usize>c) << 2)));
        if (relu) v = f32x4.max(v, zero);
        v128.store(at, v);
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = out + <usize>r * rowBytes;
    for (let c = 0; c < F; c++) {
      const at = row + ((<usize>c) << 2);
      let v = load<f32>(at) + load<f32>(bias + ((<usize>c) << 2));
      if (relu) v = max<f32>(v, 0);
      store<f32>(at, v);
    }
  }
}

/** act'(z + bias) from the output y = act(z + bias), four lanes at a time. */
function derivative(y: v128, act: i32): v128 {
  const one = f32x4.splat(1);
  if (act == 1) return v128.and(f32x4.gt(y, f32x4.splat(0)), one); // [y > 0] as 1 or 0
  if (act == 2) return f32x4.mul(y, f32x4.sub(one, y)); // σ' = σ(1 − σ)
  if (act == 3) return f32x4.sub(one, f32x4.mul(y, y)); // tanh' = 1 − tanh²
  return one;
}

function derivativeScalar(y: f32, act: i32): f32 {
  if (act == 1) return y > 0 ? 1 : 0;
  if (act == 2) return y * (1 - y);
  if (act == 3) return 1 - y * y;
  return 1;
}

/**
 * g[r, c] ← g[r, c]·act'(y[r, c]) in place, and (when db is not 0) db[c] = Σ_r of the
 * result. Multiplying by the 0/1 ReLU mask keeps a NaN or ∞ in g visible, as the
 * TypeScript kernel's g·[y > 0].
 */
export function activationGradBiasSum(g: usize, y: usize, rows: i32, F: i32, act: i32, db: usize): void {
  const rowBytes = (<usize>F) << 2;
  if (db) memory.fill(db, 0, rowBytes);
  if ((F & 3) == 0) {
    for (let r = 0; r < rows; r++) {
      const offset = <usize>r * rowBytes;
      for (let c = 0; c < F; c += 4) {
        const at = offset + ((<usize>c) << 2);
        const v = f32x4.mul(v128.load(g + at), derivative(v128.load(y + at), act));
        v128.store(g + at, v);
        if (db) {
          const d = db + ((<usize>c) << 2);
          v128.store(d, f32x4.add(v128.load(d), v));
        }
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * rowBytes;
    for (let c = 0; c < F; c++) {
      const at = offset + ((<usize>c) << 2);
      const v = load<f32>(g + at) * derivativeScalar(load<f32>(y + at), act);
      store<f32>(g + at, v);
      if (db) {
        const d = db + ((<usize>c) << 2);
        store<f32>(d, load<f32>(d) + v);
      }
    }
  }
}

/**
 * The gradient of a max pool over the layer's output, gated, scattered back:
 * dz = 0 (zCount floats), then for each pooled value i (channel i mod F)
 * v = gp[i]·act'(p[i]), dz[argmax[i] − zFirst] += v and db[channel] += v (db when not 0).
 * The pooled value p[i] is the output at argmax[i], so the gate needs no full-size
 * output. A block of images passes the flat index of its first output value as zFirst.
 */
export function poolGradScatter(
  gp: usize,
  p: usize,
  argmax: usize,
  count: i32,
  F: i32,
  act: i32,
  dz: usize,
  zCount: i32,
  db: usize,
  zFirst: i32,
): void {
  memory.fill(dz, 0, (<usize>zCount) << 2);
  if (db) memory.fill(db, 0, (<usize>F) << 2);
  let c = 0;
  if ((F & 3) == 0) {
    // Four channels at a time: the gate and the bias sums in SIMD, the scatter lane by lane.
    for (let i = 0; i < count; i += 4) {
      const at = (<usize>i) << 2;
      const v = f32x4.mul(v128.load(gp + at), derivative(v128.load(p + at), act));
      const index = v128.load(argmax + at);
      scatterAdd(dz, i32x4.extract_lane(index, 0) - zFirst, f32x4.extract_lane(v, 0));
      scatterAdd(dz, i32x4.extract_lane(index, 1) - zFirst, f32x4.extract_lane(v, 1));
      scatterAdd(dz, i32x4.extract_lane(index, 2) - zFirst, f32x4.extract_lane(v, 2));
      scatterAdd(dz, i32x4.extract_lane(index, 3) - zFirst, f32x4.extract_lane(v, 3));
      if (db) {
        const b = db + ((<usize>c) << 2);
        v128.store(b, f32x4.add(v128.load(b), v));
        c += 4;
        if (c == F) c = 0;
      }
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    const at = (<usize>i) << 2;
    const v = load<f32>(gp + at) * derivativeScalar(load<f32>(p + at), act);
    const d = dz + ((<usize>(load<i32>(argmax + at) - zFirst)) << 2);
    store<f32>(d, load<f32>(d) + v);
    if (db) {
      const b = db + ((<usize>c) << 2);
      store<f32>(b, load<f32>(b) + v);
    }
    if (++c == F) c = 0;
  }
}

/** dz[index] += v. */
function scatterAdd(dz: usize, index: i32, v: f32): void {
  const d = dz + ((<usize>index) << 2);
  store<f32>(d, load<f32>(d) + v);
}
