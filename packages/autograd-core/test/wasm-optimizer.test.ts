/**
 * The wasm optimiser kernel against the TypeScript one (the oracle): every rule over
 * several parameters at once (lengths that are not multiples of the four SIMD lanes),
 * slots resident in the kernels' memory or ordinary arrays, the non-finite gradient
 * scan (nothing updated), and resident state arrays surviving memory growth.
 */
import { type ParameterUpdate, type UpdateRule, makeGenerator } from '@zen/autograd-core';
import { tsKernels } from '../src/kernels';
import { type WasmBackend, createWasmBackend } from '../src/wasm/backend';

let backend: WasmBackend;
beforeAll(() => {
  const created = createWasmBackend(0);
  if ('error' in created) throw new Error(created.error);
  backend = created;
});

const LENGTHS = [1, 7, 1037];

function random(n: number, next: () => number, spread = 1): Float32Array {
  return Float32Array.from({ length: n }, () => spread * (2 * next() - 1));
}

/** The same parameters twice: for the TypeScript kernel, and for wasm (slots resident or not). */
function problem(slots: number, resident: boolean, seed: string): [ParameterUpdate[], ParameterUpdate[]] {
  const next = makeGenerator(seed);
  const reference: ParameterUpdate[] = [];
  const wasm: ParameterUpdate[] = [];
  LENGTHS.forEach((n, k) => {
    const param = random(n, next);
    const state = Array.from({ length: slots }, () => random(n, next).map(Math.abs));
    // Every other parameter's gradient is scaled in the kernel (clipping by norm).
    const gradScale = k % 2 === 1 ? 0.37 : 1;
    // Each gradient is also copied, as given, to where a scratch gradient is kept (in wasm memory or not).
    const keepGrad = () => (k % 2 === 0 ? backend.stateArray(n) : new Float32Array(n));
    reference.push({ param, grad: new Float32Array(n), slots: state, gradScale, keepGrad: keepGrad() });
    const copies = state.map((s) => {
      const copy = resident ? backend.stateArray(n) : new Float32Array(n);
      copy.set(s);
      return copy;
    });
    wasm.push({
      param: param.slice(),
      grad: new Float32Array(n),
      slots: copies,
      gradScale,
      keepGrad: keepGrad(),
    });
  });
  return [reference, wasm];
}

const RULES: [string, UpdateRule, number][] = [
  ['adam', { kind: 'adam', alpha: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 1 }, 2],
  ['adamw', { kind: 'adam', alpha: 0.003, beta1: 0.8, beta2: 0.99, epsilon: 1e-3, decay: 0.996 }, 2],
  ['sgd', { kind: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false }, 0],
  ['sgd momentum', { kind: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: false }, 1],
  ['sgd nesterov', { kind: 'sgd', learningRate: 0.05, momentum: 0.7, nesterov: true }, 1],
  ['rmsprop', { kind: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7 }, 1],
  ['rmsprop momentum', { kind: 'rmsprop', learningRate: 0.01, rho: 0.8, momentum: 0.5, epsilon: 1e-4 }, 2],
];

function expectClose(got: Float32Array, want: Float32Array, what: string): void {
  for (let i = 0; i < want.length; i++) {
    const error = Math.abs(got[i] - want[i]);
    if (!(error <= 4e-6 * Math.abs(want[i]) + 4e-7))
      throw new Error(`${what}[${i}] = ${got[i]}, reference ${want[i]}`);
  }
}

describe.each(RULES)('%s', (name, rule, slots) => {
  test.each([true, false])('five steps match the TypeScript kernel (slots resident: %s)', (resident) => {
    const [reference, wasm] = problem(slots, resident, `${name} ${resident}`);
    const next = makeGenerator(`${name} gradients`);
    for (let step = 0; step < 5; step++) {
      reference.forEach((u, k) => {
        u.grad.set(random(u.grad.length, next, 3));
        wasm[k].grad.set(u.grad);
      });
      expect(tsKernels.optimizerStep(rule, reference, true)).toBeNull();
      expect(backend.optimizerStep(rule, wasm, true)).toBeNull();
      for (const u of [...reference, ...wasm]) expect(u.keepGrad).toEqual(u.grad);
    }
    reference.forEach((u, k) => {
      expectClose(wasm[k].param as Float32Array, u.param as Float32Array, `${name} param ${k}`);
      u.slots.forEach((s, j) =>
        expectClose(wasm[k].slots[j] as Float32Array, s as Float32Array, `slot ${j}`),
      );
    });
  });

  test.each([NaN, Infinity, -Infinity])('a gradient holding %s updates nothing and is located', (bad) => {
    const [, wasm] = problem(slots, true, `${name} bad`);
    const next = makeGenerator('bad gradients');
    for (const u of wasm) u.grad.set(random(u.grad.length, next));
    wasm[2].grad[1029] = bad; // in the scalar tail of 1037 values
    wasm[2].grad[5] = bad; // the first one, in a vector
    const before = wasm.map((u) => [u.param, ...u.slots, u.keepGrad!].map((a) => a.slice()));
    expect(backend.optimizerStep(rule, wasm, true)).toEqual({ item: 2, index: 5 });
    expect(tsKernels.optimizerStep(rule, wasm, true)).toEqual({ item: 2, index: 5 });
    wasm.forEach((u, k) =>
      [u.param, ...u.slots, u.keepGrad!].forEach((a, j) => expect(a).toEqual(before[k][j])),
    );
    wasm[1].grad[6] = bad; // a tail-only parameter, earlier in the list
    expect(backend.optimizerStep(rule, wasm, true)).toEqual({ item: 1, index: 6 });
    // The scan sums blocks of 1024 values: one bad value in the last block's tail, then one in the first block's vectors.
    wasm[1].grad[6] = 0;
    wasm[2].grad[5] = 0;
    expect(backend.optimizerStep(rule, wasm, true)).toEqual({ item: 2, index: 1029 });
    wasm[2].grad[300] = bad;
    expect(backend.optimizerStep(rule, wasm, true)).toEqual({ item: 2, index: 300 });
  });
});

test('state arrays are zeroed, disjoint, and keep their values when the memory grows', () => {
  const a = backend.stateArray(1000);
  const b = backend.stateArray(3);
  expect(a).toBeInstanceOf(Float32Array);
  expect([...a, ...b].every((v) => v === 0)).toBe(true);
  a.fill(1.5);
  b.fill(-2);
  const n = 700; // a product whose operands need several more megabytes of wasm memory
  const big = new Float32Array(n * n).fill(1);
  const c = new Float32Array(n * n);
  backend.gemm(false, false, n, n, n, big, 0, big, 0, c, 0);
  expect(c[0]).toBe(n);
  expect(a.every((v) => v === 1.5) && b.every((v) => v === -2)).toBe(true);
  expect(backend.stateArray(0).length).toBe(0);
});

test('float64 parameters run the TypeScript kernel', () => {
  const rule: UpdateRule = { kind: 'sgd', learningRate: 0.5, momentum: 0, nesterov: false };
  const param = new Float64Array([1, 2, 3]);
  backend.optimizerStep(rule, [{ param, grad: new Float64Array([2, 2, 1 / 3]), slots: [] }], false);
  expect([...param]).toEqual([0, 1, 3 - 0.5 / 3]);
});

test('a product reads resident operands in place (at offsets, transposed) with the same result as copies', () => {
  const next = makeGenerator('resident gemm');
  const [m, n, k] = [13, 21, 17];
  const a = random(5 + m * k, next);
  const b = random(3 + k * n, next);
  const residentA = backend.stateArray(a.length);
  const residentB = backend.stateArray(b.length);
  residentA.set(a);
  residentB.set(b);
  for (const [transA, transB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    const want = new Float32Array(m * n);
    const got = new Float32Array(m * n);
    backend.gemm(transA, transB, m, n, k, a, 5, b, 3, want, 0);
    backend.gemm(transA, transB, m, n, k, residentA, 5, residentB, 3, got, 0);
    expect(got).toEqual(want);
    expect(residentA).toEqual(a); // operands are read, not changed
  }
});

test('Adam stays within 5e-7 of the TypeScript kernel over 200 steps (1 − β rounded once, as PyTorch)', () => {
  const next = makeGenerator('long adam');
  const rule: UpdateRule = { kind: 'adam', alpha: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 1 };
  const n = 1003;
  const reference: ParameterUpdate = {
    param: random(n, next),
    grad: new Float32Array(n),
    slots: [new Float32Array(n), new Float32Array(n)],
  };
  const wasm: ParameterUpdate = {
    param: reference.param.slice(),
    grad: reference.grad,
    slots: [backend.stateArray(n), backend.stateArray(n)],
  };
  for (let step = 0; step < 200; step++) {
    reference.grad.set(random(n, next));
    tsKernels.optimizerStep(rule, [reference], false);
    backend.optimizerStep(rule, [wasm], false);
  }
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(wasm.param[i] - reference.param[i]));
  expect(largest).toBeLessThan(5e-7);
});
