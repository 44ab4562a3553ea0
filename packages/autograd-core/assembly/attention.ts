/**
 * Fused scaled dot-product attention in single precision, all heads in one call (the
 * TypeScript kernels in src/kernels/attention.ts are the reference). Operands are
 * [batch, T, heads, width] row-major, so head h of sample b is a strided matrix (row
 * stride heads·width): heads = 1 is the [batch·heads, T, width] layout. The products run
 * on gemm; each head's probabilities [tq, tk] are kept in `probs` ([batch, heads, tq, tk]).
 * The sizes come in an AttentionShape block at `shape`.
 * Causal masking only (query i sees key j ≤ i + tk − tq); other masks and dropout use
 * the TypeScript kernels. Under the causal mask the products run on blocks of ROW_BLOCK
 * queries (and keys) and stop at the last key (query) any of them pairs with: with tq = tk
 * they skip about 40 % of the multiply-adds, the probabilities' zero upper triangle.
 */
import { MR, gemm } from './gemm';
import { exp4 } from './exp';

/** The sizes of one call, as the caller writes them (8 consecutive 32-bit fields). */
@unmanaged
export class AttentionShape {
  batch: i32;
  heads: i32;
  tq: i32;
  tk: i32;
  d: i32;
  dv: i32;
  scale: f32;
  causal: i32;
}

/** Keys query row i may attend. */
function visibleKeys(i: i32, tq: i32, tk: i32, causal: bool): i32 {
  return causal ? min(tk, max(0, i + tk - tq + 1)) : tk;
}

/** The first query that attends key j < tk. */
function firstQuery(j: i32, tq: i32, tk: i32, causal: bool): i32 {
  return causal ? max(0, j - tk + tq) : 0;
}

/** Queries (or keys) per block of a causal product: three of the gemm's MR-row tiles. */
const ROW_BLOCK: i32 = 3 * MR;

/** Rows per block: ROW_BLOCK under the causal mask, else all of them in one block. */
function blockRows(rows: i32, causal: bool): i32 {
  return causal ? ROW_BLOCK : rows;
}

/** Sets `count` floats from `at` to zero. */
function zeroFloats(at: usize, count: i32): void {
  memory.fill(at, 0, (<usize>count) << 2);
}

/** Row of scores → softmax(scale·s) over the first `visible` entries, zeros after; all zeros if none. */
function softmaxRow(row: usize, tk: i32, visible: i32, scale: f32): void {
  const sv = f32x4.splat(scale);
  let mv = f32x4.splat(-Infinity);
  let j = 0;
  for (; j + 4 <= visible; j += 4) mv = f32x4.max(mv, f32x4.mul(v128.load(row + ((<usize>j) << 2)), sv));
  let m = max(
    max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
    max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)),
  );
  for (; j < visible; j++) m = max(m, load<f32>(row + ((<usize>j) << 2)) * scale);
  if (m == -Infinity) visible = 0;
  mv = f32x4.splat(m);
  let sums = f32x4.splat(0);
  j = 0;
  for (; j + 4 <= visible; j += 4) {
    const at = row + ((<usize>j) << 2);
    const e = exp4(f32x4.sub(f32x4.mul(v128.load(at), sv), mv));
    v128.store(at, e);
    sums = f32x4.add(sums, e);
  }
  let total: f32 =
    f32x4.extract_lane(sums, 0) +
    f32x4.extract_lane(sums, 1) +
    f32x4.extract_lane(sums, 2) +
    f32x4.extract_lane(sums, 3);
  for (; j < visible; j++) {
    const at = row + ((<usize>j) << 2);
    const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(at) * scale - m)), 0);
    store<f32>(at, e);
    total += e;
  }
  const inv: f32 = 1 / total;
  const iv = f32x4.splat(inv);
  for (j = 0; j + 4 <= visible; j += 4) {
    const at = row + ((<usize>j) << 2);
    v128.store(at, f32x4.mul(v128.load(at), iv));
  }
  for (; j < visible; j++) {
    const at = row + ((<usize>j) << 2);
    store<f32>(at, load<f32>(at) * inv);
  }
  zeroFloats(row + ((<usize>visible) << 2), tk - visible);
}

/** Byte address of row 0 of head h of sample b in a [batch, steps, heads, width] array. */
function headStart(base: usize, b: i32, h: i32, steps: i32, heads: i32, width: i32): usize {
  return base + ((<usize>((b * steps * heads + h) * width)) << 2);
}

/** out = softmax(scale·Q·Kᵀ, causal)·V per head; probs receives the probabilities. */
export function attentionForward(
  q: usize,
  k: usize,
  v: usize,
  out: usize,
  probs: usize,
  shape: usize,
  work: usize,
): void {
  const g = changetype<AttentionShape>(shape);
  const tq = g.tq;
  const tk = g.tk;
  const causal = g.causal != 0;
  const ldk = g.heads * g.d;
  const ldv = g.heads * g.dv;
  const step = blockRows(tq, causal);
  for (let b = 0; b < g.batch; b++) {
    for (let h = 0; h < g.heads; h++) {
      const p = probs + ((<usize>((b * g.heads + h) * tq * tk)) << 2);
      const qh = headStart(q, b, h, tq, g.heads, g.d);
      const kh = headStart(k, b, h, tk, g.heads, g.d);
      const vh = headStart(v, b, h, tk, g.heads, g.dv);
      const oh = headStart(out, b, h, tq, g.heads, g.dv);
      for (let i0 = 0; i0 < tq; i0 += step) {
        const rows = min(step, tq - i0);
        // The block's last query sees the most keys; scores past them are never read. (The
        // gemm writes nothing for no keys, and zeros for a depth of none.)
        const keys = visibleKeys(i0 + rows - 1, tq, tk, causal);
        const pRows = p + ((<usize>(i0 * tk)) << 2);
        gemm(false, true, rows, keys, g.d, qh + ((<usize>(i0 * ldk)) << 2), ldk, kh, ldk, pRows, tk, work);
        for (let i = i0; i < i0 + rows; i++) {
          softmaxRow(p + ((<usize>(i * tk)) << 2), tk, visibleKeys(i, tq, tk, causal), g.scale);
        }
        gemm(false, false, rows, g.dv, keys, pRows, tk, vh, ldv, oh + ((<usize>(i0 * ldv)) << 2), ldv, work);
      }
    }
  }
}

/**
 * dP (in `ds`, its first `visible` entries) → dS = scale·P ⊙ (dP − rowsum(P ⊙ dP)), with
 * zeros past `visible` (where P is 0).
 */
function softmaxBackwardRow(ds: usize, p: usize, tk: i32, visible: i32, scale: f32): void {
  let dots = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= visible; j += 4) {
    const at = (<usize>j) << 2;
    dots = f32x4.add(dots, f32x4.mul(v128.load(ds + at), v128.load(p + at)));
  }
  let dot: f32 =
    f32x4.extract_lane(dots, 0) +
    f32x4.extract_lane(dots, 1) +
    f32x4.extract_lane(dots, 2) +
    f32x4.extract_lane(dots, 3);
  for (; j < visible; j++) dot += load<f32>(ds + ((<usize>j) << 2)) * load<f32>(p + ((<usize>j) << 2));
  const sv = f32x4.splat(scale);
  const dv = f32x4.splat(dot);
  for (j = 0; j + 4 <= visible; j += 4) {
    const at = (<usize>j) << 2;
    v128.store(ds + at, f32x4.mul(f32x4.mul(sv, v128.load(p + at)), f32x4.sub(v128.load(ds + at), dv)));
  }
  for (; j < visible; j++) {
    const at = (<usize>j) << 2;
    store<f32>(ds + at, scale * load<f32>(p + at) * (load<f32>(ds + at) - dot));
  }
  zeroFloats(ds + ((<usize>visible) << 2), tk - visible);
}

/**
 * out[j, :] = Σ_i A[i, j]·X[i, :] over the tq×tk block A (row stride tk), X and out (row stride
 * ld), for the keys j in blocks of `step`, each from its first query on (the earlier ones
 * see none of the block's keys: A is 0 there): dV = Pᵀ·dO and dK = dSᵀ·Q.
 */
function keysTimes(
  a: usize,
  x: usize,
  width: i32,
  ld: i32,
  out: usize,
  g: AttentionShape,
  step: i32,
  work: usize,
): void {
  const causal = g.causal != 0;
  for (let j0 = 0; j0 < g.tk; j0 += step) {
    const q0 = firstQuery(j0, g.tq, g.tk, causal);
    const at = a + ((<usize>(q0 * g.tk + j0)) << 2);
    const rows = out + ((<usize>(j0 * ld)) << 2);
    gemm(
      true,
      false,
      min(step, g.tk - j0),
      width,
      g.tq - q0,
      at,
      g.tk,
      x + ((<usize>(q0 * ld)) << 2),
      ld,
      rows,
      ld,
      work,
    );
  }
}

/**
 * From dO and the forward's probabilities P: dV = Pᵀ·dO, dP = dO·Vᵀ,
 * dS = scale·P ⊙ (dP − rowsum(P ⊙ dP)), dQ = dS·K, dK = dSᵀ·Q. A gradient pointer of 0
 * is not computed; `scratch` holds one head's [tq, tk] block. Under the causal mask dQ
 * and dP run on blocks of queries up to their last key, dV and dK on blocks of keys from
 * their first query.
 */
export function attentionBackward(
  q: usize,
  k: usize,
  v: usize,
  dout: usize,
  probs: usize,
  scratch: usize,
  dq: usize,
  dk: usize,
  dvOut: usize,
  shape: usize,
  work: usize,
): void {
  const g = changetype<AttentionShape>(shape);
  const tq = g.tq;
  const tk = g.tk;
  const causal = g.causal != 0;
  const ldk = g.heads * g.d;
  const ldv = g.heads * g.dv;
  const queryStep = blockRows(tq, causal);
  const keyStep = blockRows(tk, causal);
  for (let b = 0; b < g.batch; b++) {
    for (let h = 0; h < g.heads; h++) {
      const p = probs + ((<usize>((b * g.heads + h) * tq * tk)) << 2);
      const qh = headStart(q, b, h, tq, g.heads, g.d);
      const kh = headStart(k, b, h, tk, g.heads, g.d);
      const vh = headStart(v, b, h, tk, g.heads, g.dv);
      const doh = headStart(dout, b, h, tq, g.heads, g.dv);
      if (dvOut != 0)
        keysTimes(p, doh, g.dv, ldv, headStart(dvOut, b, h, tk, g.heads, g.dv), g, keyStep, work);
      if (dq == 0 && dk == 0) continue;
      for (let i0 = 0; i0 < tq; i0 += queryStep) {
        const rows = min(queryStep, tq - i0);
        const keys = visibleKeys(i0 + rows - 1, tq, tk, causal);
        const sRows = scratch + ((<usize>(i0 * tk)) << 2);
        gemm(false, true, rows, keys, g.dv, doh + ((<usize>(i0 * ldv)) << 2), ldv, vh, ldv, sRows, tk, work);
        for (let i = i0; i < i0 + rows; i++) {
          const at = (<usize>(i * tk)) << 2;
          softmaxBackwardRow(scratch + at, p + at, tk, visibleKeys(i, tq, tk, causal), g.scale);
        }
        if (dq != 0) {
          const out = headStart(dq, b, h, tq, g.heads, g.d) + ((<usize>(i0 * ldk)) << 2);
          gemm(false, false, rows, g.d, keys, sRows, tk, kh, ldk, out, ldk, work);
        }
      }
      if (dk != 0) keysTimes(scratch, qh, g.d, ldk, headStart(dk, b, h, tk, g.heads, g.d), g, keyStep, work);
    }
  }
}
