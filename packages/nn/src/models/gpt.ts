/**
 * A decoder-only transformer language model (a GPT) as an ordinary Sequential: token and
 * learned position embeddings, `layers` causal TransformerDecoder blocks, a final layer norm
 * and a projection to the vocabulary (logits). The defaults are `npm run gpt`'s model and the
 * PyTorch reference's: pre-norm blocks with a GELU feed-forward of 4·width.
 */
import type { ActivationName } from '../activations';
import { Dense } from '../layers/dense';
import { LayerNormalization } from '../layers/normalization';
import { TokenAndPositionEmbedding } from '../layers/position-embedding';
import { TransformerDecoder } from '../layers/transformer';
import { Sequential } from './sequential';

export interface GptModelArgs {
  vocabularySize: number;
  /** Context length: the longest sequence the learned positions cover. */
  sequenceLength: number;
  /** Embedding width (default 128). */
  width?: number;
  /** Decoder blocks (default 4). */
  layers?: number;
  /** Attention heads per block (default 4); each of width / heads. */
  numHeads?: number;
  /** Feed-forward width (default 4·width). */
  intermediateDim?: number;
  /** Feed-forward activation (default 'gelu'). */
  activation?: ActivationName;
  /** Layer norm before each block (pre-norm, default true) or after its residual sum. */
  normalizeFirst?: boolean;
  /** Dropout in the blocks (default 0). */
  dropout?: number;
}

/**
 * The GPT's layers, not compiled: train it with sparse cross-entropy on its logits.
 * @example
 * const model = gptModel({ vocabularySize: tokenizer.vocabularySize, sequenceLength: 64 });
 * model.compile({ optimizer: new AdamW({ learningRate: 1e-3 }), loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true } });
 */
export function gptModel(args: GptModelArgs): Sequential {
  const width = args.width ?? 128;
  const blocks = args.layers ?? 4;
  return new Sequential([
    new TokenAndPositionEmbedding({
      vocabularySize: args.vocabularySize,
      sequenceLength: args.sequenceLength,
      embeddingDim: width,
    }),
    ...Array.from(
      { length: blocks },
      () =>
        new TransformerDecoder({
          intermediateDim: args.intermediateDim ?? 4 * width,
          numHeads: args.numHeads ?? 4,
          activation: args.activation ?? 'gelu',
          normalizeFirst: args.normalizeFirst ?? true,
          dropout: args.dropout ?? 0,
        }),
    ),
    new LayerNormalization({ epsilon: 1e-5 }),
    new Dense({ units: args.vocabularySize }),
  ]);
}
