/**
 * Fused scaled dot-product attention kernels on typed arrays. For each of `batch`
 * independent heads: S = scale·Q·Kᵀ (masked), P = softmax(S) row by row, O = (P ⊙ D)·V,
 * with D the dropout multipliers (absent without dropout). The products run on the
 * backend's gemm; the score matrix of one head is the only intermediate and is kept
 * (it holds P afterwards) because the backward pass needs it.
 */
import type { TypedArray } from '../dtype';
import type { GemmKernel } from './matmul';
import { permuteKernel } from './layout';

/** The sizes and options of one attention call. */
export interface AttentionGeometry {
  /** Number of independent heads (the product of the leading axes). */
  batch: number;
  /** Query steps, key steps, query/key width, value width. */
  tq: number;
  tk: number;
  d: number;
  dv: number;
  scale: number;
  /** Query i sees key j only when j ≤ i + (tk − tq) (aligned at the end, as with a cache). */
  causal: boolean;
  /** 1 where query i may attend key j, per head ([batch, tq, tk]); null: everywhere. */
  keep: Uint8Array | null;
  /**
   * Heads last: operands are [batch / heads, T, heads, width] (the layout of a projection
   * reshaped into heads) instead of [batch, T, width]; probabilities stay [batch, tq, tk]
   * in (sample, head) order. Absent: heads first.
   */
  heads?: number;
}

/** [n, T, heads, w] ↔ [n, heads, T, w] (the same permutation both ways). */
function swapHeads(
  x: TypedArray,
  n: number,
  steps: number,
  heads: number,
  width: number,
  toHeadsFirst: boolean,
) {
  const out = new (x.constructor as new (n: number) => TypedArray)(x.length);
  const shape = toHeadsFirst ? [n, steps, heads, width] : [n, heads, steps, width];
  permuteKernel(x, shape, [0, 2, 1, 3], out);
  return out;
}

/** Whether query row `i` of head `h` may attend key `j`. */
export function attends(g: AttentionGeometry, h: number, i: number, j: number): boolean {
  if (g.causal && j > i + g.tk - g.tq) return false;
  return g.keep === null || g.keep[(h * g.tq + i) * g.tk + j] !== 0;
}

/**
 * Scales, masks and normalises the rows of head `h`'s scores in place. A masked entry
 * gets probability 0; a row with nothing to attend is all zeros (its output is zero).
 */
function softmaxRows(s: TypedArray, g: AttentionGeometry, h: number): void {
  const { tq, tk, scale, keep } = g;
  for (let i = 0; i < tq; i++) {
    const row = (h * tq + i) * tk;
    const visible = g.causal ? Math.min(tk, Math.max(0, i + tk - tq + 1)) : tk;
    let m = -Infinity;
    for (let j = 0; j < visible; j++) {
      if (keep !== null && keep[row + j] === 0) continue;
      const v = s[row + j] * scale;
      if (v > m) m = v;
    }
    if (m === -Infinity) {
      s.fill(0, row, row + tk);
      continue;
    }
    let total = 0;
    for (let j = 0; j < visible; j++) {
      if (keep !== null && keep[row + j] === 0) {
        s[row + j] = 0;
        continue;
      }
      const e = Math.exp(s[row + j] * scale - m);
      s[row + j] = e;
      total += e;
    }
    const inv = 1 / total;
    for (let j = 0; j < visible; j++) s[row + j] *= inv;
    for (let j = visible; j < tk; j++) s[row + j] = 0;
  }
}

/**
 * Forward pass: fills `probs` ([batch, tq, tk], the softmax probabilities) and `out`
 * ([batch, tq, dv]). `drop` ([batch, tq, tk] multipliers) applies dropout to the
 * probabilities before the product with V; `dropped` receives P ⊙ D (scratch, same size).
 */
export function attentionForward(
  gemm: GemmKernel,
  q: TypedArray,
  k: TypedArray,
  v: TypedArray,
  g: AttentionGeometry,
  probs: TypedArray,
  out: TypedArray,
  drop: TypedArray | null,
  dropped: TypedArray | null,
): void {
  if (g.heads) {
    // The reference runs heads first: transpose in, compute, transpose the output back.
    const n = g.batch / g.heads;
    const [qf, kf, vf] = [q, k, v].map((x, i) =>
      swapHeads(x, n, i ? g.tk : g.tq, g.heads!, i < 2 ? g.d : g.dv, true),
    );
    const outFirst = new (out.constructor as new (n: number) => TypedArray)(out.length);
    attentionForward(gemm, qf, kf, vf, { ...g, heads: undefined }, probs, outFirst, drop, dropped);
    out.set(swapHeads(outFirst, n, g.tq, g.heads, g.dv, false));
    return;
  }
  const { batch, tq, tk, d, dv } = g;
  for (let h = 0; h < batch; h++) {
    const sOffset = h * tq * tk;
    gemm(false, true, tq, tk, d, q, h * tq * d, k, h * tk * d, probs, sOffset);
    softmaxRows(probs, g, h);
    let p = probs;
    if (drop !== null && dropped !== null) {
      for (let i = sOffset; i < sOffset + tq * tk; i++) dropped[i] = probs[i] * drop[i];
      p = dropped;
    }
    gemm(false, false, tq, dv, tk, p, sOffset, v, h * tk * dv, out, h * tq * dv);
  }
}

/** Which gradients `attentionBackward` computes (null: not wanted). */
export interface AttentionGradients {
  dq: TypedArray | null;
  dk: TypedArray | null;
  dv: TypedArray | null;
}

/**
 * Backward pass from the output gradient `dout` ([batch, tq, dv]), given the forward's
 * `probs` (and `dropped` = P ⊙ D when dropout ran):
 * dV = (P⊙D)ᵀ·dO, dP = (dO·Vᵀ) ⊙ D, dS = scale · P ⊙ (dP − rowsum(P ⊙ dP)),
 * dQ = dS·K, dK = dSᵀ·Q. `scratch` holds one head's [tq, tk] block.
 */
export function attentionBackward(
  gemm: GemmKernel,
  q: TypedArray,
  k: TypedArray,
  v: TypedArray,
  dout: TypedArray,
  g: AttentionGeometry,
  probs: TypedArray,
  drop: TypedArray | null,
  dropped: TypedArray | null,
  scratch: TypedArray,
  grads: AttentionGradients,
): void {
  if (g.heads) {
    const n = g.batch / g.heads;
    const first = (x: TypedArray, steps: number, width: number) =>
      swapHeads(x, n, steps, g.heads!, width, true);
    const wanted = (x: TypedArray | null) =>
      x ? new (x.constructor as new (n: number) => TypedArray)(x.length) : null;
    const firstGrads = { dq: wanted(grads.dq), dk: wanted(grads.dk), dv: wanted(grads.dv) };
    const args = [
      first(q, g.tq, g.d),
      first(k, g.tk, g.d),
      first(v, g.tk, g.dv),
      first(dout, g.tq, g.dv),
    ] as const;
    attentionBackward(gemm, ...args, { ...g, heads: undefined }, probs, drop, dropped, scratch, firstGrads);
    const back = (from: TypedArray | null, to: TypedArray | null, steps: number, width: number) => {
      if (from && to) to.set(swapHeads(from, n, steps, g.heads!, width, false));
    };
    back(firstGrads.dq, grads.dq, g.tq, g.d);
    back(firstGrads.dk, grads.dk, g.tk, g.d);
    back(firstGrads.dv, grads.dv, g.tk, g.dv);
    return;
  }
  const { batch, tq, tk, d, dv, scale } = g;
  for (let h = 0; h < batch; h++) {
    const sOffset = h * tq * tk;
    if (grads.dv) {
      const p = dropped ?? probs;
      gemm(true, false, tk, dv, tq, p, sOffset, dout, h * tq * dv, grads.dv, h * tk * dv);
    }
    if (!grads.dq && !grads.dk) continue;
    gemm(false, true, tq, tk, dv, dout, h * tq * dv, v, h * tk * dv, scratch, 0);
    for (let i = 0; i < tq; i++) {
      const row = i * tk;
      const pRow = sOffset + row;
      let dot = 0;
      for (let j = 0; j < tk; j++) {
        const dp = drop !== null ? scratch[row + j] * drop[pRow + j] : scratch[row + j];
        scratch[row + j] = dp;
        dot += dp * probs[pRow + j];
      }
      for (let j = 0; j < tk; j++) scratch[row + j] = scale * probs[pRow + j] * (scratch[row + j] - dot);
    }
    if (grads.dq) gemm(false, false, tq, d, tk, scratch, 0, k, h * tk * d, grads.dq, h * tq * d);
    if (grads.dk) gemm(true, false, tk, d, tq, scratch, 0, q, h * tq * d, grads.dk, h * tk * d);
  }
}
