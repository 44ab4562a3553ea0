/**
 * scaledDotProductAttention beyond the op table: the float32 fused path (wasm gemm when
 * available) against float64, the unrecorded fused backward against the recorded rules,
 * causality, and error messages. einsum and band-mask errors too.
 */
import {
  Tensor,
  einsum,
  grad,
  randn,
  scaledDotProductAttention,
  setSeed,
  tensor,
  triu,
} from '@zen/autograd-core';
import { expectClose } from '../helpers/assert';

setSeed(7);
const q64 = randn([2, 4, 16, 8], { dtype: 'float64' });
const k64 = randn([2, 4, 16, 8], { dtype: 'float64' });
const v64 = randn([2, 4, 16, 8], { dtype: 'float64' });

test('float32 (fused kernels on the default backend) agrees with float64', () => {
  const f = (q: Tensor, k: Tensor, v: Tensor) =>
    scaledDotProductAttention(q, k, v, { causal: true }).square().sum();
  const [q, k, v] = [q64, k64, v64].map((t) => t.astype('float32'));
  const g32 = grad(f, [0, 1, 2])(q, k, v);
  const g64 = grad(f, [0, 1, 2])(q64, k64, v64);
  expectClose(
    scaledDotProductAttention(q, k, v, { causal: true }).astype('float64'),
    scaledDotProductAttention(q64, k64, v64, { causal: true }),
    1e-5,
  );
  g32.forEach((g, i) => expectClose(g.astype('float64'), g64[i], 1e-4));
});

test('the unrecorded (fused) backward equals the recorded one', () => {
  const f = (q: Tensor, k: Tensor, v: Tensor) =>
    scaledDotProductAttention(q, k, v, { causal: true, scale: 0.3 }).mul(v.sum(-1, true)).sum();
  const fused = grad(f, [0, 1, 2])(q64, k64, v64);
  // Recording the backward (createGraph) takes the Tensor-op rules.
  const [q, k, v] = [q64, k64, v64].map((t) => new Tensor(t.data, t.shape, true));
  f(q, k, v).backward(undefined, { createGraph: true });
  [q, k, v].forEach((t, i) => expectClose(t.grad!, fused[i], 1e-12));
});

test('causal: outputs at step t do not depend on later steps', () => {
  const out = scaledDotProductAttention(q64, k64, v64, { causal: true });
  const k2 = k64.clone();
  const v2 = v64.clone();
  for (let i = 0; i < k2.size; i++)
    if (Math.floor(i / 8) % 16 >= 10) {
      k2.data[i] = 5;
      v2.data[i] = -3;
    }
  const changed = scaledDotProductAttention(q64, k2, v2, { causal: true });
  const firstSteps = (t: Tensor) => t.slice([0, 0, 0, 0], [2, 4, 10, 8]);
  expectClose(firstSteps(changed), firstSteps(out), 0);
  expect(
    changed
      .slice([0, 0, 10, 0], [2, 4, 6, 8])
      .sub(out.slice([0, 0, 10, 0], [2, 4, 6, 8]))
      .abs()
      .max()
      .item(),
  ).toBeGreaterThan(0.1);
});

test('errors name the op and the shapes', () => {
  const a = randn([2, 3, 4]);
  expect(() => scaledDotProductAttention(a, randn([2, 3, 5]), a)).toThrow(
    /scaledDotProductAttention: q \[2, ?3, ?4\].*last axis/,
  );
  expect(() => scaledDotProductAttention(a, a, randn([2, 5, 4]))).toThrow(/same number of steps/);
  expect(() => scaledDotProductAttention(a, a, a, { mask: tensor([1, 0]) })).toThrow(
    /scaledDotProductAttention/,
  );
  expect(() => scaledDotProductAttention(a, a, a, { dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
  expect(() => einsum('ij,jk->ik', randn([2, 3]), randn([4, 2]))).toThrow(/einsum 'ij,jk->ik': index 'j'/);
  expect(() => einsum('ij->k', randn([2, 3]))).toThrow(/output index 'k'/);
  expect(() => einsum('ijk', randn([2, 3]))).toThrow(/names 3 axes/);
  expect(() => triu(tensor([1, 2]))).toThrow(/triu: needs at least 2 axes/);
});
