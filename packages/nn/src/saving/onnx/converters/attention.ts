/**
 * ONNX converter for MultiHeadAttention, and the attention graph the transformer
 * layers reuse: per-head projections as MatMuls on Keras's [dim, heads, width] kernels,
 * softmax(q·kᵀ/√keyDim + mask)·v, and the output projection. A causal mask is baked in
 * as a constant, so the sequence axis must be fixed.
 */
import { Tensor } from '@zen/autograd-core';
import type { Layer, LayerWeight } from '../../../layers/layer';
import type { MultiHeadAttention } from '../../../layers/multi-head-attention';
import type { OnnxGraph, OnnxValue } from '../graph';
import { channelsLast } from '../layout';
import { ElemType } from '../proto';
import { registerOnnxConverter, refuse } from '../registry';

/** Added to the scores of keys a query may not attend (as Zen-TS's attention does). */
const MASKED = -1e30;

/** The layer's weight called `name` ('query/kernel'; inside a transformer 'self_attention/query/kernel'), or null. */
function weight(layer: Layer, name: string): LayerWeight | null {
  return layer.weights.find((w) => w.name === name || w.name.endsWith(`/${name}`)) ?? null;
}

/** x [N, T, dim] → heads [N, heads, T, width] (or, `transposed`, [N, heads, width, T]). */
function project(
  g: OnnxGraph,
  layer: MultiHeadAttention,
  x: string,
  which: string,
  transposed: boolean,
): string {
  const kernel = weight(layer, `${which}/kernel`)!.value;
  const [dim, heads, width] = kernel.shape;
  let y = g.op('MatMul', [x, g.weight(`${which}/kernel`, kernel.data, [dim, heads * width])]);
  const bias = weight(layer, `${which}/bias`);
  if (bias) y = g.op('Add', [y, g.weight(`${which}/bias`, bias.value.data, [heads * width])]);
  const split = g.op('Reshape', [y, g.int64s('heads_shape', [0, 0, heads, width])]);
  return g.op('Transpose', [split], { perm: transposed ? [0, 2, 3, 1] : [0, 2, 1, 3] });
}

/** The sequence length attention needs fixed (for the baked-in causal mask), or a refusal. */
function fixedSteps(layer: Layer, v: OnnxValue): number {
  const steps = v.shape[1];
  if (steps === null) {
    refuse(layer, 'needs a fixed sequence length for its causal mask (give the model an inputShape)');
  }
  return steps;
}

/** What shapes an attention call beyond its inputs. */
export interface AttentionOptions {
  /** Bake in the mask letting query i attend keys ≤ i + (Tk − Tq). */
  causal: boolean;
  /** [N, Tq, Tk] or [Tq, Tk]: nonzero where a query may attend a key. */
  mask?: OnnxValue | null;
}

/** The mask as float 1/0 "keep" values broadcastable to [N, heads, Tq, Tk]. */
function keepMask(g: OnnxGraph, layer: Layer, mask: OnnxValue): string {
  const rank = mask.shape.length;
  if (rank !== 2 && rank !== 3) refuse(layer, `takes an attention mask of rank 2 or 3, got rank ${rank}`);
  const bool = g.op('Cast', [channelsLast(g, mask).name], { to: ElemType.bool });
  const keep = g.op('Cast', [bool], { to: ElemType.float32 });
  return rank === 3 ? g.op('Unsqueeze', [keep, g.int64s('heads_axis', [1])]) : keep;
}

/**
 * Attention of `query` over `key` and `value` with `layer`'s weights. Returns the output
 * [N, Tq, outDim] and the probabilities [N, heads, Tq, Tk]. A masked key gets probability
 * 0 (its score is pushed down by 1e30 and the result multiplied by the mask, so a query
 * with nothing to attend gets zeros, as Zen-TS's attention).
 */
export function attention(
  g: OnnxGraph,
  layer: MultiHeadAttention,
  query: OnnxValue,
  value: OnnxValue,
  key: OnnxValue,
  options: AttentionOptions,
): { output: string; probabilities: string } {
  const q = project(g, layer, channelsLast(g, query).name, 'query', false);
  const kT = project(g, layer, channelsLast(g, key).name, 'key', true);
  const v = project(g, layer, channelsLast(g, value).name, 'value', false);
  let scores = g.op('Mul', [g.op('MatMul', [q, kT]), g.scalar('scale', 1 / Math.sqrt(layer.keyDim))]);
  let keep: string | null = options.mask ? keepMask(g, layer, options.mask) : null;
  if (options.causal) {
    const tq = fixedSteps(layer, query);
    const tk = fixedSteps(layer, key);
    const band = new Float32Array(tq * tk);
    for (let i = 0; i < tq; i++) for (let j = 0; j < tk; j++) band[i * tk + j] = j <= i + (tk - tq) ? 1 : 0;
    if (keep) keep = g.op('Mul', [keep, g.weight('causal_band', band, [tq, tk])]);
    else
      scores = g.op('Add', [
        scores,
        g.weight(
          'causal_mask',
          band.map((b) => (b ? 0 : MASKED)),
          [tq, tk],
        ),
      ]);
  }
  let probabilities: string;
  if (keep) {
    const penalty = g.op('Mul', [g.op('Sub', [keep, g.scalar('one', 1)]), g.scalar('big', -MASKED)]);
    probabilities = g.op('Mul', [g.op('Softmax', [g.op('Add', [scores, penalty])], { axis: -1 }), keep]);
  } else {
    probabilities = g.op('Softmax', [scores], { axis: -1 });
  }
  const attended = g.op('MatMul', [probabilities, v]); // [N, heads, Tq, valueDim]
  const kernel = weight(layer, 'attention_output/kernel')!.value;
  const [heads, width, out] = kernel.shape;
  const merged = g.op('Reshape', [
    g.op('Transpose', [attended], { perm: [0, 2, 1, 3] }),
    g.int64s('merged_shape', [0, 0, heads * width]),
  ]);
  let y = g.op('MatMul', [merged, g.weight('attention_output/kernel', kernel.data, [heads * width, out])]);
  const bias = weight(layer, 'attention_output/bias');
  if (bias) y = g.op('Add', [y, g.tensor('attention_output/bias', bias.value)]);
  return { output: y, probabilities };
}

/** Attention of `query` over `context` (keys and values); returns [N, Tq, outDim]. */
export function attentionGraph(
  g: OnnxGraph,
  layer: MultiHeadAttention,
  query: OnnxValue,
  context: OnnxValue,
  causal: boolean,
  mask: OnnxValue | null = null,
): string {
  return attention(g, layer, query, context, context, { causal, mask }).output;
}

/** A tensor given at call time (a mask, an encoder sequence): a graph value, or a constant. */
export function callTensor(g: OnnxGraph, mask: unknown, base = 'attention_mask'): OnnxValue | null {
  if (mask === undefined || mask === null) return null;
  if (mask instanceof Tensor) return { name: g.tensor(base, mask), shape: mask.shape, channelsFirst: false };
  return mask as OnnxValue;
}

// `mha.apply(x)` is self-attention; `mha.apply([query, value, key?], { attentionMask,
// useCausalMask, returnAttentionScores })` as the layer's own apply.
registerOnnxConverter<MultiHeadAttention>('MultiHeadAttention', {
  kwargs: ['attentionMask', 'useCausalMask', 'returnAttentionScores'],
  convert: (g, layer, inputs, kwargs) => {
    const [query, value = query, key = value] = inputs;
    const mask = callTensor(g, kwargs.attentionMask);
    const result = attention(g, layer, query, value, key, { causal: kwargs.useCausalMask === true, mask });
    return kwargs.returnAttentionScores === true ? [result.output, result.probabilities] : result.output;
  },
});
