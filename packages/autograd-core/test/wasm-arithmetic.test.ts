/**
 * The wasm backend's float32 add/sub/mul, ReLU gradient, sum along an axis, bias + activation
 * and its gradients, sums of squares, and gemm + bias
 * against the TypeScript kernels (the oracle): bit for bit, on lengths that are not
 * multiples of the four SIMD lanes, with scalar operands, in place, with ±∞ and NaN;
 * what the wasm kernels do not cover (other ops, dtypes, small arrays) still matches.
 */
import { tsKernels } from '../src/kernels';
import type { BinaryKernel } from '../src/kernels/elementwise';
import { type WasmBackend, createWasmBackend } from '../src/wasm/backend';
import { makeGenerator } from '@zen/autograd-core';

let backend: WasmBackend;
beforeAll(() => {
  const created = createWasmBackend(0);
  if ('error' in created) throw new Error(created.error);
  backend = created;
});

function values(n: number, seed: string): Float32Array {
  const next = makeGenerator(seed);
  return Float32Array.from({ length: n }, () => 10 * (2 * next() - 1));
}

/** Same bits (−0 differs from +0), or both NaN (whose payload bits may differ). */
function expectSame(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i])))
      throw new Error(`element ${i}: ${got[i]}, reference ${want[i]}`);
  }
}

describe.each<BinaryKernel>(['add', 'sub', 'mul', 'gatePositive', 'maximum'])('binary %s', (op) => {
  test.each([
    [4099, 1, 1],
    [2050, 1, 0],
    [2051, 0, 1],
    [5, 1, 1],
  ])('n = %i, steps %i and %i, same bits as the TypeScript kernel', (n, sa, sb) => {
    const a = values(sa ? n : 1, `a ${op} ${n}`);
    const b = values(sb ? n : 1, `b ${op} ${n}`);
    if (sa && sb) {
      a.set([Infinity, -Infinity, NaN, 0, -0, 3, -2, NaN].slice(0, n));
      b.set([-Infinity, 2, 1, -0, -0, NaN, 0, -1].slice(0, n));
    }
    const want = new Float32Array(n);
    const got = new Float32Array(n);
    tsKernels.binary(op, a, sa, b, sb, want);
    backend.binary(op, a, sa, b, sb, got);
    expectSame(got, want);
  });
});

test('binary add in place (out is a) and from a view at an offset', () => {
  const n = 3001;
  const whole = values(n + 7, 'view');
  const a = whole.subarray(7);
  const b = values(n, 'b in place');
  const want = new Float32Array(n);
  tsKernels.binary('add', a, 1, b, 1, want);
  const inPlace = Float32Array.from(a);
  backend.binary('add', inPlace, 1, b, 1, inPlace);
  expectSame(inPlace, want);
  const got = new Float32Array(n);
  backend.binary('add', a, 1, b, 1, got);
  expectSame(got, want);
});

test('int32 and float64 operands keep the TypeScript kernel', () => {
  const n = 4096;
  const a = Int32Array.from({ length: n }, (_, i) => i - 2000);
  const out = new Int32Array(n);
  backend.binary('add', a, 1, a, 1, out);
  expect(out[4095]).toBe(2 * 2095);
  const d = Float64Array.from({ length: n }, (_, i) => i / 3);
  const outD = new Float64Array(n);
  backend.binary('mul', d, 1, d, 1, outD);
  expect(outD[3]).toBe(1);
});

test.each([
  [1, 1024, 128],
  [3, 700, 12],
  [2, 7, 8], // four rows at a time, then three
  [1, 3, 16], // fewer than four rows
  [2, 5, 1028],
  [1, 3000, 1], // inner not a multiple of 4: the TypeScript kernel
])('sum over the middle axis of [%i, %i, %i]: same bits as the TypeScript kernel', (outer, n, inner) => {
  const src = values(outer * n * inner, `sum ${outer} ${n} ${inner}`);
  const want = new Float32Array(outer * inner).fill(7);
  const got = new Float32Array(outer * inner).fill(7);
  tsKernels.reduceAxis('sum', src, outer, n, inner, want);
  backend.reduceAxis('sum', src, outer, n, inner, got);
  expectSame(got, want);
});

test('max along an axis keeps the TypeScript kernel', () => {
  const src = values(4 * 1024, 'max');
  const want = new Float32Array(4);
  const got = new Float32Array(4);
  tsKernels.reduceAxis('max', src, 1, 1024, 4, want);
  backend.reduceAxis('max', src, 1, 1024, 4, got);
  expectSame(got, want);
});

test.each([
  ['linear', 64, 128],
  ['relu', 50, 44],
  ['relu', 700, 3],
  ['tanh', 40, 64],
] as const)(
  'bias + %s on %i rows of %i: same bits as the TypeScript kernel',
  (activation, rows, channels) => {
    const z = values(rows * channels, `z ${activation} ${channels}`);
    z.set([NaN, -0, Infinity]);
    const bias = values(channels, `bias ${activation} ${channels}`);
    bias[1] = 0;
    const want = new Float32Array(z.length);
    const got = new Float32Array(z.length);
    tsKernels.biasActivation(activation, z, bias, want);
    backend.biasActivation(activation, z, bias, got);
    if (activation === 'tanh') expect(got).toEqual(want);
    else expectSame(got, want);
  },
);

test.each([
  ['linear', 64, 128],
  ['relu', 64, 128],
  ['relu', 700, 3],
  ['sigmoid', 48, 50],
  ['tanh', 40, 64],
] as const)(
  'gradients of bias + %s on %i rows of %i: dz and the bias gradient as the TypeScript kernel',
  (activation, rows, channels) => {
    const g = values(rows * channels, `g ${activation} ${channels}`);
    g.set([NaN, Infinity, 2.5]);
    const z = values(rows * channels, `y ${activation} ${channels}`);
    const y = new Float32Array(z.length);
    tsKernels.biasActivation(activation, z, new Float32Array(channels), y);
    y[2] = -0; // the ReLU gate is closed at −0 and 0
    const run = (kernels: Pick<WasmBackend, 'biasActivationGrad'>) => {
      const dz = new Float32Array(g.length).fill(NaN);
      const dBias = new Float32Array(channels).fill(NaN);
      kernels.biasActivationGrad(activation, g, y, dz, dBias);
      return { dz, dBias };
    };
    const want = run(tsKernels);
    const got = run(backend);
    if (activation === 'linear' || activation === 'relu') {
      expectSame(got.dz, want.dz);
      expectSame(got.dBias, want.dBias); // the same sums in the same (row) order
    } else {
      // The TypeScript kernel rounds g·act'(y) once, the wasm kernel after each operation:
      // act'(y) (1 − y² or y − y²) is then off by an ulp of 1 or so, times |g|.
      for (let i = 2; i < g.length; i++) {
        const bound = 2.5e-7 * Math.abs(g[i]) + 1.2e-7 * Math.abs(want.dz[i]);
        expect(Math.abs(got.dz[i] - want.dz[i])).toBeLessThanOrEqual(bound);
      }
      for (let c = 2; c < channels; c++) expect(got.dBias[c]).toBeCloseTo(want.dBias[c], 4);
    }
    if (activation === 'relu') expect(got.dz[2]).toBe(0);
    // The NaN and ∞ of g stay visible in dz and in their columns' sums, whatever the gate.
    expect(Number.isNaN(got.dz[0]) && Number.isNaN(got.dBias[0])).toBe(true);
    // Each bias gradient is its column's sum.
    for (let c = 2; c < channels; c++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += got.dz[r * channels + c];
      expect(got.dBias[c]).toBeCloseTo(sum, 3);
    }
  },
);

test.each([0, 1, 7, 8, 9, 1037])(
  'sum of squares of %i floats in wasm memory: as the TypeScript kernel',
  (n) => {
    const a = backend.stateArray(n);
    a.set(values(n, `squares ${n}`));
    const want = tsKernels.sumOfSquares(a);
    // Both sum in double precision, in different orders.
    expect(Math.abs(backend.sumOfSquares(a) - want)).toBeLessThanOrEqual(1e-13 * want);
    if (n < 9) return;
    a[n - 1] = Infinity; // in the scalar tail
    expect(backend.sumOfSquares(a)).toBe(Infinity);
    a[3] = NaN; // in a vector
    expect(backend.sumOfSquares(a)).toBeNaN();
  },
);

test('an array outside wasm memory: the sum of squares of the TypeScript kernel', () => {
  const a = values(100, 'squares outside');
  expect(backend.sumOfSquares(a)).toBe(tsKernels.sumOfSquares(a));
});

test.each([
  [37, 13, 29],
  [256, 128, 64],
  [1, 5, 3],
])('gemm + bias of [%i, %i]·[%i]: the product and the bias pass of the TypeScript kernels', (m, n, k) => {
  const a = values(m * k, `gemm bias a ${m}`);
  const b = values(k * n, `gemm bias b ${n}`);
  const bias = values(n, `gemm bias ${k}`);
  const want = new Float32Array(m * n);
  const got = new Float32Array(m * n).fill(NaN);
  tsKernels.gemmBias(m, n, k, a, b, bias, want);
  backend.gemmBias(m, n, k, a, b, bias, got);
  // Float32 rounding of sums of k products of values up to 10 in size (the orders differ).
  const tolerance = 1e-6 * 100 * k;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tolerance)) {
      throw new Error(`element ${i}: ${got[i]}, reference ${want[i]}`);
    }
  }
});
