/**
 * The wasm backend's simple-RNN recurrence against the TypeScript kernels (the oracle):
 * every state, dL/dp and dL/dU, for sequence lengths 1, 2 and longer, with N·H around the
 * four SIMD lanes (odd sizes end in a scalar tail),
 * with and without dL/dU; float64 keeps the TypeScript kernel.
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

function values(n: number, seed: string, scale: number): Float32Array {
  const next = makeGenerator(seed);
  return Float32Array.from({ length: n }, () => scale * (2 * next() - 1));
}

function expectNear(got: Float32Array, want: Float32Array, tol: number, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) {
      throw new Error(`${what}[${i}] = ${got[i]}, reference ${want[i]}`);
    }
  }
}

type RecurrenceKernels = Pick<WasmBackend, 'tanhRecurrence' | 'tanhRecurrenceBackward'>;

test.each([
  [1, 3, 5, true],
  [2, 4, 8, true],
  [7, 3, 5, true],
  [12, 32, 32, true],
  [9, 5, 7, false],
])('T %i, N %i, H %i (dU %s): states, dL/dp and dL/dU match', (T, N, H, wantDu) => {
  const p = values(T * N * H, `rnn p ${T} ${N} ${H}`, 1.5);
  const u = values(H * H, `rnn u ${H}`, 1 / Math.sqrt(H));
  const g = values(T * N * H, `rnn g ${T} ${N} ${H}`, 1);
  const run = (kernels: RecurrenceKernels) => {
    // NaN-filled outputs: every value must be written.
    const states = new Float32Array(T * N * H).fill(NaN);
    kernels.tanhRecurrence(p, u, T, N, H, states);
    const dp = new Float32Array(T * N * H).fill(NaN);
    const du = wantDu ? new Float32Array(H * H).fill(NaN) : null;
    kernels.tanhRecurrenceBackward(g, u, states, T, N, H, dp, du);
    return { states, dp, du };
  };
  const want = run(tsKernels);
  const got = run(backend);
  expectNear(got.states, want.states, 1e-6, 'states');
  expectNear(got.dp, want.dp, 1e-5, 'dp');
  if (wantDu) expectNear(got.du!, want.du!, 1e-5, 'du');
  else expect(got.du).toBeNull();
  if (T === 1 && wantDu) expect(Array.from(got.du!)).toEqual(new Array(H * H).fill(0));
});

test('float64 keeps the TypeScript kernel (same bits)', () => {
  const [T, N, H] = [3, 2, 2];
  const p = Float64Array.from({ length: T * N * H }, (_, i) => Math.sin(i));
  const u = Float64Array.from([0.5, -0.25, 0.125, 1]);
  const outs = [tsKernels, backend].map((kernels) => {
    const states = new Float64Array(T * N * H);
    kernels.tanhRecurrence(p, u, T, N, H, states);
    return states;
  });
  expect(outs[1]).toEqual(outs[0]);
});
