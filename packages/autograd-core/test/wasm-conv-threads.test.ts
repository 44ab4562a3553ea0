/**
 * Convolutions cut into blocks of images shared with a helper thread: the forward pass
 * and the input gradient equal the one-thread kernels bit for bit (each value is summed
 * in the same order), the filter gradient (a sum of per-block partial sums) agrees to
 * rounding and is the same whichever thread runs which block; odd batches, batch 1,
 * direct and im2col kernels, and the fused layer.
 */
import { makeGenerator } from '@zen/autograd-core';
import { type WindowGeometry, windowGeometry } from '../src/kernels/conv';
import { type WasmBackend, createWasmBackend } from '../src/wasm/backend';
import { convThreading } from '../src/wasm/conv-heap';

let one: WasmBackend;
let two: WasmBackend;

const defaultMinMacs = convThreading.minMacs;

beforeAll(async () => {
  // Share convolutions from 2¹⁸ multiply-adds, so that small cases run on both threads.
  convThreading.minMacs = 1 << 18;
  const [a, b] = [createWasmBackend(0), createWasmBackend(1)];
  if ('error' in a || 'error' in b) throw new Error('wasm backend unavailable');
  [one, two] = [a, b];
  expect(await two.threads.ready()).toBe(1);
});
afterAll(() => {
  convThreading.minMacs = defaultMinMacs;
  two.threads.stop();
});

interface Case {
  shape: [number, number, number, number];
  kernel: [number, number];
  F: number;
  strides?: [number, number];
  dilation?: [number, number];
  padding?: 'valid' | 'same';
  /** Whether the batch is large enough to be shared. */
  shared: boolean;
}

const CASES: Case[] = [
  { shape: [13, 14, 14, 3], kernel: [3, 3], F: 9, shared: true }, // direct, odd batch
  { shape: [16, 13, 13, 8], kernel: [3, 3], F: 16, shared: true }, // the benchmark's second layer
  { shape: [7, 21, 20, 4], kernel: [3, 2], F: 8, strides: [2, 1], padding: 'same', shared: true }, // im2col
  { shape: [5, 17, 17, 4], kernel: [2, 3], F: 12, dilation: [2, 1], shared: true },
  { shape: [1, 40, 40, 4], kernel: [3, 3], F: 8, shared: false }, // batch 1
  { shape: [3, 6, 6, 2], kernel: [3, 3], F: 4, shared: false }, // below the threshold
];

function random(size: number, next: () => number): Float32Array {
  return Float32Array.from({ length: size }, () => 2 * next() - 1);
}

/** |got − want| within float32 rounding of sums whose absolute terms add up to `bound`. */
function expectClose(got: Float32Array, want: Float32Array, bound: Float32Array, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-5 * bound[i])) {
      throw new Error(`${what}: element ${i} is ${got[i]}, expected ${want[i]}`);
    }
  }
}

/** Σ|x·dy| for each filter gradient entry: the filter gradient of |x| and |dy|. */
function filterBound(g: WindowGeometry, x: Float32Array, dy: Float32Array, F: number, size: number) {
  const bound = new Float32Array(size);
  one.conv2dBackpropFilter(x.map(Math.abs), dy.map(Math.abs), g, F, bound);
  return bound;
}

function setUp(c: Case, index: number) {
  const g: WindowGeometry = windowGeometry(
    'test',
    c.shape,
    c.kernel,
    c.strides ?? [1, 1],
    c.dilation ?? [1, 1],
    c.padding ?? 'valid',
  );
  const next = makeGenerator(`conv threads ${index}`);
  const x = random(
    c.shape.reduce((a, b) => a * b),
    next,
  );
  const w = random(c.kernel[0] * c.kernel[1] * c.shape[3] * c.F, next);
  const dy = random(g.batch * g.outH * g.outW * c.F, next);
  return { g, x, w, dy };
}

/** The three kernels' results on `backend`. */
function convolve(backend: WasmBackend, c: Case, index: number) {
  const { g, x, w, dy } = setUp(c, index);
  const out = new Float32Array(dy.length).fill(7);
  const dx = new Float32Array(x.length).fill(7);
  const dw = new Float32Array(w.length).fill(7);
  backend.conv2d(x, w, g, c.F, out);
  backend.conv2dBackpropInput(dy, w, g, c.F, dx);
  backend.conv2dBackpropFilter(x, dy, g, c.F, dw);
  return { out, dx, dw, bound: filterBound(g, x, dy, c.F, w.length) };
}

test.each(CASES.map((c, i) => [JSON.stringify(c), c, i] as const))(
  'blocks of images on two threads equal one thread: %s',
  (_, c, index) => {
    const want = convolve(one, c, index);
    const { posted } = two.threads.stats;
    const got = convolve(two, c, index);
    expect(two.threads.stats.posted > posted).toBe(c.shared && two.threads.available() > 0);
    expect(got.out).toEqual(want.out);
    expect(got.dx).toEqual(want.dx);
    expectClose(got.dw, want.dw, want.bound, 'filter gradient');
    // The helper alone (the calling thread only waits) computes the very same values.
    two.threads.callerComputes = false;
    try {
      const helper = convolve(two, c, index);
      expect(helper.out).toEqual(want.out);
      expect(helper.dx).toEqual(want.dx);
      expect(helper.dw).toEqual(got.dw);
    } finally {
      two.threads.callerComputes = true;
    }
  },
);

test.each(['pooled', 'direct'] as const)(
  'the fused layer, its max pool and the gradients with a %s upstream: the same on two threads',
  (form) => {
    // The benchmark's second layer on 40 images: outputs large enough to share every pass.
    const c: Case = { shape: [40, 13, 13, 8], kernel: [3, 3], F: 16, shared: true };
    const { g, x, w, dy } = setUp(c, 99);
    const next = makeGenerator(`fused threads ${form}`);
    const bias = random(c.F, next);
    const pool = windowGeometry('pool', [g.batch, g.outH, g.outW, c.F], [2, 2], [2, 2], [1, 1], 'valid');
    const pooledSize = pool.batch * pool.outH * pool.outW * c.F;
    const pooledGrad = random(pooledSize, next);
    const run = (backend: WasmBackend) => {
      const y = new Float32Array(dy.length);
      backend.conv2dBiasActivation(x, w, bias, g, c.F, 'relu', y);
      const pooled = new Float32Array(pooledSize);
      const argmax = new Int32Array(pooledSize);
      backend.maxPool2d(y, pool, pooled, argmax);
      const grads = {
        dx: new Float32Array(x.length),
        dFilters: new Float32Array(w.length),
        dBias: new Float32Array(c.F),
      };
      const upstream = form === 'pooled' ? { pooledGrad, pooled, argmax, outputSize: y.length } : { dy, y };
      backend.conv2dBiasActivationBackward(x, w, upstream, g, c.F, 'relu', grads);
      return { y, pooled, argmax, ...grads };
    };
    const want = run(one);
    const { posted } = two.threads.stats;
    const got = run(two);
    // Forward with its bias + ReLU, pool, gate, filter and input gradients: five pieces of shared work.
    if (two.threads.available() > 0) expect(two.threads.stats.posted - posted).toBe(5);
    expect(got.y).toEqual(want.y);
    expect(got.pooled).toEqual(want.pooled);
    expect(got.argmax).toEqual(want.argmax);
    expect(got.dx).toEqual(want.dx);
    // Gated upstream entries are at most 1 in magnitude: |x| bounds each filter term, 1 each bias term.
    const ones = new Float32Array(dy.length).fill(1);
    expectClose(got.dFilters, want.dFilters, filterBound(g, x, ones, c.F, w.length), 'filter gradient');
    expectClose(got.dBias, want.dBias, new Float32Array(c.F).fill(dy.length / c.F), 'bias gradient');
  },
);
