/**
 * Optimiser updates over every parameter in one call, four lanes at a time (the rules
 * of src/kernels/optimizer.ts, the TypeScript reference, in single precision).
 *
 * `table` holds `count` entries of five i32, one f32 and one i32: the byte addresses of the
 * parameter, its gradient, its first and second slot (0 when the rule has none), its length,
 * a factor the rule multiplies the gradient by (gradient clipping by norm; 1 otherwise), and
 * where to copy the gradient as given in the same pass (0: nowhere; a scratch gradient kept
 * past its scope).
 * Rules: 0 adam (a = α, b = β₁, c = 1 − β₁, d = β₂, e = 1 − β₂, f = ε, g = decay), 1 sgd
 * (a = lr, b = momentum, flags bit 0 = Nesterov), 2 rmsprop (a = lr, b = ρ, c = 1 − ρ,
 * d = momentum, e = ε). The complements come from the caller, rounded once from double
 * precision (1 − β rounded to float32, not 1 minus β rounded), as PyTorch's float32 Adam does.
 * With `check` set, every gradient is scanned first; at the first NaN or ±Infinity
 * nothing is updated, its flat index is stored at `where` and its entry is returned.
 * Otherwise returns −1.
 */
import { indexOfNonFinite } from './finite';

const ENTRY_BYTES: usize = 28;

export function optimizerStep(
  rule: i32,
  table: usize,
  count: i32,
  a: f32,
  b: f32,
  c: f32,
  d: f32,
  e: f32,
  f: f32,
  g: f32,
  flags: i32,
  check: i32,
  where: usize,
): i32 {
  if (check) {
    for (let k = 0; k < count; k++) {
      const entry = table + <usize>k * ENTRY_BYTES;
      const bad = indexOfNonFinite(load<u32>(entry, 4), load<i32>(entry, 16));
      if (bad >= 0) {
        store<i32>(where, bad);
        return k;
      }
    }
  }
  for (let k = 0; k < count; k++) {
    const entry = table + <usize>k * ENTRY_BYTES;
    const p = <usize>load<u32>(entry);
    const grad = <usize>load<u32>(entry, 4);
    const s0 = <usize>load<u32>(entry, 8);
    const s1 = <usize>load<u32>(entry, 12);
    const n = load<i32>(entry, 16);
    const scale = load<f32>(entry, 20);
    const keep = <usize>load<u32>(entry, 24);
    if (rule == 0) adam(p, grad, scale, s0, s1, n, a, b, c, d, e, f, g, keep);
    else {
      if (rule == 1) sgd(p, grad, scale, s0, n, a, b, (flags & 1) != 0);
      else rmsprop(p, grad, scale, s0, s1, n, a, b, c, d, e);
      if (keep) memory.copy(keep, grad, (<usize>n) << 2);
    }
  }
  return -1;
}

function adam(
  p: usize,
  g: usize,
  scale: f32,
  m: usize,
  v: usize,
  n: i32,
  alpha: f32,
  b1: f32,
  c1: f32,
  b2: f32,
  c2: f32,
  eps: f32,
  decay: f32,
  keep: usize,
): void {
  const vb1 = f32x4.splat(b1);
  const vc1 = f32x4.splat(c1);
  const vb2 = f32x4.splat(b2);
  const vc2 = f32x4.splat(c2);
  const va = f32x4.splat(alpha);
  const ve = f32x4.splat(eps);
  const vd = f32x4.splat(decay);
  const vs = f32x4.splat(scale);
  const vectors = n & ~3;
  let i = 0;
  for (; i < vectors; i += 4) {
    const o = (<usize>i) << 2;
    const raw = v128.load(g + o);
    if (keep) v128.store(keep + o, raw);
    const gi = f32x4.mul(vs, raw);
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vc1, gi));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(f32x4.mul(vc2, gi), gi));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const pi = f32x4.mul(v128.load(p + o), vd);
    const stepi = f32x4.div(f32x4.mul(va, mi), f32x4.add(f32x4.sqrt(vi), ve));
    v128.store(p + o, f32x4.sub(pi, stepi));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const raw = load<f32>(g + o);
    if (keep) store<f32>(keep + o, raw);
    const gi = scale * raw;
    const mi = b1 * load<f32>(m + o) + c1 * gi;
    const vi = b2 * load<f32>(v + o) + c2 * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) * decay - (alpha * mi) / (sqrt<f32>(vi) + eps));
  }
}

function sgd(p: usize, g: usize, scale: f32, u: usize, n: i32, lr: f32, mu: f32, nesterov: bool): void {
  const vlr = f32x4.splat(lr);
  const vs = f32x4.splat(scale);
  const vmu = f32x4.splat(mu);
  const plain = u == 0 || mu == 0;
  const vectors = n & ~3;
  let i = 0;
  for (; i < vectors; i += 4) {
    const o = (<usize>i) << 2;
    const step = f32x4.mul(vlr, f32x4.mul(vs, v128.load(g + o)));
    const pi = v128.load(p + o);
    if (plain) {
      v128.store(p + o, f32x4.sub(pi, step));
      continue;
    }
    const ui = f32x4.sub(f32x4.mul(vmu, v128.load(u + o)), step);
    v128.store(u + o, ui);
    v128.store(p + o, f32x4.add(pi, nesterov ? f32x4.sub(f32x4.mul(vmu, ui), step) : ui));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const step = lr * (scale * load<f32>(g + o));
    const pi = load<f32>(p + o);
    if (plain) {
      store<f32>(p + o, pi - step);
      continue;
    }
    const ui = mu * load<f32>(u + o) - step;
    store<f32>(u + o, ui);
    store<f32>(p + o, pi + (nesterov ? mu * ui - step : ui));
  }
}

function rmsprop(
  p: usize,
  g: usize,
  scale: f32,
  r: usize,
  u: usize,
  n: i32,
  lr: f32,
  rho: f32,
  c: f32,
  mu: f32,
  eps: f32,
): void {
  const vlr = f32x4.splat(lr);
  const vrho = f32x4.splat(rho);
  const vc = f32x4.splat(c);
  const vmu = f32x4.splat(mu);
  const ve = f32x4.splat(eps);
  const vs = f32x4.splat(scale);
  const withMomentum = u != 0 && mu > 0;
  const vectors = n & ~3;
  let i = 0;
  for (; i < vectors; i += 4) {
    const o = (<usize>i) << 2;
    const gi = f32x4.mul(vs, v128.load(g + o));
    const ri = f32x4.add(f32x4.mul(vrho, v128.load(r + o)), f32x4.mul(f32x4.mul(vc, gi), gi));
    v128.store(r + o, ri);
    let step = f32x4.div(f32x4.mul(vlr, gi), f32x4.add(f32x4.sqrt(ri), ve));
    if (withMomentum) {
      step = f32x4.add(f32x4.mul(vmu, v128.load(u + o)), step);
      v128.store(u + o, step);
    }
    v128.store(p + o, f32x4.sub(v128.load(p + o), step));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const gi = scale * load<f32>(g + o);
    const ri = rho * load<f32>(r + o) + c * gi * gi;
    store<f32>(r + o, ri);
    let step = (lr * gi) / (sqrt<f32>(ri) + eps);
    if (withMomentum) {
      step = mu * load<f32>(u + o) + step;
      store<f32>(u + o, step);
    }
    store<f32>(p + o, load<f32>(p + o) - step);
  }
}
