/**
 * The wasm backend's elementwise kernels against the TypeScript kernels (the oracle):
 * GELU forward and the fused backward product, on lengths that are not multiples of the
 * four SIMD lanes, over the whole line including the tails, ±∞ and NaN.
 */
import { tsKernels } from '../src/kernels';
import { type WasmBackend, createWasmBackend } from '../src/wasm/backend';
import { makeGenerator } from '@zen/autograd-core';

let backend: WasmBackend;
beforeAll(() => {
  const created = createWasmBackend(0);
  if ('error' in created) throw new Error(created.error);
  backend = created;
});

function values(n: number, spread: number, seed: string): Float32Array {
  const next = makeGenerator(seed);
  return Float32Array.from({ length: n }, () => spread * (2 * next() - 1));
}

test.each([
  [1, 3],
  [7, 3],
  [1037, 4],
  [4096, 16],
])('gelu of %i values in ±%i matches the TypeScript kernel to 1e-6 relative', (n, spread) => {
  const x = values(n, spread, `gelu ${n}`);
  const want = new Float32Array(n);
  const got = new Float32Array(n);
  tsKernels.gelu(x, want, false);
  backend.gelu(x, got, false);
  for (let i = 0; i < n; i++) {
    const error = Math.abs(got[i] - want[i]);
    if (!(error <= 1e-6 * Math.abs(want[i]) + 1e-37)) {
      throw new Error(`gelu(${x[i]}) = ${got[i]}, reference ${want[i]}`);
    }
  }
});

test('gelu keeps ±∞, NaN and the far tails as the TypeScript kernel does', () => {
  const x = Float32Array.from([Infinity, -Infinity, NaN, 0, -0, 30, -30, -12, 12, 1e-30]);
  const want = new Float32Array(x.length);
  const got = new Float32Array(x.length);
  tsKernels.gelu(x, want, false);
  backend.gelu(x, got, false);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(want[i]))
      expect(got[i]).toBe(want[i]); // Object.is: NaN is NaN
    else expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-6 * Math.abs(want[i]) + 1e-37);
  }
});

test.each([
  [5, 3],
  [1037, 4],
  [4096, 16],
])('g·gelu′(x) of %i values in ±%i matches the TypeScript kernel', (n, spread) => {
  const x = values(n, spread, `gelu' ${n}`);
  const g = values(n, 2, `g ${n}`);
  const want = new Float32Array(n);
  const got = new Float32Array(n);
  // Each backend's backward gets the forward output its own forward pass produced.
  const yWant = new Float32Array(n);
  const yGot = new Float32Array(n);
  tsKernels.gelu(x, yWant, false);
  backend.gelu(x, yGot, false);
  tsKernels.geluBackward(x, yWant, g, want);
  backend.geluBackward(x, yGot, g, got);
  // gelu′ = Φ + x·φ cancels near x ≈ −0.75: bound the error by the size of its two terms.
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const scale = Math.abs(g[i]) * (1 + Math.abs(v) * Math.exp(-0.5 * v * v));
    if (!(Math.abs(got[i] - want[i]) <= 1e-6 * scale + 1e-37)) {
      throw new Error(`${g[i]}·gelu′(${v}) = ${got[i]}, reference ${want[i]}`);
    }
  }
});

test('g·gelu′ at 0, in the far tails, at ±∞ and NaN, from the forward output, as the TypeScript kernel', () => {
  const x = Float32Array.from([
    0,
    -0,
    1e-30,
    -1e-30,
    13.9,
    -13.9,
    14,
    -14,
    30,
    -30,
    Infinity,
    -Infinity,
    NaN,
    -0.75,
  ]);
  const g = new Float32Array(x.length).fill(1);
  const y = new Float32Array(x.length);
  backend.gelu(x, y, false);
  const got = new Float32Array(x.length);
  backend.geluBackward(x, y, g, got);
  const want = new Float32Array(x.length);
  tsKernels.geluBackward(x, y, g, want);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i])) expect(got[i]).toBeNaN();
    else if (Number.isFinite(x[i])) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-6);
    // ±∞: x·φ(x) multiplies ∞ by an underflowed density; whatever that gives, both kernels agree.
    else if (Number.isNaN(want[i])) expect(got[i]).toBeNaN();
    else expect(got[i]).toBe(want[i]);
  }
  expect(got[0]).toBe(0.5); // Φ(0) = 1/2, not 0/0
});

test('float64 arrays go to the TypeScript kernels', () => {
  const x = Float64Array.from([-1, 0.5, 2]);
  const want = new Float64Array(3);
  const got = new Float64Array(3);
  tsKernels.gelu(x, want, false);
  backend.gelu(x, got, false);
  expect(Array.from(got)).toEqual(Array.from(want));
});

test('gelu, g·gelu′ and a sum of 100,003 values, computed by a helper thread alone, equal one call here', async () => {
  const created = createWasmBackend(1);
  if ('error' in created) throw new Error(created.error);
  const threaded = created;
  try {
    expect(await threaded.threads.ready()).toBe(1);
    const n = 100_003;
    const x = values(n, 8, 'threaded gelu');
    const g = values(n, 2, 'threaded g');
    const want = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    backend.gelu(x, want[0], false);
    backend.geluBackward(x, want[0], g, want[1]);
    tsKernels.binary('add', x, 1, g, 1, want[2]);
    tsKernels.binary('mul', x, 1, g.subarray(5, 6), 0, want[3]);
    const got = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    const { joined } = threaded.threads.stats;
    threaded.threads.callerComputes = false;
    try {
      threaded.gelu(x, got[0], false);
      threaded.geluBackward(x, got[0], g, got[1]);
      threaded.binary('add', x, 1, g, 1, got[2]);
      threaded.binary('mul', x, 1, g.subarray(5, 6), 0, got[3]); // a scalar operand
    } finally {
      threaded.threads.callerComputes = true;
    }
    expect(threaded.threads.stats.joined - joined).toBe(4);
    expect(got).toEqual(want);
  } finally {
    threaded.threads.stop();
  }
});
