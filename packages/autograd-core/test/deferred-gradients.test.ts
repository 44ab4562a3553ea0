/**
 * The engine's side of deferred weight gradients (kernels/deferred.ts), on a backend that
 * defers every weight gradient and leaves its output NaN until `settleDeferred`: any
 * read before the engine settles shows up as NaN in the gradients. Whatever path the
 * gradient takes (summed over two uses, through a reshape, accumulated across backward
 * calls, returned by the functional API), the gradients equal the TypeScript backend's bit
 * for bit; nothing is deferred while the backward pass records.
 */
import { type Tensor, grad, linear, registerBackend, setBackend, tsBackend } from '@zen/autograd-core';
import { makeInput } from './helpers/inputs';
import type { TypedArray } from '../src/dtype';

/** Products deferred so far and not settled: each finishes one output. */
const pending = new Map<TypedArray, () => void>();
let deferrals = 0;

// Said to run on two threads: only then does the linear op offer its weight gradients.
registerBackend('lazy-weight-gradients', {
  init: () => ({
    threads: 2,
    deferWeightGradient: (m, n, k, x, g, out) => {
      // Copies of x and g: a caller that changed them before settling would change nothing here.
      const [xs, gs] = [x.slice(), g.slice()];
      pending.set(out, () => tsBackend.gemm(true, false, k, n, m, xs, 0, gs, 0, out, 0));
      out.fill(NaN);
      deferrals++;
      return true;
    },
    settleDeferred: () => {
      for (const finish of pending.values()) finish();
      pending.clear();
    },
    isDeferred: (a) => pending.has(a),
  }),
});

afterEach(() => {
  setBackend('wasm');
  pending.clear();
});

function leaf(shape: number[], seed: string): Tensor {
  const t = makeInput({ shape, range: [-1, 1], dtype: 'float32' }, seed);
  t.requiresGrad = true;
  return t;
}

/**
 * x → linear(w1) → GELU → linear(w1) again → linear(w2 viewed as [8, 8]) → linear(w3 / 2)
 * → Σ y²: w1's gradient is a sum, w2's passes a reshape, w3's a rule that reads it.
 */
function model([x, w1, b, w2, w3]: Tensor[]): Tensor {
  const h = linear(x, w1, b).gelu();
  const y = linear(linear(linear(h, w1, b), w2.reshape([8, 8]), b), w3.mul(0.5), b);
  return y.mul(y).sum();
}

const make = () => [
  leaf([5, 8], 'x'),
  leaf([8, 8], 'w1'),
  leaf([8], 'b'),
  leaf([2, 4, 8], 'w2'),
  leaf([8, 8], 'w3'),
];

function gradients(backend: string, run: (params: Tensor[]) => void): number[][] {
  setBackend(backend);
  const params = make();
  run(params);
  return params.map((p) => Array.from(p.grad!.data));
}

test('backward: gradients summed over two uses, through a reshape and through a rule equal the TypeScript backend’s', () => {
  const want = gradients('ts', (p) => model(p).backward());
  deferrals = 0;
  const got = gradients('lazy-weight-gradients', (p) => model(p).backward());
  expect(deferrals).toBe(4);
  expect(pending.size).toBe(0);
  expect(got).toEqual(want);
});

test('gradients accumulated over two backward calls, and the functional API', () => {
  const twice = (p: Tensor[]) => {
    model(p).backward();
    model(p).backward();
  };
  expect(gradients('lazy-weight-gradients', twice)).toEqual(gradients('ts', twice));
  const functional = (backend: string) => {
    setBackend(backend);
    const [x, w1, b, w2, w3] = make();
    return grad((a: Tensor, c: Tensor, d: Tensor) => model([x, a, b, c, d]))(w1, w2, w3).map((g) =>
      Array.from(g.data),
    );
  };
  expect(functional('lazy-weight-gradients')).toEqual(functional('ts'));
});

test('nothing is deferred while recording (gradients of gradients)', () => {
  setBackend('lazy-weight-gradients');
  deferrals = 0;
  const params = make();
  model(params).backward(undefined, { createGraph: true });
  expect(deferrals).toBe(0);
  expect(params[1].grad!.requiresGrad).toBe(true);
});
