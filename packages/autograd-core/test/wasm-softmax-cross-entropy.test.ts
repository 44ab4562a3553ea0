/**
 * The wasm backend's softmax cross-entropy with target distributions and with labels
 * (assembly/softmax-cross-entropy.ts) against the TypeScript kernels (the oracle): losses
 * and softmax rows to float32 rounding, for class counts that are and are not multiples
 * of the four lanes, soft targets, int32 and float labels, extreme logits, −∞ beside a
 * zero target, and NaN rows.
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

type Kernels = Pick<WasmBackend, 'softmaxCrossEntropyDense'>;

function run(kernels: Kernels, logits: Float32Array, targets: Float32Array, rows: number, classes: number) {
  const loss = new Float32Array(rows).fill(-1);
  const probs = new Float32Array(rows * classes).fill(-1);
  kernels.softmaxCrossEntropyDense(logits, rows, classes, targets, loss, probs);
  return { loss, probs };
}

/** Same value to a relative 1e-6 (or 1e-7 absolute near zero), NaN where the reference is NaN. */
function expectClose(got: Float32Array, want: Float32Array, what: string): void {
  for (let i = 0; i < want.length; i++) {
    const ok = Number.isNaN(want[i])
      ? Number.isNaN(got[i])
      : Math.abs(got[i] - want[i]) <= 1e-6 * Math.abs(want[i]) + 1e-7;
    if (!ok) throw new Error(`${what} ${i}: ${got[i]}, reference ${want[i]}`);
  }
}

test.each([
  [64, 10, 'one-hot'],
  [5, 7, 'soft'],
  [3, 1, 'one-hot'],
  [4, 65, 'soft'],
  [2, 4, 'soft'],
] as const)('%i rows of %i classes, %s targets: as the TypeScript kernel', (rows, classes, kind) => {
  const next = makeGenerator(`sce ${rows} ${classes}`);
  const logits = Float32Array.from({ length: rows * classes }, () => 12 * (next() - 0.5));
  const targets = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    if (kind === 'one-hot') targets[r * classes + Math.floor(next() * classes)] = 1;
    else for (let j = 0; j < classes; j++) targets[r * classes + j] = next() / classes;
  }
  const want = run(tsKernels, logits, targets, rows, classes);
  const got = run(backend, logits, targets, rows, classes);
  expectClose(got.loss, want.loss, 'loss');
  expectClose(got.probs, want.probs, 'softmax');
  for (let r = 0; r < rows; r++) {
    const total = got.probs.subarray(r * classes, (r + 1) * classes).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 5);
  }
});

test('extreme logits, −∞ beside a zero target, NaN and all −∞ rows', () => {
  const classes = 6;
  const rows = [
    [80, -80, 0, 87, -87, 1],
    [-Infinity, 2, 3, -Infinity, 4, 5],
    [1, NaN, 2, 3, 4, 5],
    [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
    [1, 2, 3, 4, 5, NaN],
  ];
  const logits = Float32Array.from(rows.flat());
  const targets = new Float32Array(logits.length);
  for (let r = 0; r < rows.length; r++) targets[r * classes + 2] = 1;
  const want = run(tsKernels, logits, targets, rows.length, classes);
  const got = run(backend, logits, targets, rows.length, classes);
  expectClose(got.loss, want.loss, 'loss');
  expectClose(got.probs, want.probs, 'softmax');
  expect(Number.isFinite(got.loss[0]) && Number.isFinite(got.loss[1])).toBe(true);
  expect(got.probs[6]).toBe(0); // e^−∞
  expect([2, 3, 4].map((r) => Number.isNaN(got.loss[r]))).toEqual([true, true, true]);
});

test.each([
  [1024, 65, 'int32'],
  [7, 3, 'float32'],
  [5, 8, 'int32'],
  [2, 1, 'float32'],
] as const)('%i rows of %i classes with %s labels: as the TypeScript kernel', (rows, classes, kind) => {
  const next = makeGenerator(`labels ${rows} ${classes}`);
  const logits = Float32Array.from({ length: rows * classes }, () => 12 * (next() - 0.5));
  const values = Array.from({ length: rows }, () => Math.floor(next() * classes));
  values[rows - 1] = classes - 1; // the last class, in the last row
  const labels = kind === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
  const run = (kernels: Pick<WasmBackend, 'softmaxCrossEntropy'>) => {
    const loss = new Float32Array(rows).fill(-1);
    const probs = new Float32Array(rows * classes).fill(-1);
    kernels.softmaxCrossEntropy(logits, rows, classes, labels, loss, probs);
    return { loss, probs };
  };
  const want = run(tsKernels);
  const got = run(backend);
  expectClose(got.loss, want.loss, 'loss');
  expectClose(got.probs, want.probs, 'softmax');
});

test('labels beside extreme logits, −∞ and NaN rows', () => {
  const classes = 5;
  const logits = Float32Array.from([80, -80, 0, 87, -87, -Infinity, 2, 3, -Infinity, 4, 1, NaN, 2, 3, 4]);
  const labels = Int32Array.from([3, 1, 0]);
  const want = new Float32Array(3);
  const got = new Float32Array(3);
  tsKernels.softmaxCrossEntropy(logits, 3, classes, labels, want, new Float32Array(15));
  backend.softmaxCrossEntropy(logits, 3, classes, labels, got, new Float32Array(15));
  expectClose(got, want, 'loss');
  expect(Number.isFinite(got[0]) && Number.isFinite(got[1]) && Number.isNaN(got[2])).toBe(true);
});
