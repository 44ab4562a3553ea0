/**
 * The fused convolution layer op act(conv2d(x, w) + b): the wasm kernels against the
 * TypeScript ones (the oracle) on random geometries, the op against the composite
 * conv2d → biasActivation (values and gradients), finite differences in float64 for
 * first and second derivatives, forward mode, and errors.
 */
import {
  type BiasActivation,
  type Conv2DOptions,
  type Tensor,
  biasActivation,
  conv2d,
  conv2dBiasActivation,
  getBackend,
  grad,
  gradcheck,
  gradgradcheck,
  jvp,
  makeGenerator,
  maxPool2d,
  noGrad,
  setBackend,
  tensor,
  tsBackend,
} from '@zen/autograd-core';
import { windowGeometry } from '../src/kernels/conv';
import type { ConvUpstream } from '../src/kernels/conv-bias-activation';

afterEach(() => setBackend('wasm'));

const ACTIVATIONS: BiasActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

function randomData(type: 'float32' | 'float64', size: number, next: () => number) {
  const data = type === 'float32' ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = 2 * next() - 1;
  return data;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) {
      throw new Error(`${what}: element ${i} is ${got[i]}, expected ${want[i]}`);
    }
  }
}

describe.each(ACTIVATIONS)('wasm fused convolution kernels against the TypeScript ones, %s', (activation) => {
  test('forward and all three gradients on 24 random geometries (float32)', () => {
    const next = makeGenerator(`fused ${activation}`);
    const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
    for (let index = 0; index < 24; index++) {
      const padding = next() < 0.5 ? 'valid' : 'same';
      const [kh, kw] = [int(1, 3), int(1, 3)];
      const strides: [number, number] = [int(1, 2), int(1, 2)];
      const dilation: [number, number] = [int(1, 2), int(1, 2)];
      const shape = [int(1, 2), int(5, 9), int(5, 9), [1, 2, 3, 4, 8][int(0, 4)]];
      const F = [1, 3, 4, 8, 9, 16][int(0, 5)];
      const g = windowGeometry('test', shape, [kh, kw], strides, dilation, padding);
      const x = randomData(
        'float32',
        shape.reduce((a, b) => a * b),
        next,
      );
      const w = randomData('float32', kh * kw * shape[3] * F, next);
      const b = randomData('float32', F, next);
      const outSize = g.batch * g.outH * g.outW * F;
      const dy = randomData('float32', outSize, next);
      // A max pool of the output (2×2 or overlapping 3×3 windows, stride 2) for the pooled form.
      const poolSize = int(2, 3);
      const pool =
        g.outH >= poolSize && g.outW >= poolSize
          ? windowGeometry(
              'pool',
              [g.batch, g.outH, g.outW, F],
              [poolSize, poolSize],
              [2, 2],
              [1, 1],
              'valid',
            )
          : null;
      const pooledSize = pool ? pool.batch * pool.outH * pool.outW * F : 0;
      const gp = randomData('float32', pooledSize, next);
      const run = (backend: string) => {
        setBackend(backend);
        const kernels = getBackend();
        const y = new Float32Array(outSize).fill(7);
        kernels.conv2dBiasActivation(x, w, b, g, F, activation, y);
        const gradients = (upstream: ConvUpstream) => {
          const grads = {
            dx: new Float32Array(x.length).fill(7),
            dFilters: new Float32Array(w.length).fill(7),
            dBias: new Float32Array(F).fill(7),
          };
          kernels.conv2dBiasActivationBackward(x, w, upstream, g, F, activation, grads);
          return grads;
        };
        // Both backends differentiate at the TypeScript output, so ReLU's mask is the same.
        const yRef = backend === 'ts' ? y : reference.y;
        const direct = gradients({ dy, y: yRef });
        if (!pool) return { y, direct, pooled: null };
        const pooled = new Float32Array(pooledSize);
        const argmax = new Int32Array(pooledSize);
        tsBackend.maxPool2d(yRef, pool, pooled, argmax);
        return { y, direct, pooled: gradients({ pooledGrad: gp, pooled, argmax, outputSize: outSize }) };
      };
      const reference = { y: new Float32Array(0) };
      const want = run('ts');
      reference.y = want.y;
      const got = run('wasm');
      const what = `${activation} case ${index} ${JSON.stringify({ shape, F, kh, kw, strides, dilation, padding })}`;
      expectClose(got.y, want.y, 1e-5, `${what} output`);
      for (const form of ['direct', 'pooled'] as const) {
        const [gotGrads, wantGrads] = [got[form], want[form]];
        if (!gotGrads || !wantGrads) continue;
        expectClose(gotGrads.dx, wantGrads.dx, 1e-5, `${what} ${form} dx`);
        expectClose(gotGrads.dFilters, wantGrads.dFilters, 1e-4, `${what} ${form} dFilters`);
        expectClose(gotGrads.dBias, wantGrads.dBias, 1e-4, `${what} ${form} dBias`);
      }
    }
  });
});

test('the backward kernel computes only the bias gradient when the other two are null', () => {
  setBackend('wasm');
  const g = windowGeometry('test', [1, 4, 4, 2], [3, 3], [1, 1], [1, 1], 'valid');
  const next = makeGenerator('skip');
  const x = randomData('float32', 32, next);
  const w = randomData('float32', 36, next);
  const y = randomData('float32', 8, next);
  const dy = randomData('float32', 8, next);
  const dBias = new Float32Array(2);
  getBackend().conv2dBiasActivationBackward(x, w, { dy, y }, g, 2, 'relu', {
    dx: null,
    dFilters: null,
    dBias,
  });
  const want = [0, 1].map((f) =>
    [0, 1, 2, 3].reduce((s, p) => s + (y[p * 2 + f] > 0 ? dy[p * 2 + f] : 0), 0),
  );
  expectClose(dBias, want, 1e-6, 'dBias alone');
});

describe('conv2dBiasActivation op', () => {
  const input = (shape: number[], seed: string, dtype: 'float32' | 'float64' = 'float64') => {
    const next = makeGenerator(seed);
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(
      Array.from({ length: n }, () => 2 * next() - 1),
      { shape, dtype, requiresGrad: true },
    );
  };
  const options: Conv2DOptions[] = [{}, { padding: 'same', strides: 2 }, { padding: 'same', dilation: 2 }];

  describe.each(['ts', 'wasm'])("on backend '%s'", (backend) => {
    test.each(ACTIVATIONS)(
      '%s: values and gradients equal conv2d then biasActivation (float32)',
      (activation) => {
        setBackend(backend);
        const x = input([2, 7, 6, 3], 'x', 'float32');
        const w = input([3, 3, 3, 8], 'w', 'float32');
        const b = input([8], 'b', 'float32');
        for (const opts of options) {
          const fused = (a: Tensor, k: Tensor, c: Tensor) => conv2dBiasActivation(a, k, c, activation, opts);
          const composite = (a: Tensor, k: Tensor, c: Tensor) =>
            biasActivation(conv2d(a, k, opts), c, activation);
          expectClose(
            fused(x, w, b).data,
            composite(x, w, b).data,
            1e-5,
            `${activation} ${JSON.stringify(opts)}`,
          );
          // A weighted sum, so every output element's gradient differs.
          const weights = input([...fused(x, w, b).shape], 'weights', 'float32');
          const loss = (f: typeof fused) => (a: Tensor, k: Tensor, c: Tensor) =>
            f(a, k, c).mul(weights).sum();
          const got = grad(loss(fused), [0, 1, 2])(x, w, b);
          const want = grad(loss(composite), [0, 1, 2])(x, w, b);
          got.forEach((gi, i) => expectClose(gi.data, want[i].data, 1e-4, `${activation} gradient ${i}`));
        }
      },
    );
  });

  test.each(ACTIVATIONS)(
    '%s: first and second derivatives match finite differences (float64)',
    (activation) => {
      const x = input([2, 5, 5, 2], 'x64');
      const w = input([2, 3, 2, 3], 'w64');
      const b = input([3], 'b64');
      for (const opts of options) {
        const f = (a: Tensor, k: Tensor, c: Tensor) => conv2dBiasActivation(a, k, c, activation, opts);
        expect(gradcheck(f, [x, w, b]).ok).toBe(true);
        expect(gradgradcheck(f, [x, w, b]).ok).toBe(true);
      }
    },
  );

  test('forward mode equals the central difference, with tangents on every input or on the bias alone', () => {
    const x = input([1, 5, 5, 2], 'jx');
    const w = input([3, 3, 2, 3], 'jw');
    const b = input([3], 'jb');
    const f = (a: Tensor, k: Tensor, c: Tensor) => conv2dBiasActivation(a, k, c, 'tanh', { padding: 'same' });
    const eps = 1e-6;
    const central = (h: (s: number) => Tensor) =>
      h(eps)
        .sub(h(-eps))
        .div(2 * eps);
    const [tx, tw, tb] = [input([1, 5, 5, 2], 'tx'), input([3, 3, 2, 3], 'tw'), input([3], 'tb')];
    const [, all] = jvp(f, [x, w, b], [tx, tw, tb]);
    const numericAll = central((s) => f(x.add(tx.mul(s)), w.add(tw.mul(s)), b.add(tb.mul(s))).detach());
    expect(all.shape).toEqual(numericAll.shape);
    expectClose(all.data, numericAll.data, 1e-7, 'tangent of all inputs');
    const [, biasOnly] = jvp((c: Tensor) => f(x, w, c), [b], [tb]);
    const numericBias = central((s) => f(x, w, b.add(tb.mul(s))).detach());
    expect(biasOnly.shape).toEqual(numericBias.shape);
    expectClose(biasOnly.data, numericBias.data, 1e-7, 'tangent of the bias alone');
  });

  test('forward over reverse (jvp of grad) equals the composite conv2d then biasActivation', () => {
    const x = input([1, 5, 5, 2], 'fx');
    const w = input([3, 3, 2, 3], 'fw');
    const b = input([3], 'fb');
    const tw = input([3, 3, 2, 3], 'ftw');
    const weights = input([1, 3, 3, 3], 'fweights');
    const gradOfW = (layer: (a: Tensor, k: Tensor, c: Tensor) => Tensor) => (k: Tensor) =>
      grad((kk: Tensor) => layer(x, kk, b).mul(weights).sum())(k)[0];
    const fused = (a: Tensor, k: Tensor, c: Tensor) => conv2dBiasActivation(a, k, c, 'sigmoid');
    const composite = (a: Tensor, k: Tensor, c: Tensor) => biasActivation(conv2d(a, k), c, 'sigmoid');
    // Without recording, the backward pass is not a graph: the tangent must still flow through it.
    const [, got] = noGrad(() => jvp(gradOfW(fused), [w], [tw]));
    const [, want] = noGrad(() => jvp(gradOfW(composite), [w], [tw]));
    expectClose(got.data, want.data, 1e-12, 'tangent of the filter gradient');
  });

  describe.each(['ts', 'wasm'])("max pooling the layer's output, on backend '%s'", (backend) => {
    test.each(ACTIVATIONS)(
      '%s: one node with the layer; values and gradients equal the composite ops',
      (activation) => {
        setBackend(backend);
        const x = input([2, 9, 8, 3], 'px', 'float32');
        const w = input([3, 3, 3, 8], 'pw', 'float32');
        const b = input([8], 'pb', 'float32');
        for (const pool of [{ poolSize: 2 }, { poolSize: 3, strides: 2 }] as const) {
          const fused = (a: Tensor, k: Tensor, c: Tensor) =>
            maxPool2d(conv2dBiasActivation(a, k, c, activation), pool);
          const composite = (a: Tensor, k: Tensor, c: Tensor) =>
            maxPool2d(biasActivation(conv2d(a, k), c, activation), pool);
          const out = fused(x, w, b);
          expect(out.node?.op.name).toBe('maxPool2dOfConv2dBiasActivation');
          expectClose(out.data, composite(x, w, b).data, 1e-5, `${activation} ${JSON.stringify(pool)}`);
          const weights = input([...out.shape], 'pweights', 'float32');
          const loss = (f: typeof fused) => (a: Tensor, k: Tensor, c: Tensor) =>
            f(a, k, c).mul(weights).sum();
          const got = grad(loss(fused), [0, 1, 2])(x, w, b);
          const want = grad(loss(composite), [0, 1, 2])(x, w, b);
          got.forEach((gi, i) =>
            expectClose(gi.data, want[i].data, 1e-4, `${activation} pooled gradient ${i}`),
          );
        }
      },
    );

    test('an output used by the pool and elsewhere gets both gradients', () => {
      setBackend(backend);
      const x = input([1, 7, 7, 2], 'ux', 'float32');
      const w = input([3, 3, 2, 4], 'uw', 'float32');
      const b = input([4], 'ub', 'float32');
      const loss = (layer: (a: Tensor, k: Tensor, c: Tensor) => Tensor) => (k: Tensor) => {
        const y = layer(x, k, b);
        return maxPool2d(y).sum().add(y.square().sum());
      };
      const [got] = grad(loss((a, k, c) => conv2dBiasActivation(a, k, c, 'relu')))(w);
      const [want] = grad(loss((a, k, c) => biasActivation(conv2d(a, k), c, 'relu')))(w);
      expectClose(got.data, want.data, 1e-4, 'filter gradient');
    });
  });

  test('pooled: first and second derivatives match finite differences, forward mode the central difference (float64)', () => {
    const x = input([2, 6, 6, 2], 'qx');
    const w = input([2, 2, 2, 3], 'qw');
    const b = input([3], 'qb');
    for (const activation of ACTIVATIONS) {
      const f = (a: Tensor, k: Tensor, c: Tensor) =>
        maxPool2d(conv2dBiasActivation(a, k, c, activation), { poolSize: 3, strides: 2 });
      expect(gradcheck(f, [x, w, b]).ok).toBe(true);
      expect(gradgradcheck(f, [x, w, b]).ok).toBe(true);
      const tangents = [input([2, 6, 6, 2], 'qtx'), input([2, 2, 2, 3], 'qtw'), input([3], 'qtb')];
      const [, tangent] = jvp(f, [x, w, b], tangents);
      const eps = 1e-6;
      const shifted = (s: number) =>
        f(x.add(tangents[0].mul(s)), w.add(tangents[1].mul(s)), b.add(tangents[2].mul(s))).detach();
      const numeric = shifted(eps)
        .sub(shifted(-eps))
        .div(2 * eps);
      expectClose(tangent.data, numeric.data, 1e-7, `${activation} pooled tangent`);
    }
  });

  test('bad bias or activation: errors name the op and the shapes', () => {
    const x = input([1, 5, 5, 2], 'ex');
    const w = input([3, 3, 2, 3], 'ew');
    expect(() => conv2dBiasActivation(x, w, input([4], 'eb'), 'relu')).toThrow(
      'conv2dBiasActivation: bias [4] must be [3], one per filter of [3,3,2,3]',
    );
    expect(() => conv2dBiasActivation(x, w, input([3], 'eb'), 'softmax' as BiasActivation)).toThrow(
      "conv2dBiasActivation: unsupported activation 'softmax'",
    );
    expect(() => conv2dBiasActivation(x, input([3, 3, 1, 3], 'ew'), input([3], 'eb'), 'relu')).toThrow(
      'conv2dBiasActivation: input [1,5,5,2] has 2 channels but filters [3,3,1,3] expect 1',
    );
  });
});
