/**
 * The wasm backend's layer normalisation against the TypeScript kernels (the oracle): the
 * output, each row's statistics and the three gradients, on row lengths around the four
 * SIMD lanes, with any subset of gradients; float64 keeps the TypeScript kernel.
 */
import { makeGenerator } from '@zen/autograd-core';
import { tsKernels } from '../src/kernels';
import { type WasmBackend, createWasmBackend } from '../src/wasm/backend';

let backend: WasmBackend;
beforeAll(() => {
  const created = createWasmBackend(0);
  if ('error' in created) throw new Error(created.error);
  backend = created;
});

function values(n: number, seed: string, offset = 0): Float32Array {
  const next = makeGenerator(seed);
  return Float32Array.from({ length: n }, () => offset + 3 * (2 * next() - 1));
}

function expectNear(got: Float32Array | null, want: Float32Array | null, tol: number, what: string): void {
  expect(got === null).toBe(want === null);
  if (!got || !want) return;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) {
      throw new Error(`${what}[${i}] = ${got[i]}, reference ${want[i]}`);
    }
  }
}

type LayerNormKernels = Pick<WasmBackend, 'layerNorm' | 'layerNormBackward'>;

test.each([
  [64, 128, [true, true, true]],
  [7, 13, [true, true, true]],
  [5, 3, [true, false, true]],
  [3, 9, [false, true, false]],
  [1, 1, [true, true, true]],
])('%i rows of %i (gradients %j): output, statistics and gradients match', (rows, n, wanted) => {
  const [wantDx, wantDgamma, wantDbeta] = wanted as boolean[];
  // An offset far from 0 makes the mean matter (and tests the variance's cancellation).
  const x = values(rows * n, `ln x ${rows} ${n}`, 40);
  const gamma = values(n, `ln gamma ${n}`);
  const beta = values(n, `ln beta ${n}`);
  const g = values(rows * n, `ln g ${rows} ${n}`);
  const run = (kernels: LayerNormKernels) => {
    const out = new Float32Array(rows * n);
    const mean = new Float32Array(rows);
    const rstd = new Float32Array(rows);
    kernels.layerNorm(x, gamma, beta, rows, n, 1e-5, out, mean, rstd);
    const grads = {
      dx: wantDx ? new Float32Array(rows * n) : null,
      dgamma: wantDgamma ? new Float32Array(n).fill(9) : null,
      dbeta: wantDbeta ? new Float32Array(n).fill(9) : null,
    };
    kernels.layerNormBackward(x, gamma, g, mean, rstd, rows, n, grads);
    return { out, mean, rstd, ...grads };
  };
  const want = run(tsKernels);
  const got = run(backend);
  expect(got.mean).toEqual(want.mean); // double-precision statistics rounded once, as the reference
  expect(got.rstd).toEqual(want.rstd);
  expectNear(got.out, want.out, 2e-6, 'out');
  expectNear(got.dx, want.dx, 2e-5, 'dx');
  expectNear(got.dgamma, want.dgamma, 2e-5, 'dgamma');
  expectNear(got.dbeta, want.dbeta, 2e-6, 'dbeta');
});

test('float64 keeps the TypeScript kernel (same bits)', () => {
  const x = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i));
  const gamma = Float64Array.from([1, 2, 3, 4]);
  const beta = Float64Array.from([0, 1, 0, -1]);
  const outs = [tsKernels, backend].map((kernels) => {
    const out = new Float64Array(12);
    kernels.layerNorm(x, gamma, beta, 3, 4, 1e-5, out, new Float64Array(3), new Float64Array(3));
    return out;
  });
  expect(outs[1]).toEqual(outs[0]);
});
