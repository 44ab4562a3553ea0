/**
 * layerNorm, gelu and linear beyond the op table: float32 kernels on the default backend against
 * float64, the unrecorded (fused) backward passes against the recorded rules, and errors.
 */
import { Tensor, gelu, grad, layerNorm, linear, randn, setSeed, tensor } from '@zen/autograd-core';
import { expectClose } from '../helpers/assert';

setSeed(11);
const x64 = randn([3, 5, 24], { dtype: 'float64' }).mul(2).add(0.5);
const gamma64 = randn([24], { dtype: 'float64' });
const beta64 = randn([24], { dtype: 'float64' });
const weights64 = randn([3, 5, 24], { dtype: 'float64' });

const normLoss = (x: Tensor, g: Tensor, b: Tensor) =>
  layerNorm(x, g, b, { epsilon: 1e-5 }).mul(weights64.astype(x.dtype)).square().sum();

test('layerNorm in float32 agrees with float64, value and gradients', () => {
  const [x, g, b] = [x64, gamma64, beta64].map((t) => t.astype('float32'));
  expectClose(layerNorm(x, g, b).astype('float64'), layerNorm(x64, gamma64, beta64), 1e-5);
  const g32 = grad(normLoss, [0, 1, 2])(x, g, b);
  const g64 = grad(normLoss, [0, 1, 2])(x64, gamma64, beta64);
  g32.forEach((d, i) => expectClose(d.astype('float64'), g64[i], 1e-4));
});

test("layerNorm's fused backward equals the recorded rules", () => {
  const fused = grad(normLoss, [0, 1, 2])(x64, gamma64, beta64);
  const inputs = [x64, gamma64, beta64].map((t) => new Tensor(t.data, t.shape, true));
  normLoss(inputs[0], inputs[1], inputs[2]).backward(undefined, { createGraph: true });
  inputs.forEach((t, i) => expectClose(t.grad!, fused[i], 1e-12));
});

test('layerNorm normalises each row: mean 0, variance 1 before the affine part', () => {
  const y = layerNorm(x64, null, null, { epsilon: 0 });
  expectClose(y.mean(-1), tensor(new Array(15).fill(0), { shape: [3, 5], dtype: 'float64' }), 1e-12);
  expectClose(y.square().mean(-1), tensor(new Array(15).fill(1), { shape: [3, 5], dtype: 'float64' }), 1e-12);
});

test('layerNorm errors name the op and the shapes', () => {
  expect(() => layerNorm(randn([2, 4]), randn([3]))).toThrow(/layerNorm: gamma \[3\].*\[2, ?4\]/);
  expect(() => layerNorm(randn([2, 4]), null, randn([4, 1]))).toThrow(/layerNorm: beta/);
  expect(() => layerNorm(randn([2, 4]), null, null, { epsilon: -1 })).toThrow(/epsilon/);
});

test("gelu's fused backward equals the recorded rule, in float32 and float64", () => {
  const f = (x: Tensor) => gelu(x).mul(weights64.astype(x.dtype)).sum();
  for (const dtype of ['float32', 'float64'] as const) {
    const x = x64.astype(dtype);
    const [fused] = grad(f)(x);
    const recorded = new Tensor(x.data, x.shape, true);
    f(recorded).backward(undefined, { createGraph: true });
    expectClose(
      fused.astype('float64'),
      recorded.grad!.astype('float64'),
      dtype === 'float32' ? 1e-6 : 1e-14,
    );
  }
});

test('linear: float32 equals matmul then add; an empty depth gives the bias; errors name the shapes', () => {
  const x = randn([2, 3, 5]);
  const w = randn([5, 4]);
  const b = randn([4]);
  expectClose(linear(x, w, b), x.matmul(w).add(b), 1e-6);
  expect(linear(randn([2, 0]), randn([0, 3]), tensor([1, 2, 3])).toArray()).toEqual([
    [1, 2, 3],
    [1, 2, 3],
  ]);
  expect(() => linear(randn([2, 5]), randn([4, 3]), randn([3]))).toThrow(
    /linear: x \[2, ?5\], kernel \[4, ?3\] and bias \[3\]/,
  );
});
