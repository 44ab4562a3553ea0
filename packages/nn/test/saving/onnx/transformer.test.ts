/**
 * @jest-environment ./test/saving/onnx/ort-environment.ts
 */
/**
 * Attention and transformer layers (and a small GPT-style stack) exported to ONNX and
 * run in ONNX Runtime against `predict`: causal masks baked in, learned positions with
 * a fixed sequence axis, batch sizes other than the export's.
 */
import { type Tensor, randint, randn, setSeed } from '@zen/autograd-core';
import {
  Dense,
  Model,
  input,
  LayerNormalization,
  MultiHeadAttention,
  PositionEmbedding,
  Sequential,
  TokenAndPositionEmbedding,
  TransformerDecoder,
  TransformerEncoder,
  toOnnx,
} from '@zen/nn';
import { expectOrtMatches, printReport, randomizeWeights, report } from './ort';

afterAll(printReport);

const VOCABULARY = 11;
const ids = (batch: number, steps: number): Tensor =>
  randint(0, VOCABULARY, [batch, steps], { dtype: 'int32' });

async function check(name: string, model: Model, inputs: (Tensor | Tensor[])[]): Promise<void> {
  randomizeWeights(model);
  report.set(name, await expectOrtMatches(model, inputs));
}

function gpt(inputShape: (number | null)[], sequenceLength: number): Sequential {
  return new Sequential([
    new TokenAndPositionEmbedding({
      vocabularySize: VOCABULARY,
      sequenceLength,
      embeddingDim: 8,
      inputShape,
    }),
    new TransformerDecoder({ intermediateDim: 16, numHeads: 2, activation: 'gelu', normalizeFirst: true }),
    new TransformerDecoder({ intermediateDim: 12, numHeads: 4 }),
    new LayerNormalization(),
    new Dense({ units: VOCABULARY }),
  ]);
}

describe('transformer layers in ONNX Runtime', () => {
  beforeEach(() => setSeed(11));

  it('a GPT-style stack (pre- and post-norm causal decoders)', async () => {
    await check('GPT stack: TokenAndPositionEmbedding → 2 decoders → LayerNorm → Dense', gpt([6], 6), [
      ids(1, 6),
      ids(3, 6),
    ]);
  });

  it('fixes an open sequence axis at sequenceLength', async () => {
    const model = gpt([null], 5);
    const { onnx } = await import('onnx-proto');
    const graph = onnx.ModelProto.decode(toOnnx(model)).graph as InstanceType<typeof onnx.GraphProto>;
    const dims = graph.input[0].type!.tensorType!.shape!.dim!;
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 5]);
    await check('GPT stack, open axis fixed at sequenceLength', model, [ids(2, 5)]);
  });

  it('positions fewer than sequenceLength', async () => {
    await check('GPT stack, 4 of 9 positions', gpt([4], 9), [ids(2, 4)]);
  });

  it('TransformerEncoder (bidirectional) and PositionEmbedding', async () => {
    const model = new Sequential([
      new TransformerEncoder({ intermediateDim: 10, numHeads: 2, inputShape: [5, 8] }),
      new TransformerEncoder({ intermediateDim: 6, numHeads: 1, normalizeFirst: true, activation: 'relu' }),
    ]);
    await check('TransformerEncoder post-norm → pre-norm', model, [randn([2, 5, 8]), randn([4, 5, 8])]);
    const positions = new Sequential([new PositionEmbedding({ sequenceLength: 7, inputShape: [5, 4] })]);
    await check('PositionEmbedding (5 of 7 positions)', positions, [randn([3, 5, 4])]);
  });

  it('MultiHeadAttention as a layer (self-attention, valueDim and outputShape)', async () => {
    const model = new Sequential([
      new MultiHeadAttention({ numHeads: 3, keyDim: 2, valueDim: 4, outputShape: 5, inputShape: [4, 6] }),
    ]);
    await check('MultiHeadAttention', model, [randn([2, 4, 6]), randn([5, 4, 6])]);
  });

  it('refuses a causal decoder over an open sequence axis', () => {
    const model = new Sequential([new TransformerDecoder({ name: 'dec', intermediateDim: 4, numHeads: 2 })]);
    model.build([null, null, 4]);
    expect(() => toOnnx(model)).toThrow(/layer 'dec' \(TransformerDecoder\) needs a fixed sequence length/);
  });

  it('MultiHeadAttention cross-attention [query, value, key] with a mask input and a causal mask', async () => {
    const query = input({ shape: [3, 4], name: 'query' });
    const value = input({ shape: [5, 6], name: 'value' });
    const key = input({ shape: [5, 2], name: 'key' });
    const mask = input({ shape: [3, 5], name: 'mask' });
    const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 3 });
    const crossed = mha.apply([query, value, key], { attentionMask: mask as unknown as Tensor });
    const causal = new MultiHeadAttention({ numHeads: 1, keyDim: 2 }).apply([query, value], {
      useCausalMask: true,
    });
    const model = new Model({ inputs: [query, value, key, mask], outputs: [crossed, causal] });
    // A 0/1 mask with one query row fully masked (its output is the bias alone).
    const masks = (n: number) =>
      randint(0, 2, [n, 3, 5])
        .astype('float32')
        .mul(randint(0, 2, [n, 3, 1]).astype('float32'));
    const feeds = [1, 4].map((n) => [randn([n, 3, 4]), randn([n, 5, 6]), randn([n, 5, 2]), masks(n)]);
    await check('MultiHeadAttention: cross [q, v, k], mask input; causal', model, feeds);
  });

  it('an encoder-decoder: TransformerDecoder with encoderSequence and masks, TransformerEncoder with a mask', async () => {
    const source = input({ shape: [5, 8], name: 'source' });
    const target = input({ shape: [4, 8], name: 'target' });
    const sourceMask = input({ shape: [5, 5], name: 'source_mask' });
    const crossMask = input({ shape: [4, 5], name: 'cross_mask' });
    const encoded = new TransformerEncoder({ intermediateDim: 10, numHeads: 2 }).apply(source, {
      attentionMask: sourceMask,
    });
    const decoded = new TransformerDecoder({ intermediateDim: 12, numHeads: 2, normalizeFirst: true }).apply(
      target,
      {
        encoderSequence: encoded,
        encoderAttentionMask: crossMask,
      },
    );
    const plain = new TransformerDecoder({ intermediateDim: 6, numHeads: 1 }).apply(decoded, {
      encoderSequence: encoded,
      useCausalMask: false,
    });
    const model = new Model({ inputs: [source, target, sourceMask, crossMask], outputs: plain });
    const ones01 = (shape: number[]) =>
      randint(0, 2, shape)
        .astype('float32')
        .maximum(randint(0, 2, shape).astype('float32'));
    const feeds = [2, 3].map((n) => [
      randn([n, 5, 8]),
      randn([n, 4, 8]),
      ones01([n, 5, 5]),
      ones01([n, 4, 5]),
    ]);
    expect(() => toOnnx(model)).toThrow(/has no cross-attention weights yet/);
    model.predict(feeds[0]); // the decoders make their cross-attention weights on the first call
    await check('encoder-decoder: masks, cross-attention, non-causal decoder', model, feeds);
  });
});
