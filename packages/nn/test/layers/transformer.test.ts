/**
 * TransformerEncoder/Decoder, the position embeddings and a GPT built from them:
 * float64 gradient checks, causality, the decoder's cache, generation with and
 * without the cache, and fit on [batch, T] token ids with [batch, T] targets.
 */
import { type Tensor, concat, setSeed, tensor } from '@zen/autograd-core';
import {
  AdamW,
  Dense,
  LayerNormalization,
  PositionEmbedding,
  Sequential,
  TokenAndPositionEmbedding,
  TransformerDecoder,
  TransformerEncoder,
  generate,
} from '@zen/nn';
import { expectClose, gradcheckLayer, testValues } from '../helpers';

const seq = (n: number, t: number, d: number, seed: number) =>
  tensor(testValues(n * t * d, seed), { dtype: 'float64' }).reshape([n, t, d]);

function gpt(
  vocabularySize: number,
  sequenceLength: number,
  dtype: 'float32' | 'float64' = 'float32',
): Sequential {
  return new Sequential([
    new TokenAndPositionEmbedding({ vocabularySize, sequenceLength, embeddingDim: 16, dtype }),
    new TransformerDecoder({
      intermediateDim: 32,
      numHeads: 2,
      activation: 'gelu',
      normalizeFirst: true,
      dtype,
    }),
    new TransformerDecoder({
      intermediateDim: 32,
      numHeads: 2,
      activation: 'gelu',
      normalizeFirst: true,
      dtype,
    }),
    new LayerNormalization({ dtype }),
    new Dense({ units: vocabularySize, dtype }),
  ]);
}

describe('TransformerEncoder and TransformerDecoder', () => {
  test('KerasHub defaults and sublayer weight names', () => {
    const dec = new TransformerDecoder({ intermediateDim: 8, numHeads: 2 });
    expect(dec.options).toMatchObject({
      activation: 'relu',
      normalizeFirst: false,
      layerNormEpsilon: 1e-5,
      dropout: 0,
    });
    dec.apply(seq(1, 3, 4, 1).astype('float32'));
    expect(dec.weights.map((w) => w.name)).toEqual([
      'self_attention/query/kernel',
      'self_attention/query/bias',
      'self_attention/key/kernel',
      'self_attention/key/bias',
      'self_attention/value/kernel',
      'self_attention/value/bias',
      'self_attention/attention_output/kernel',
      'self_attention/attention_output/bias',
      'self_attention_layer_norm/gamma',
      'self_attention_layer_norm/beta',
      'feedforward_intermediate_dense/kernel',
      'feedforward_intermediate_dense/bias',
      'feedforward_output_dense/kernel',
      'feedforward_output_dense/bias',
      'feedforward_layer_norm/gamma',
      'feedforward_layer_norm/beta',
    ]);
    expect(dec.weights[0].value.shape).toEqual([4, 2, 2]);
    expect(() => new TransformerDecoder({ intermediateDim: 8, numHeads: 3 }).apply(seq(1, 2, 4, 1))).toThrow(
      /not divisible by numHeads 3/,
    );
  });

  test.each([
    [
      'encoder, post-norm',
      () => new TransformerEncoder({ intermediateDim: 6, numHeads: 2, dtype: 'float64' }),
    ],
    [
      'decoder, pre-norm, gelu',
      () =>
        new TransformerDecoder({
          intermediateDim: 6,
          numHeads: 2,
          activation: 'gelu',
          normalizeFirst: true,
          dtype: 'float64',
        }),
    ],
  ])('gradcheck (float64): %s', (_name, make) => {
    setSeed(11);
    const layer = make();
    const x = seq(2, 3, 4, 3);
    layer.apply(x);
    expect(gradcheckLayer(layer, x).ok).toBe(true);
  });

  test('decoder with encoderSequence cross-attends (and its gradient checks)', () => {
    setSeed(12);
    const dec = new TransformerDecoder({ intermediateDim: 6, numHeads: 2, dtype: 'float64' });
    const x = seq(2, 3, 4, 5);
    const enc = seq(2, 5, 4, 6);
    const alone = dec.apply(x);
    const crossed = dec.apply(x, { encoderSequence: enc } as never);
    expect(dec.weights.some((w) => w.name === 'cross_attention/query/kernel')).toBe(true);
    expect(crossed.sub(alone).abs().max().item()).toBeGreaterThan(1e-3);
    const withEncoder = {
      apply: (xi: Tensor) => dec.call(xi, { encoderSequence: enc }),
      get trainableWeights() {
        return dec.trainableWeights;
      },
    };
    expect(gradcheckLayer(withEncoder as unknown as TransformerDecoder, x).ok).toBe(true);
  });

  test('decoder is causal; encoder is not', () => {
    setSeed(13);
    const x = seq(1, 5, 4, 7);
    const later = x.clone();
    for (let i = 12; i < 20; i++) later.data[i] = 3; // steps 3 and 4
    const dec = new TransformerDecoder({ intermediateDim: 6, numHeads: 2, dtype: 'float64' });
    const first3 = (t: Tensor) => t.slice([0, 0, 0], [1, 3, 4]).toArray();
    expectClose(first3(dec.apply(later)), first3(dec.apply(x)), 0);
    const encoder = new TransformerEncoder({ intermediateDim: 6, numHeads: 2, dtype: 'float64' });
    expect(
      encoder.apply(later).sub(encoder.apply(x)).slice([0, 0, 0], [1, 3, 4]).abs().max().item(),
    ).toBeGreaterThan(1e-6);
  });

  test('callCached over steps equals one call over the sequence', () => {
    setSeed(14);
    const dec = new TransformerDecoder({
      intermediateDim: 6,
      numHeads: 2,
      normalizeFirst: true,
      dtype: 'float64',
    });
    const x = seq(2, 5, 4, 8);
    const full = dec.apply(x);
    let { output, cache } = dec.callCached(x.slice([0, 0, 0], [2, 2, 4]), null);
    const parts = [output];
    for (let t = 2; t < 5; t++) {
      ({ output, cache } = dec.callCached(x.slice([0, t, 0], [2, 1, 4]), cache));
      parts.push(output);
    }
    expect(cache.key.shape).toEqual([2, 2, 5, 2]);
    expectClose(concat(parts, 1).toArray(), full.toArray(), 1e-10);
  });
});

describe('position embeddings', () => {
  test('PositionEmbedding returns the rows of its table, from startIndex', () => {
    setSeed(2);
    const layer = new PositionEmbedding({ sequenceLength: 6 });
    const x = seq(2, 4, 3, 1).astype('float32');
    const out = layer.apply(x);
    const table = layer.embeddings!.value.toArray() as number[][];
    expect(out.toArray()).toEqual([table.slice(0, 4), table.slice(0, 4)]);
    expect(layer.call(x.slice([0, 0, 0], [2, 2, 3]), { startIndex: 3 }).toArray()).toEqual([
      table.slice(3, 5),
      table.slice(3, 5),
    ]);
    expect(() => layer.apply(seq(1, 7, 3, 1).astype('float32'))).toThrow(/do not fit sequenceLength 6/);
  });

  test('TokenAndPositionEmbedding adds token and position rows', () => {
    setSeed(3);
    const layer = new TokenAndPositionEmbedding({ vocabularySize: 5, sequenceLength: 4, embeddingDim: 2 });
    const out = layer.apply(tensor([[4, 0, 4]], { dtype: 'int32' })).toArray() as number[][][];
    const tok = layer.tokenEmbedding!.embeddings!.value.toArray() as number[][];
    const pos = layer.positionEmbedding!.embeddings!.value.toArray() as number[][];
    expectClose(
      out[0],
      [4, 0, 4].map((id, t) => tok[id].map((v, c) => v + pos[t][c])),
      1e-6,
    );
    expect(layer.weights.map((w) => w.name)).toEqual([
      'token_embedding/embeddings',
      'position_embedding/embeddings',
    ]);
  });
});

describe('a GPT as a Sequential', () => {
  test('changing later tokens leaves earlier logits unchanged', () => {
    setSeed(4);
    const model = gpt(7, 6);
    const ids = tensor([[1, 2, 3, 4, 5, 6]], { dtype: 'int32' });
    const other = tensor([[1, 2, 3, 0, 0, 1]], { dtype: 'int32' });
    const a = model.predict(ids);
    const b = model.predict(other);
    expectClose(b.slice([0, 0, 0], [1, 3, 7]).toArray(), a.slice([0, 0, 0], [1, 3, 7]).toArray(), 0);
    expect(b.sub(a).slice([0, 3, 0], [1, 3, 7]).abs().max().item()).toBeGreaterThan(1e-4);
  });

  test('greedy generation with the cache equals generation without it, past the context length', () => {
    setSeed(5);
    const model = gpt(9, 5, 'float64');
    model.build([null, 5]);
    const prompt = [3, 1, 4];
    const cached = generate(model, prompt, { maxNewTokens: 12, temperature: 0 });
    const plain = generate(model, prompt, { maxNewTokens: 12, temperature: 0, useCache: false });
    expect(cached).toHaveLength(15);
    expect(cached).toEqual(plain);
    const sampled = generate(model, prompt, { maxNewTokens: 12, temperature: 1, topK: 3, seed: 9 });
    expect(
      generate(model, prompt, { maxNewTokens: 12, temperature: 1, topK: 3, seed: 9, useCache: false }),
    ).toEqual(sampled);
    expect(() => generate(model, prompt, { maxNewTokens: 2, topP: 0 })).toThrow(/generate: topP/);
  });

  test('fit on [batch, T] ids with [batch, T] targets (sparse cross-entropy from logits) learns a short text', async () => {
    setSeed(6);
    const text = 'the cat sat on the mat. the cat sat on the mat. ';
    const chars = [...new Set(text)].sort();
    const ids = [...text].map((c) => chars.indexOf(c));
    const T = 8;
    const windows = Array.from({ length: ids.length - T - 1 }, (_, i) => i);
    const x = tensor(
      windows.map((i) => ids.slice(i, i + T)),
      { dtype: 'int32' },
    );
    const y = tensor(
      windows.map((i) => ids.slice(i + 1, i + T + 1)),
      { dtype: 'int32' },
    );
    const model = gpt(chars.length, T);
    model.compile({
      optimizer: new AdamW({ learningRate: 1e-2 }),
      loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true },
      metrics: ['accuracy'],
    });
    const history = await model.fit(x, y, { epochs: 40, batchSize: 8, verbose: 0 });
    const losses = history.history.loss;
    expect(losses[losses.length - 1]).toBeLessThan(0.2);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 10);
    // A prompt of 'the c': after 'the ' alone the text goes on with 'cat' and with 'mat' equally often.
    const out = generate(model, ids.slice(0, 5), { maxNewTokens: 19, temperature: 0 });
    expect(out.map((i) => chars[i]).join('')).toBe(text.slice(0, 24));
  }, 60000);
});
