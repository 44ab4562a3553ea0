/**
 * Scaled dot-product attention as one op: softmax(scale·Q·Kᵀ, masked)·V over
 * [..., T, d] tensors (usually [batch, heads, T, d]), as PyTorch's
 * `F.scaled_dot_product_attention`. The forward pass runs the fused kernel
 * (kernels/attention.ts) and keeps the probabilities; so does the backward pass when it
 * is not recorded. Recorded passes (createGraph, forward mode) use the same rules written
 * with Tensor ops, so gradients of gradients work.
 */
import { type Op, defineOp, isGradEnabled } from '../engine';
import { type DType, allocate, allocateUninitialized, isFloat } from '../dtype';
import { broadcastShapes, formatShape, shapesEqual, sizeOf } from '../shape';
import { Tensor, emptyTensor, outputTensor } from '../tensor';
import { getBackend } from '../backend';
import { random } from '../random';
import { type AttentionGeometry, attends } from '../kernels/attention';
import { expandData, sumTangents } from './util';
import { matmulT } from './matmul';
import { softmax } from './nn';

export interface AttentionOptions {
  /**
   * Which keys each query may attend: broadcastable to [..., Tq, Tk]; nonzero entries
   * attend, zeros are masked out (Keras's `attention_mask` convention).
   */
  mask?: Tensor;
  /** Query i attends key j only when j ≤ i + (Tk − Tq) (the usual causal mask when Tq = Tk). */
  causal?: boolean;
  /** Factor on the scores; default 1/√d. */
  scale?: number;
  /** Dropout rate on the attention probabilities (inverted dropout); default 0. */
  dropout?: number;
  /** Uniform [0, 1) generator for dropout; the global seeded one by default. */
  generator?: () => number;
  /**
   * Operands are [batch, T, heads, d] and the output [batch, Tq, heads, dv] (heads last: a
   * projection reshaped into heads, with no transposes); the mask broadcasts against
   * [batch, heads, Tq, Tk]. Default false: [..., T, d].
   */
  headsLast?: boolean;
}

interface AttentionAttrs {
  geometry: AttentionGeometry;
  /** Dropout multipliers ([batch, tq, tk]), or null. */
  drop: Float64Array | Float32Array | null;
  /** Filled by the forward pass: the probabilities and P ⊙ D. */
  saved: { probs: Float64Array | Float32Array; dropped: Float64Array | Float32Array | null } | null;
}

/** The leading (head) axes and the matrix view [heads, rows, cols] of an operand. */
function headShape(x: Tensor): number[] {
  return x.shape.slice(0, -2);
}

function forward([q, k, v]: readonly Tensor[], attrs: AttentionAttrs): Tensor {
  const g = attrs.geometry;
  const dtype = q.dtype;
  const probs = allocateUninitialized(dtype, g.batch * g.tq * g.tk) as Float64Array | Float32Array;
  const drop = attrs.drop;
  const dropped = drop ? (allocate(dtype, probs.length) as Float64Array | Float32Array) : null;
  const out = outputTensor(
    g.heads ? [q.shape[0], g.tq, g.heads, g.dv] : [...headShape(q), g.tq, g.dv],
    dtype,
  );
  const backend = getBackend();
  backend.attentionForward(backend.gemm, q.data, k.data, v.data, g, probs, out.data, drop, dropped);
  attrs.saved = { probs, dropped };
  return out;
}

/** A [..., tq, tk] tensor of the heads' probabilities, from the forward pass. */
function savedProbs(q: Tensor, attrs: AttentionAttrs): Tensor {
  const g = attrs.geometry;
  return new Tensor(attrs.saved!.probs, [...headShape(q), g.tq, g.tk]);
}

/** The keep mask as 0/1 ([..., tq, tk]) and as an additive bias (0 or −1e30), or null when all attend. */
function maskTensors(q: Tensor, g: AttentionGeometry): { keep: Tensor; bias: Tensor } | null {
  if (!g.causal && g.keep === null) return null;
  const shape = [...headShape(q), g.tq, g.tk];
  const keep = emptyTensor(shape, q.dtype);
  const bias = emptyTensor(shape, q.dtype);
  for (let h = 0, n = 0; h < g.batch; h++) {
    for (let i = 0; i < g.tq; i++) {
      for (let j = 0; j < g.tk; j++, n++) {
        const on = attends(g, h, i, j);
        keep.data[n] = on ? 1 : 0;
        bias.data[n] = on ? 0 : -1e30;
      }
    }
  }
  return { keep, bias };
}

/**
 * The probabilities as a differentiable function of q and k (recorded passes). Masked
 * entries get −1e30 before the softmax (so e^s is exactly 0) and are zeroed after it,
 * which also zeroes rows with nothing to attend, as the kernel does.
 */
function differentiableProbs(q: Tensor, k: Tensor, attrs: AttentionAttrs): Tensor {
  const g = attrs.geometry;
  const scores = matmulT(q, k, false, true).mul(g.scale);
  const masks = maskTensors(q, g);
  if (!masks) return softmax(scores, -1);
  return softmax(scores.add(masks.bias), -1).mul(masks.keep);
}

/** The probabilities a rule needs: recomputed differentiably when the rule is recorded. */
function probsFor(q: Tensor, k: Tensor, attrs: AttentionAttrs, recording: boolean): Tensor {
  return recording ? differentiableProbs(q, k, attrs) : savedProbs(q, attrs);
}

function dropTensor(q: Tensor, attrs: AttentionAttrs): Tensor | null {
  const g = attrs.geometry;
  return attrs.drop ? new Tensor(attrs.drop, [...headShape(q), g.tq, g.tk]) : null;
}

/** dS = scale · P ⊙ (dP − rowsum(P ⊙ dP)): the softmax's Jacobian applied to dP. */
function scoreGradient(p: Tensor, dp: Tensor, scale: number): Tensor {
  return p.mul(dp.sub(dp.mul(p).sum(-1, true))).mul(scale);
}

/** The reverse rule on heads-first operands, written with Tensor ops. */
function vjpRule(
  g: Tensor,
  [q, k, v]: readonly Tensor[],
  attrs: AttentionAttrs,
  needs: readonly boolean[],
  recording: boolean,
): (Tensor | null)[] {
  const p = probsFor(q, k, attrs, recording);
  const d = dropTensor(q, attrs);
  const pd = d ? p.mul(d) : p;
  const dv = needs[2] ? matmulT(pd, g, true, false) : null;
  if (!needs[0] && !needs[1]) return [null, null, dv];
  let dp = matmulT(g, v, false, true);
  if (d) dp = dp.mul(d);
  const ds = scoreGradient(p, dp, attrs.geometry.scale);
  return [needs[0] ? ds.matmul(k) : null, needs[1] ? matmulT(ds, q, true, false) : null, dv];
}

/** The forward-mode rule on heads-first operands. */
function jvpRule(
  [tq, tk, tv]: readonly (Tensor | null)[],
  [q, k, v]: readonly Tensor[],
  attrs: AttentionAttrs,
  recording: boolean,
): Tensor {
  const p = probsFor(q, k, attrs, recording);
  const d = dropTensor(q, attrs);
  const pd = d ? p.mul(d) : p;
  const parts: (Tensor | null)[] = [tv ? pd.matmul(tv) : null];
  if (tq || tk) {
    const ds = sumTangents([
      tq ? matmulT(tq, k, false, true) : null,
      tk ? matmulT(q, tk, false, true) : null,
    ]);
    let dp = scoreGradient(p, ds, attrs.geometry.scale);
    if (d) dp = dp.mul(d);
    parts.push(dp.matmul(v));
  }
  return sumTangents(parts);
}

/** [batch, T, heads, d] ↔ [batch, heads, T, d] (differentiable; its own inverse). */
const swapHeads = (x: Tensor): Tensor => x.permute([0, 2, 1, 3]);
const swapAll = (xs: readonly (Tensor | null)[]) => xs.map((x) => (x ? swapHeads(x) : null));

const attentionOp: Op<AttentionAttrs> = defineOp<AttentionAttrs>({
  name: 'scaledDotProductAttention',
  forward,
  vjp: (g, inputs, _out, attrs, needs) => {
    const recording = isGradEnabled();
    const [q, k, v] = inputs;
    if (!recording && attrs.saved) return fusedVjp(g, q, k, v, attrs, needs);
    // Recorded rules run heads first: heads-last operands are transposed in and back out.
    if (!attrs.geometry.heads) return vjpRule(g, inputs, attrs, needs, recording);
    const first = swapAll(inputs) as Tensor[];
    return swapAll(vjpRule(swapHeads(g), first, attrs, needs, recording));
  },
  jvp: (tangents, inputs, _out, attrs) => {
    const recording = isGradEnabled() && inputs.some((t) => t.requiresGrad);
    if (!attrs.geometry.heads) return jvpRule(tangents, inputs, attrs, recording);
    return swapHeads(jvpRule(swapAll(tangents), swapAll(inputs) as Tensor[], attrs, recording));
  },
});

/** The unrecorded backward pass on the fused kernel. */
function fusedVjp(
  g: Tensor,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  attrs: AttentionAttrs,
  needs: readonly boolean[],
): (Tensor | null)[] {
  const geo = attrs.geometry;
  const dq = needs[0] ? outputTensor(q.shape, q.dtype) : null;
  const dk = needs[1] ? outputTensor(k.shape, k.dtype) : null;
  const dv = needs[2] ? outputTensor(v.shape, v.dtype) : null;
  const grad = g.dtype === q.dtype ? g : g.astype(q.dtype);
  const { probs, dropped } = attrs.saved!;
  const backend = getBackend();
  backend.attentionBackward(
    backend.gemm,
    q.data,
    k.data,
    v.data,
    grad.data,
    geo,
    probs,
    attrs.drop,
    dropped,
    allocate(q.dtype, geo.tq * geo.tk),
    { dq: dq?.data ?? null, dk: dk?.data ?? null, dv: dv?.data ?? null },
  );
  return [dq, dk, dv];
}

/** Checks q, k, v given their heads-first shapes `[qs, ks, vs]` (headsLast: transposed views). */
function checkOperands(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  [qs, ks, vs]: readonly (readonly number[])[],
  headsLast: boolean,
): DType {
  const what = `scaledDotProductAttention: q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)}`;
  if (headsLast && [q, k, v].some((x) => x.ndim !== 4)) {
    throw new Error(`${what}: with headsLast, q, k and v must be [batch, T, heads, d]`);
  }
  if (qs.length < 2 || ks.length !== qs.length || vs.length !== qs.length) {
    throw new Error(`${what}: q, k and v must have the same rank (at least 2: [..., T, d])`);
  }
  if (!shapesEqual(qs.slice(0, -2), ks.slice(0, -2)) || !shapesEqual(qs.slice(0, -2), vs.slice(0, -2))) {
    throw new Error(`${what}: the leading (batch, head) axes must agree`);
  }
  if (qs[qs.length - 1] !== ks[ks.length - 1]) {
    throw new Error(`${what}: q and k must have the same last axis (the key width)`);
  }
  if (ks[ks.length - 2] !== vs[vs.length - 2]) {
    throw new Error(`${what}: k and v must have the same number of steps`);
  }
  if (q.dtype !== k.dtype || q.dtype !== v.dtype || !isFloat(q.dtype)) {
    throw new Error(`${what}: q, k and v must share one float dtype, got ${q.dtype}, ${k.dtype}, ${v.dtype}`);
  }
  return q.dtype;
}

/** The keep mask expanded to one byte per (head, query, key). */
function expandMask(mask: Tensor, fullShape: number[]): Uint8Array {
  broadcastShapes('scaledDotProductAttention (mask)', mask.shape, fullShape);
  if (mask.ndim > fullShape.length || !shapesEqual(broadcastShapes('', mask.shape, fullShape), fullShape)) {
    throw new Error(
      `scaledDotProductAttention: mask ${formatShape(mask.shape)} does not broadcast to the scores ${formatShape(fullShape)}`,
    );
  }
  const data = expandData(mask, fullShape);
  const keep = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) keep[i] = data[i] !== 0 ? 1 : 0;
  return keep;
}

/**
 * softmax(scale·q·kᵀ + mask)·v for q [..., Tq, d], k [..., Tk, d], v [..., Tk, dv]
 * (leading axes such as [batch, heads] must agree) → [..., Tq, dv]; with `headsLast`,
 * [batch, T, heads, d] operands → [batch, Tq, heads, dv]. A query with no key to attend
 * (every key masked) outputs zeros.
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): Tensor {
  const headsLast = options.headsLast ?? false;
  const shapes = [q, k, v].map((x) =>
    headsLast && x.ndim === 4 ? [0, 2, 1, 3].map((a) => x.shape[a]) : x.shape,
  );
  const dtype = checkOperands(q, k, v, shapes, headsLast);
  const [qs, ks, vs] = shapes;
  const tq = qs[qs.length - 2];
  const tk = ks[ks.length - 2];
  const d = qs[qs.length - 1];
  const batch = sizeOf(qs.slice(0, -2));
  const rate = options.dropout ?? 0;
  if (!(rate >= 0 && rate < 1)) {
    throw new Error(`scaledDotProductAttention: dropout must be in [0, 1), got ${rate}`);
  }
  const scale = options.scale ?? 1 / Math.sqrt(d);
  if (!Number.isFinite(scale))
    throw new Error(`scaledDotProductAttention: scale must be finite, got ${scale}`);
  const fullShape = [...qs.slice(0, -2), tq, tk];
  const keep = options.mask ? expandMask(options.mask, fullShape) : null;
  let drop: Float64Array | Float32Array | null = null;
  if (rate > 0) {
    const next = options.generator ?? random;
    drop = allocate(dtype, batch * tq * tk) as Float64Array | Float32Array;
    const kept = 1 / (1 - rate);
    for (let i = 0; i < drop.length; i++) drop[i] = next() >= rate ? kept : 0;
  }
  const geometry: AttentionGeometry = {
    batch,
    tq,
    tk,
    d,
    dv: vs[vs.length - 1],
    scale,
    causal: options.causal ?? false,
    keep,
    ...(headsLast ? { heads: qs[1] } : {}),
  };
  return attentionOp([q, k, v], { geometry, drop, saved: null });
}
