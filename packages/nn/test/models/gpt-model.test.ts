/**
 * gptModel: the decoder-only language model as a Sequential — its layers, its parameter
 * count by hand, logits of the right shape, and options passed to the blocks.
 */
import { setSeed, tensor } from '@zen/autograd-core';
import { Dense, LayerNormalization, TokenAndPositionEmbedding, TransformerDecoder, gptModel } from '@zen/nn';

test('layers, parameter count and logits shape', () => {
  setSeed(1);
  const [vocabulary, context, width, ffn] = [11, 8, 16, 64];
  const model = gptModel({
    vocabularySize: vocabulary,
    sequenceLength: context,
    width,
    layers: 2,
    numHeads: 2,
  });
  expect(model.layers.map((l) => l.constructor)).toEqual([
    TokenAndPositionEmbedding,
    TransformerDecoder,
    TransformerDecoder,
    LayerNormalization,
    Dense,
  ]);
  const ids = tensor(
    [
      [1, 2, 3, 4, 5, 6, 7, 8],
      [0, 0, 1, 1, 2, 2, 3, 10],
    ],
    { dtype: 'int32' },
  );
  expect(model.predict(ids).shape).toEqual([2, context, vocabulary]);
  // By hand: embeddings; per block two layer norms, four attention projections with biases and
  // the feed-forward pair; the final layer norm and the vocabulary projection.
  const block = 2 * 2 * width + 4 * (width * width + width) + (width * ffn + ffn) + (ffn * width + width);
  const expected = (vocabulary + context) * width + 2 * block + 2 * width + (width * vocabulary + vocabulary);
  expect(model.countParams()).toBe(expected);
});

test('options reach the blocks', () => {
  const model = gptModel({
    vocabularySize: 5,
    sequenceLength: 4,
    width: 8,
    layers: 1,
    numHeads: 4,
    intermediateDim: 12,
    activation: 'relu',
    normalizeFirst: false,
    dropout: 0.1,
  });
  const config = (model.layers[1] as TransformerDecoder).getConfig();
  expect(config).toMatchObject({
    intermediateDim: 12,
    numHeads: 4,
    activation: 'relu',
    normalizeFirst: false,
    dropout: 0.1,
  });
});
