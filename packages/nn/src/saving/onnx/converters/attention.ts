/**
 * ONNX converter for MultiHeadAttention, and the attention graph the transformer
 * layers reuse: per-head projections as MatMuls on Keras's [dim, heads, width] kernels,
 * softmax(q·kᵀ/√keyDim + mask)·v, and the output projection. A causal mask is baked in
 * as a constant, so the sequence axis must be fixed.
 */
import type { Layer, LayerWeight } from '../../../layers/layer';
import type { MultiHeadAttention } from '../../../layers/multi-head-attention';
import type { OnnxGraph, OnnxValue } from '../graph';
import { channelsLast } from '../layout';
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

/**
 * Attention of `query` over `context` (keys and values) with `layer`'s weights; `causal`
 * bakes in the mask letting step i attend steps ≤ i. Returns [N, Tq, outDim].
 */
export function attentionGraph(
  g: OnnxGraph,
  layer: MultiHeadAttention,
  query: OnnxValue,
  context: OnnxValue,
  causal: boolean,
): string {
  const q = project(g, layer, channelsLast(g, query).name, 'query', false);
  const kT = project(g, layer, channelsLast(g, context).name, 'key', true);
  const v = project(g, layer, channelsLast(g, context).name, 'value', false);
  let scores = g.op('Mul', [g.op('MatMul', [q, kT]), g.scalar('scale', 1 / Math.sqrt(layer.keyDim))]);
  if (causal) {
    const tq = fixedSteps(layer, query);
    const tk = fixedSteps(layer, context);
    const mask = new Float32Array(tq * tk);
    for (let i = 0; i < tq; i++) for (let j = i + (tk - tq) + 1; j < tk; j++) mask[i * tk + j] = MASKED;
    scores = g.op('Add', [scores, g.weight('causal_mask', mask, [tq, tk])]);
  }
  const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]); // [N, heads, Tq, valueDim]
  const kernel = weight(layer, 'attention_output/kernel')!.value;
  const [heads, width, out] = kernel.shape;
  const merged = g.op('Reshape', [
    g.op('Transpose', [attended], { perm: [0, 2, 1, 3] }),
    g.int64s('merged_shape', [0, 0, heads * width]),
  ]);
  let y = g.op('MatMul', [merged, g.weight('attention_output/kernel', kernel.data, [heads * width, out])]);
  const bias = weight(layer, 'attention_output/bias');
  if (bias) y = g.op('Add', [y, g.tensor('attention_output/bias', bias.value)]);
  return y;
}

// As a layer of its own, MultiHeadAttention is self-attention without a mask (its `call`).
registerOnnxConverter<MultiHeadAttention>('MultiHeadAttention', {
  convert: (g, layer, [input]) => attentionGraph(g, layer, input, input, false),
});
