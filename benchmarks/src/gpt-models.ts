/**
 * The benchmark's char-level GPT, built the same way by each contender: token and learned
 * position embeddings, 4 pre-norm decoder blocks (causal 4-head self-attention, GELU
 * feed-forward of 4·width), a final layer norm and a vocabulary projection; AdamW(1e-3,
 * weight decay 0.01) with the gradients' global norm clipped to 1; batch 16 × 64 tokens.
 * Zen-TS uses @zen/nn's `gptModel`; TensorFlow.js (which has no attention layer) is written
 * with its ops.
 */
import { AdamW, type Sequential, gptModel } from '@zen/nn';
import type { Tf } from './tfjs';

export interface GptConfig {
  vocabulary: number;
  context: number;
  width: number;
  layers: number;
  heads: number;
  batch: number;
}

/** The benchmarked size: `npm run gpt`'s default model. */
export const GPT: GptConfig = { vocabulary: 89, context: 64, width: 128, layers: 4, heads: 4, batch: 16 };

/** The Zen-TS GPT, compiled for sparse cross-entropy on logits. */
export function zenGpt(config: GptConfig = GPT): Sequential {
  const { vocabulary, context, width, layers, heads } = config;
  const model = gptModel({
    vocabularySize: vocabulary,
    sequenceLength: context,
    width,
    layers,
    numHeads: heads,
  });
  model.compile({
    optimizer: new AdamW({ learningRate: 1e-3, weightDecay: 0.01, globalClipNorm: 1 }),
    loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true },
  });
  return model;
}

type TfTensor = import('@tensorflow/tfjs').Tensor;
type TfVariable = import('@tensorflow/tfjs').Variable;

/**
 * One training step of the same GPT in TensorFlow.js ops. The token embedding is
 * oneHot(ids)·matMul(table): the gather's gradient (UnsortedSegmentSum) has no kernel on
 * tfjs's wasm backend. tfjs has no AdamW or global clipping: Adam on clipped gradients,
 * then the decoupled decay, written out.
 */
export function tfjsGptStep(
  tf: Tf,
  config: GptConfig = GPT,
): { step(ids: TfTensor, targets: TfTensor): number; dispose(): void } {
  const { vocabulary, context, width, layers, heads } = config;
  const keyDim = width / heads;
  const variables: TfVariable[] = [];
  // Seeded, so the same model starts from the same weights on every run (and in tests).
  let seed = 1;
  const glorot = (rows: number, cols: number) => {
    const limit = Math.sqrt(6 / (rows + cols));
    const v = tf.variable(tf.randomUniform([rows, cols], -limit, limit, 'float32', seed++));
    variables.push(v);
    return v;
  };
  const filled = (n: number, value: number) => {
    const v = tf.variable(tf.fill([n], value));
    variables.push(v);
    return v;
  };
  const tokens = glorot(vocabulary, width);
  const positions = glorot(context, width);
  const block = () => ({
    norm1: [filled(width, 1), filled(width, 0)],
    qkv: [glorot(width, width), glorot(width, width), glorot(width, width)],
    qkvBias: [filled(width, 0), filled(width, 0), filled(width, 0)],
    out: [glorot(width, width), filled(width, 0)],
    norm2: [filled(width, 1), filled(width, 0)],
    up: [glorot(width, 4 * width), filled(4 * width, 0)],
    down: [glorot(4 * width, width), filled(width, 0)],
  });
  const blocks = Array.from({ length: layers }, block);
  const finalNorm = [filled(width, 1), filled(width, 0)];
  const head = [glorot(width, vocabulary), filled(vocabulary, 0)];
  const causal = tf.linalg.bandPart(tf.ones([context, context]), -1, 0);
  const maskBias = tf.mul(tf.sub(1, causal), -1e9);

  const layerNorm = (x: TfTensor, [gamma, beta]: TfVariable[]) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
  };
  const dense = (x: TfTensor, w: TfVariable, b: TfVariable) => tf.add(tf.matMul(x, w), b);
  const gelu = (x: TfTensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  const toHeads = (x: TfTensor, b: number) =>
    tf.transpose(tf.reshape(x, [b, context, heads, keyDim]), [0, 2, 1, 3]);

  const forward = (ids: TfTensor): TfTensor => {
    const b = ids.shape[0];
    const flatIds = tf.reshape(ids, [-1]) as import('@tensorflow/tfjs').Tensor1D;
    const embedded = tf.matMul(tf.oneHot(flatIds, vocabulary).toFloat(), tokens);
    let x = tf.add(tf.reshape(embedded, [b, context, width]), positions);
    for (const p of blocks) {
      const h = tf.reshape(layerNorm(x, p.norm1), [b * context, width]);
      const [q, k, v] = p.qkv.map((w, i) => toHeads(dense(h, w, p.qkvBias[i]), b));
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(keyDim)), maskBias);
      const attended = tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]);
      const projected = dense(tf.reshape(attended, [b * context, width]), p.out[0], p.out[1]);
      x = tf.add(x, tf.reshape(projected, [b, context, width]));
      const f = tf.reshape(layerNorm(x, p.norm2), [b * context, width]);
      const ff = dense(gelu(dense(f, p.up[0], p.up[1])), p.down[0], p.down[1]);
      x = tf.add(x, tf.reshape(ff, [b, context, width]));
    }
    const normed = tf.reshape(layerNorm(x, finalNorm), [b * context, width]);
    return dense(normed, head[0], head[1]);
  };

  const optimizer = tf.train.adam(1e-3);
  return {
    step: (ids, targets) =>
      tf.tidy(() => {
        const labels = tf.oneHot(
          tf.reshape(targets, [-1]) as import('@tensorflow/tfjs').Tensor1D,
          vocabulary,
        );
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(labels, forward(ids)) as import('@tensorflow/tfjs').Scalar,
          variables,
        );
        const norm = Math.sqrt(
          Object.values(grads).reduce((s, g) => s + (tf.sum(tf.square(g)).dataSync()[0] as number), 0),
        );
        const scale = Math.min(1, 1 / norm);
        optimizer.applyGradients(
          Object.entries(grads).map(([name, g]) => ({ name, tensor: tf.mul(g, scale) })),
        );
        for (const v of variables) v.assign(tf.mul(v, 1 - 1e-3 * 0.01));
        return value.dataSync()[0];
      }),
    dispose: () => {
      tf.dispose([...variables, causal, maskBias]);
      optimizer.dispose();
    },
  };
}
