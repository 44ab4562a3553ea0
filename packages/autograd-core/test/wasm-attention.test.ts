/**
 * The wasm backend's fused attention kernels against the TypeScript kernels (the oracle):
 * forward outputs and probabilities, and the three gradients, on geometries around the
 * SIMD width (steps not multiples of 4, odd widths, fewer queries than keys), causal or not.
 */
import { makeGenerator } from '@zen/autograd-core';
import { tsKernels } from '../src/kernels';
import type { AttentionGeometry } from '../src/kernels/attention';
import { type WasmBackend, createWasmBackend } from '../src/wasm/backend';

let backend: WasmBackend;
beforeAll(() => {
  const created = createWasmBackend(0);
  if ('error' in created) throw new Error(created.error);
  backend = created;
});

function random(n: number, seed: string): Float32Array {
  const next = makeGenerator(seed);
  return Float32Array.from({ length: n }, () => 2 * next() - 1);
}

function expectNear(got: Float32Array, want: Float32Array, tol: number, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) {
      throw new Error(`${what}[${i}] = ${got[i]}, reference ${want[i]}`);
    }
  }
}

const GEOMETRIES: [string, Omit<AttentionGeometry, 'keep'>][] = [
  ['causal 8 heads of 7×7, width 5', { batch: 8, tq: 7, tk: 7, d: 5, dv: 5, scale: 0.4, causal: true }],
  [
    '3 queries at the end of 9 keys, causal',
    { batch: 2, tq: 3, tk: 9, d: 4, dv: 6, scale: 0.5, causal: true },
  ],
  ['not causal, 16×16, width 8', { batch: 3, tq: 16, tk: 16, d: 8, dv: 8, scale: 0.35, causal: false }],
  ['one step', { batch: 2, tq: 1, tk: 1, d: 3, dv: 2, scale: 1, causal: true }],
  // Causal products run in blocks of 15 queries (keys): several blocks, partial last ones.
  ['causal 40×40 in blocks', { batch: 3, tq: 40, tk: 40, d: 8, dv: 6, scale: 0.3, causal: true }],
  [
    '33 queries at the end of 50 keys, causal, in blocks',
    { batch: 2, tq: 33, tk: 50, d: 5, dv: 7, scale: 0.4, causal: true },
  ],
  [
    '50 queries of 20 keys, causal: the first 30 see none',
    { batch: 2, tq: 50, tk: 20, d: 6, dv: 4, scale: 0.45, causal: true },
  ],
  ['a negative scale, causal 20×20', { batch: 2, tq: 20, tk: 20, d: 4, dv: 4, scale: -0.6, causal: true }],
  [
    'heads last: 2 samples × 3 heads, causal 6×6',
    { batch: 6, heads: 3, tq: 6, tk: 6, d: 4, dv: 5, scale: 0.5, causal: true },
  ],
];

type AttentionKernels = Pick<WasmBackend, 'attentionForward' | 'attentionBackward'>;

/** Forward (outputs and probabilities) and backward (the three gradients) on seeded inputs named `name`. */
function attentionRunner(name: string, g: AttentionGeometry) {
  const { batch, tq, tk, d, dv } = g;
  const q = random(batch * tq * d, `${name} q`);
  const k = random(batch * tk * d, `${name} k`);
  const v = random(batch * tk * dv, `${name} v`);
  const dout = random(batch * tq * dv, `${name} dout`);
  return (kernels: AttentionKernels) => {
    const probs = new Float32Array(batch * tq * tk);
    const out = new Float32Array(batch * tq * dv);
    kernels.attentionForward(tsKernels.gemm, q, k, v, g, probs, out, null, null);
    const grads = {
      dq: new Float32Array(q.length),
      dk: new Float32Array(k.length),
      dv: new Float32Array(v.length),
    };
    const scratch = new Float32Array(tq * tk);
    kernels.attentionBackward(tsKernels.gemm, q, k, v, dout, g, probs, null, null, scratch, grads);
    return { probs, out, ...grads };
  };
}

test.each(GEOMETRIES)('%s: forward and backward match the TypeScript kernels', (name, geo) => {
  const run = attentionRunner(name, { ...geo, keep: null });
  const want = run(tsKernels);
  const got = run(backend);
  expectNear(got.probs, want.probs, 1e-6, 'probs');
  expectNear(got.out, want.out, 1e-6, 'out');
  expectNear(got.dq, want.dq, 1e-5, 'dq');
  expectNear(got.dk, want.dk, 1e-5, 'dk');
  expectNear(got.dv, want.dv, 1e-5, 'dv');
});

test('a keep mask goes to the TypeScript kernel (same result)', () => {
  const keep = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => (i % 4 === 1 ? 0 : 1));
  const g: AttentionGeometry = { batch: 2, tq: 3, tk: 3, d: 2, dv: 2, scale: 0.7, causal: false, keep };
  const [q, k, v] = ['q', 'k', 'v'].map((s) => random(12, s));
  const outs = [tsKernels, backend].map((kernels) => {
    const out = new Float32Array(12);
    kernels.attentionForward(tsKernels.gemm, q, k, v, g, new Float32Array(18), out, null, null);
    return Array.from(out);
  });
  expect(outs[1]).toEqual(outs[0]);
});

describe('split over a helper thread', () => {
  let threaded: WasmBackend;
  beforeAll(async () => {
    const created = createWasmBackend(1);
    if ('error' in created) throw new Error(created.error);
    threaded = created;
    expect(await threaded.threads.ready()).toBe(1);
  });
  afterAll(() => threaded.threads.stop());

  test.each([
    ['heads last: 5 samples × 4 heads, causal 64×64', { batch: 20, heads: 4, tq: 64, tk: 64, d: 32, dv: 32 }],
    ['heads first: 24 heads, 60 queries of 90 keys', { batch: 24, tq: 60, tk: 90, d: 32, dv: 24 }],
  ])('%s, computed by the helper alone, equals one call on this thread', (name, geo) => {
    const run = attentionRunner(name, { ...geo, scale: 0.3, causal: true, keep: null });
    const want = run(backend);
    const { joined } = threaded.threads.stats;
    threaded.threads.callerComputes = false;
    let got: ReturnType<typeof run>;
    try {
      got = run(threaded);
    } finally {
      threaded.threads.callerComputes = true;
    }
    expect(threaded.threads.stats.joined - joined).toBe(2); // forward and backward
    expect(got.probs).toEqual(want.probs);
    expect(got.out).toEqual(want.out);
    expect(got.dq).toEqual(want.dq);
    expect(got.dk).toEqual(want.dk);
    expect(got.dv).toEqual(want.dv);
  });
});
