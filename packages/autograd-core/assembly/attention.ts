/**
 * Fused scaled dot-product attention in single precision, all heads in one call (the
 * TypeScript kernels in src/kernels/attention.ts are the reference). Operands are
 * [batch, T, heads, width] row-major, so head h of sample b is a strided matrix (row
 * stride heads·width): heads = 1 is the [batch·heads, T, width] layout. The products run
 * on gemm; each head's probabilities [tq, tk] are kept in `probs` ([batch, heads, tq, tk]).
 * The sizes come in an AttentionShape block at `shape`.
 * Causal masking only (query i sees key j ≤ i + tk − tq); other masks and dropout use
 * the TypeScript kernels.
 */
import { gemm } from './gemm';
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

/** Row of scores → softmax(scale·s) over the first `visible` entries, zeros after; all zeros if none. */
function softmaxRow(row: usize, tk: i32, visible: i32, scale: f32): void {
  let m: f32 = -Infinity;
  for (let j = 0; j < visible; j++) m = max(m, load<f32>(row + ((<usize>j) << 2)) * scale);
  if (m == -Infinity) visible = 0;
  const sv = f32x4.splat(scale);
  const mv = f32x4.splat(m);
  let sums = f32x4.splat(0);
  let j = 0;
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
  for (j = 0; j < visible; j++) {
    const at = row + ((<usize>j) << 2);
    store<f32>(at, load<f32>(at) * inv);
  }
  for (j = visible; j < tk; j++) store<f32>(row + ((<usize>j) << 2), 0);
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
  const ldk = g.heads * g.d;
  const ldv = g.heads * g.dv;
  for (let b = 0; b < g.batch; b++) {
    for (let h = 0; h < g.heads; h++) {
      const p = probs + ((<usize>((b * g.heads + h) * g.tq * g.tk)) << 2);
      const qh = headStart(q, b, h, g.tq, g.heads, g.d);
      gemm(false, true, g.tq, g.tk, g.d, qh, ldk, headStart(k, b, h, g.tk, g.heads, g.d), ldk, p, g.tk, work);
      for (let i = 0; i < g.tq; i++) {
        softmaxRow(p + ((<usize>(i * g.tk)) << 2), g.tk, visibleKeys(i, g.tq, g.tk, g.causal != 0), g.scale);
      }
      const vh = headStart(v, b, h, g.tk, g.heads, g.dv);
      gemm(
        false,
        false,
        g.tq,
        g.dv,
        g.tk,
        p,
        g.tk,
        vh,
        ldv,
        headStart(out, b, h, g.tq, g.heads, g.dv),
        ldv,
        work,
      );
    }
  }
}

/** dP (in `ds`) → dS = scale·P ⊙ (dP − rowsum(P ⊙ dP)), row by row. */
function softmaxBackwardRows(ds: usize, p: usize, tq: i32, tk: i32, scale: f32): void {
  for (let i = 0; i < tq; i++) {
    const sRow = ds + ((<usize>(i * tk)) << 2);
    const pRow = p + ((<usize>(i * tk)) << 2);
    let dot: f32 = 0;
    for (let j = 0; j < tk; j++)
      dot += load<f32>(sRow + ((<usize>j) << 2)) * load<f32>(pRow + ((<usize>j) << 2));
    for (let j = 0; j < tk; j++) {
      const at = (<usize>j) << 2;
      store<f32>(sRow + at, scale * load<f32>(pRow + at) * (load<f32>(sRow + at) - dot));
    }
  }
}

/**
 * From dO and the forward's probabilities P: dV = Pᵀ·dO, dP = dO·Vᵀ,
 * dS = scale·P ⊙ (dP − rowsum(P ⊙ dP)), dQ = dS·K, dK = dSᵀ·Q. A gradient pointer of 0
 * is not computed; `scratch` holds one head's [tq, tk] block.
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
  const ldk = g.heads * g.d;
  const ldv = g.heads * g.dv;
  for (let b = 0; b < g.batch; b++) {
    for (let h = 0; h < g.heads; h++) {
      const p = probs + ((<usize>((b * g.heads + h) * tq * tk)) << 2);
      const doh = headStart(dout, b, h, tq, g.heads, g.dv);
      if (dvOut != 0) {
        const dvh = headStart(dvOut, b, h, tk, g.heads, g.dv);
        gemm(true, false, tk, g.dv, tq, p, tk, doh, ldv, dvh, ldv, work);
      }
      if (dq == 0 && dk == 0) continue;
      gemm(
        false,
        true,
        tq,
        tk,
        g.dv,
        doh,
        ldv,
        headStart(v, b, h, tk, g.heads, g.dv),
        ldv,
        scratch,
        tk,
        work,
      );
      softmaxBackwardRows(scratch, p, tq, tk, g.scale);
      if (dq != 0) {
        const kh = headStart(k, b, h, tk, g.heads, g.d);
        gemm(
          false,
          false,
          tq,
          g.d,
          tk,
          scratch,
          tk,
          kh,
          ldk,
          headStart(dq, b, h, tq, g.heads, g.d),
          ldk,
          work,
        );
      }
      if (dk != 0) {
        const qh = headStart(q, b, h, tq, g.heads, g.d);
        gemm(
          true,
          false,
          tk,
          g.d,
          tq,
          scratch,
          tk,
          qh,
          ldk,
          headStart(dk, b, h, tk, g.heads, g.d),
          ldk,
          work,
        );
      }
    }
  }
}
