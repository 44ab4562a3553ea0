/**
 * MultiHeadAttention against a plain-loop reference with the same (Keras-layout) weights,
 * masks, returned scores, and float64 gradient checks.
 */
import { type Tensor, setSeed, tensor } from '@zen/autograd-core';
import { MultiHeadAttention } from '@zen/nn';
import { expectClose, gradcheckLayer, testValues } from '../helpers';

type M = number[][];

/** Keras's MHA from its definition, on nested arrays: x [T, dim] per batch row. */
function referenceMha(
  layer: MultiHeadAttention,
  query: M,
  value: M,
  keep: (i: number, j: number) => boolean,
): M {
  const w = Object.fromEntries(layer.weights.map((x) => [x.name, x.value.toArray()]));
  const project = (x: M, name: string) => {
    const k = w[`${name}/kernel`] as number[][][];
    const b = w[`${name}/bias`] as number[][];
    // [T, dim] · [dim, heads, width] + [heads, width] → [heads][T][width]
    return b.map((bh, h) =>
      x.map((row) => bh.map((bv, c) => bv + row.reduce((s, v, d) => s + v * k[d][h][c], 0))),
    );
  };
  const q = project(query, 'query');
  const k = project(value, 'key');
  const v = project(value, 'value');
  const scale = 1 / Math.sqrt(layer.keyDim);
  const heads = q.map((qh, h) =>
    qh.map((qi, i) => {
      const s = k[h].map((kj, j) =>
        keep(i, j) ? qi.reduce((acc, x, c) => acc + x * kj[c], 0) * scale : -Infinity,
      );
      const m = Math.max(...s);
      const e = s.map((x) => (x === -Infinity ? 0 : Math.exp(x - m)));
      const z = e.reduce((a, b) => a + b, 0);
      return v[h][0].map((_, c) => e.reduce((acc, p, j) => acc + (p / z) * v[h][j][c], 0));
    }),
  );
  const ko = w['attention_output/kernel'] as number[][][];
  const bo = w['attention_output/bias'] as number[];
  return query.map((_, i) =>
    bo.map(
      (b, o) => b + heads.reduce((acc, hh, h) => acc + hh[i].reduce((s, x, c) => s + x * ko[h][c][o], 0), 0),
    ),
  );
}

const batchOf = (n: number, t: number, d: number, seed: number, dtype: 'float32' | 'float64' = 'float64') =>
  tensor(testValues(n * t * d, seed), { dtype }).reshape([n, t, d]);

describe('MultiHeadAttention', () => {
  setSeed(3);
  const layer = new MultiHeadAttention({
    numHeads: 2,
    keyDim: 3,
    valueDim: 3,
    dtype: 'float64',
    biasInitializer: 'randomNormal',
  });
  const query = batchOf(2, 4, 5, 1);
  const value = batchOf(2, 6, 5, 2);

  test('weights in Keras layout and names', () => {
    layer.apply([query, value]);
    expect(layer.weights.map((w) => `${w.name} ${w.value.shape.join('x')}`)).toEqual([
      'query/kernel 5x2x3',
      'query/bias 2x3',
      'key/kernel 5x2x3',
      'key/bias 2x3',
      'value/kernel 5x2x3',
      'value/bias 2x3',
      'attention_output/kernel 2x3x5',
      'attention_output/bias 5',
    ]);
  });

  test('cross-attention matches the plain reference', () => {
    const out = layer.apply([query, value]);
    expect(out.shape).toEqual([2, 4, 5]);
    for (let b = 0; b < 2; b++) {
      const ref = referenceMha(layer, (query.toArray() as M[])[b], (value.toArray() as M[])[b], () => true);
      expectClose((out.toArray() as M[])[b], ref, 1e-10);
    }
  });

  test('attentionMask and useCausalMask hide keys; returned scores are the probabilities', () => {
    const maskRows = [
      [1, 1, 0, 0, 1, 0],
      [0, 1, 1, 1, 1, 1],
      [1, 0, 0, 0, 0, 0],
      [1, 1, 1, 1, 1, 1],
    ];
    const mask = tensor([maskRows, maskRows], { dtype: 'int32' });
    const [out, scores] = layer.apply([query, value], { attentionMask: mask, returnAttentionScores: true });
    const fused = layer.apply([query, value], { attentionMask: mask });
    expectClose(fused.toArray(), out.toArray(), 1e-10);
    const ref = referenceMha(
      layer,
      (query.toArray() as M[])[1],
      (value.toArray() as M[])[1],
      (i, j) => maskRows[i][j] === 1,
    );
    expectClose((out.toArray() as M[])[1], ref, 1e-10);
    expect(scores.shape).toEqual([2, 2, 4, 6]);
    const s = scores.toArray() as number[][][][];
    for (const row of s[0][1]) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    s[1][0].forEach((row, i) => row.forEach((p, j) => maskRows[i][j] === 0 && expect(p).toBe(0)));

    const self = batchOf(1, 4, 5, 4);
    const [, causal] = layer.apply([self, self], { useCausalMask: true, returnAttentionScores: true });
    const c = causal.toArray() as number[][][][];
    c[0][1].forEach((row, i) =>
      row.forEach((p, j) => (j > i ? expect(p).toBe(0) : expect(p).toBeGreaterThan(0))),
    );
    const causalRef = referenceMha(
      layer,
      (self.toArray() as M[])[0],
      (self.toArray() as M[])[0],
      (i, j) => j <= i,
    );
    expectClose((layer.apply([self, self], { useCausalMask: true }).toArray() as M[])[0], causalRef, 1e-10);
  });

  test('gradcheck (float64): input and every weight, causal self-attention', () => {
    setSeed(5);
    const mha = new MultiHeadAttention({
      numHeads: 2,
      keyDim: 2,
      dtype: 'float64',
      biasInitializer: 'randomNormal',
    });
    const x = batchOf(2, 3, 4, 9);
    mha.apply(x);
    const causal = {
      apply: (xi: Tensor, o: { training?: boolean }) => mha.apply([xi, xi], { ...o, useCausalMask: true }),
      get trainableWeights() {
        return mha.trainableWeights;
      },
    };
    expect(gradcheckLayer(causal as unknown as MultiHeadAttention, x).ok).toBe(true);
  });

  test('bad arguments and inputs name the layer', () => {
    expect(() => new MultiHeadAttention({ numHeads: 0, keyDim: 2 })).toThrow(/MultiHeadAttention: numHeads/);
    const mha = new MultiHeadAttention({ numHeads: 1, keyDim: 2 });
    expect(() => mha.apply([batchOf(1, 2, 3, 1, 'float32'), batchOf(2, 2, 3, 1, 'float32')])).toThrow(
      /must share the batch axis/,
    );
    expect(() => mha.apply(tensor([1, 2]))).toThrow(/\[batch, steps, features\]/);
    const x = batchOf(1, 2, 3, 1, 'float32');
    expect(() => mha.apply([x, x], { attentionMask: tensor([[1, 0, 1]]) })).toThrow(
      /attentionMask must be \[batch, 2, 2\]/,
    );
  });
});
