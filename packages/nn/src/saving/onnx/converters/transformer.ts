/**
 * ONNX converters for TransformerEncoder/TransformerDecoder (their attention and
 * feed-forward blocks, pre- or post-norm; the decoder's causal mask baked in) and for
 * the learned position embeddings. Models with learned positions export with a fixed
 * sequence axis: the model's, or `sequenceLength` when the model leaves it open.
 */
import type { Layer } from '../../../layers/layer';
import type { PositionEmbedding, TokenAndPositionEmbedding } from '../../../layers/position-embedding';
import type { TransformerDecoder, TransformerEncoder } from '../../../layers/transformer';
import type { AttentionBlock, FeedForwardBlock, TransformerOptions } from '../../../layers/transformer-block';
import type { SymbolicShape } from '../../../shapes';
import { convertLayer } from '../convert';
import type { OnnxGraph, OnnxValue } from '../graph';
import { channelsLast } from '../layout';
import { ElemType } from '../proto';
import { registerOnnxConverter, refuse } from '../registry';
import { attentionGraph, callTensor } from './attention';

/** The blocks a transformer layer is made of (built by `build`). */
interface TransformerParts {
  options: TransformerOptions;
  selfAttention: AttentionBlock;
  feedForward: FeedForwardBlock;
}

/** How one attention block attends: over itself or an encoder sequence, causal or not, masked or not. */
interface Attending {
  causal: boolean;
  context?: OnnxValue | null;
  mask?: OnnxValue | null;
}

/** (norm) → attention → + residual → (norm); dropout is the identity at inference. */
function attentionBlock(
  g: OnnxGraph,
  block: AttentionBlock,
  x: OnnxValue,
  o: TransformerOptions,
  how: Attending,
) {
  const h = o.normalizeFirst ? convertLayer(g, block.norm, [x], x.shape) : x;
  const a = g.within(block.attention.name, () =>
    attentionGraph(g, block.attention, h, how.context ?? h, how.causal, how.mask ?? null),
  );
  const y: OnnxValue = { ...x, name: g.op('Add', [a, x.name]) };
  return o.normalizeFirst ? y : convertLayer(g, block.norm, [y], y.shape);
}

/** (norm) → Dense(intermediate, activation) → Dense(width) → + residual → (norm). */
function feedForwardBlock(g: OnnxGraph, block: FeedForwardBlock, x: OnnxValue, o: TransformerOptions) {
  const h = o.normalizeFirst ? convertLayer(g, block.norm, [x], x.shape) : x;
  const inner = convertLayer(g, block.intermediate, [h], [...x.shape.slice(0, -1), o.intermediateDim]);
  const f = convertLayer(g, block.output, [inner], x.shape);
  const y: OnnxValue = { ...x, name: g.op('Add', [f.name, x.name]) };
  return o.normalizeFirst ? y : convertLayer(g, block.norm, [y], y.shape);
}

/** Self-attention, then (a decoder given an encoder sequence) cross-attention, then feed-forward. */
function convertTransformer(
  g: OnnxGraph,
  layer: Layer,
  input: OnnxValue,
  self: Attending,
  cross: Attending | null,
): string {
  const parts = layer as unknown as TransformerParts & { crossAttention?: AttentionBlock | null };
  const x = channelsLast(g, input);
  if (self.causal && x.shape[1] === null) {
    refuse(layer, 'needs a fixed sequence length for its causal mask (give the model an inputShape)');
  }
  let h = attentionBlock(g, parts.selfAttention, x, parts.options, self);
  if (cross) {
    if (!parts.crossAttention)
      refuse(
        layer,
        'has no cross-attention weights yet (they are made on its first call on data with an encoderSequence; run the model once)',
      );
    h = attentionBlock(g, parts.crossAttention, h, parts.options, cross);
  }
  return feedForwardBlock(g, parts.feedForward, h, parts.options).name;
}

registerOnnxConverter<TransformerEncoder>('TransformerEncoder', {
  kwargs: ['attentionMask'],
  convert: (g, layer, [input], kwargs) =>
    convertTransformer(g, layer, input, { causal: false, mask: callTensor(g, kwargs.attentionMask) }, null),
});

// In a stack the decoder has no encoder sequence: causal self-attention and feed-forward.
registerOnnxConverter<TransformerDecoder>('TransformerDecoder', {
  kwargs: ['encoderSequence', 'useCausalMask', 'decoderAttentionMask', 'encoderAttentionMask'],
  convert: (g, layer, [input], kwargs) => {
    const encoder = callTensor(g, kwargs.encoderSequence, 'encoder_sequence');
    const self = { causal: kwargs.useCausalMask !== false, mask: callTensor(g, kwargs.decoderAttentionMask) };
    const cross = encoder
      ? { causal: false, context: channelsLast(g, encoder), mask: callTensor(g, kwargs.encoderAttentionMask) }
      : null;
    return convertTransformer(g, layer, input, self, cross);
  },
});

/** The first `steps` rows of a [sequenceLength, width] position table. */
function positionRows(
  g: OnnxGraph,
  layer: Layer,
  table: PositionEmbedding['embeddings'],
  steps: number | null,
) {
  const [length, width] = table!.value.shape;
  if (steps === null || steps > length) {
    refuse(layer, `needs a fixed sequence length of at most ${length} (got ${steps ?? 'an open axis'})`);
  }
  return g.weight('position_embeddings', table!.value.data.subarray(0, steps * width), [steps, width]);
}

/** An open sequence axis (axis 1) becomes `sequenceLength`. */
const fixSequenceAxis = (sequenceLength: number, shape: SymbolicShape): SymbolicShape =>
  shape.map((d, i) => (i === 1 && d === null ? sequenceLength : d));

registerOnnxConverter<TokenAndPositionEmbedding>('TokenAndPositionEmbedding', {
  inputType: 'int32',
  inputShape: (layer, shape) => fixSequenceAxis(layer.sequenceLength, shape),
  convert: (g, layer, [input]) => {
    const ids =
      (input.elemType ?? 'float32') === 'float32'
        ? g.op('Cast', [input.name], { to: ElemType.int64 })
        : input.name;
    const tokens = g.op(
      'Gather',
      [g.tensor('token_embeddings', layer.tokenEmbedding!.embeddings!.value), ids],
      {
        axis: 0,
      },
    );
    return g.op('Add', [tokens, positionRows(g, layer, layer.positionEmbedding!.embeddings, input.shape[1])]);
  },
});

registerOnnxConverter<PositionEmbedding>('PositionEmbedding', {
  inputShape: (layer, shape) => fixSequenceAxis(layer.sequenceLength, shape),
  convert: (g, layer, [input]) => {
    const x = channelsLast(g, input);
    const rows = positionRows(g, layer, layer.embeddings, x.shape[x.shape.length - 2]);
    return g.op('Expand', [rows, g.op('Shape', [x.name])]);
  },
});
