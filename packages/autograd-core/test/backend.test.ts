/**
 * Backends: selection, the blocked TypeScript kernel against the reference, and
 * matmul/conv2d values and gradients agreeing between the 'ts' and 'wasm' backends.
 */
import {
  type Tensor,
  conv2d,
  getBackend,
  listBackends,
  makeGenerator,
  matmul,
  setBackend,
  tensor,
  tsBackend,
} from '@zen/autograd-core';
import { gemmBlocked, gemmReference } from '../src/kernels/matmul';
import { EDGE_SIZES, TRANSPOSES, checkGemm } from './helpers/gemm';

afterEach(() => setBackend('wasm'));

describe('backend selection', () => {
  test("'ts' and 'wasm' are registered and the fastest, 'wasm', is the default", () => {
    expect(listBackends()).toEqual(expect.arrayContaining(['ts', 'wasm']));
    expect(getBackend().name).toBe('wasm');
  });

  test('setBackend switches the kernels ops use', () => {
    setBackend('ts');
    expect(getBackend()).toBe(tsBackend);
    setBackend('wasm');
    expect(getBackend().name).toBe('wasm');
  });

  test('an unknown backend name is an error listing the available ones', () => {
    expect(() => setBackend('gpu')).toThrow(/setBackend: unknown backend 'gpu' \(available: ts, wasm\)/);
    expect(getBackend().name).toBe('wasm');
  });
});

describe('gemmBlocked (TypeScript backend) against gemmReference', () => {
  test.each(TRANSPOSES)('edge sizes, transA=%s transB=%s, float64, at offsets', (transA, transB) => {
    for (const m of EDGE_SIZES)
      for (const n of [1, 3, 4, 5, 9])
        for (const k of [1, 2, 7])
          checkGemm(gemmBlocked, { transA, transB, m, n, k, offset: 3, type: 'float64' }, 1e-14);
  });

  test('blocks larger than the cache blocks (depth > 256, rows > 64, columns > 1024)', () => {
    checkGemm(gemmBlocked, { transA: false, transB: false, m: 70, n: 1030, k: 3, type: 'float64' }, 1e-14);
    checkGemm(gemmBlocked, { transA: true, transB: true, m: 67, n: 9, k: 300, type: 'float32' }, 1e-6);
    checkGemm(
      gemmBlocked,
      { transA: false, transB: true, m: 130, n: 5, k: 513, offset: 2, type: 'float32' },
      1e-6,
    );
  });

  test('float32 and int32 arrays', () => {
    for (const [transA, transB] of TRANSPOSES) {
      checkGemm(gemmBlocked, { transA, transB, m: 5, n: 7, k: 9, offset: 1, type: 'float32' }, 1e-6);
      checkGemm(gemmBlocked, { transA, transB, m: 5, n: 7, k: 9, offset: 1, type: 'int32' }, 0);
    }
  });

  test('an empty inner dimension gives zeros', () => {
    const c = new Float64Array([5, 5, 5, 5, 5, 5]);
    gemmBlocked(false, false, 2, 2, 0, new Float64Array(0), 0, new Float64Array(0), 0, c, 1);
    expect(Array.from(c)).toEqual([5, 0, 0, 0, 0, 5]);
    gemmReference(false, false, 2, 2, 0, new Float64Array(0), 0, new Float64Array(0), 0, c, 0);
    expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 5]);
  });
});

/** Random float32 tensor with values in [−1, 1). */
function randomTensor(shape: number[], seed: string, requiresGrad = false): Tensor {
  const next = makeGenerator(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  return tensor(
    Float32Array.from({ length: n }, () => 2 * next() - 1),
    { shape, requiresGrad },
  );
}

/** Runs `f` under a backend and returns its output and the gradients of its inputs' sum of outputs·weights. */
function underBackend(
  name: string,
  shapes: number[][],
  f: (...xs: Tensor[]) => Tensor,
): { out: Float32Array; grads: Float32Array[] } {
  setBackend(name);
  const inputs = shapes.map((s, i) => randomTensor(s, `input ${i}`, true));
  const out = f(...inputs);
  out
    .mul(randomTensor([...out.shape], 'weights'))
    .sum()
    .backward();
  return { out: out.data as Float32Array, grads: inputs.map((x) => x.grad!.data as Float32Array) };
}

function expectAllClose(actual: Float32Array, expected: Float32Array, tol: number, what: string): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  if (!(worst <= tol * scale))
    throw new Error(`${what}: 'wasm' and 'ts' differ by ${worst} (scale ${scale})`);
}

describe("'wasm' and 'ts' backends agree on float32 values and gradients", () => {
  const cases: [string, number[][], (...xs: Tensor[]) => Tensor][] = [
    [
      'matmul 1×1 by 1×1',
      [
        [1, 1],
        [1, 1],
      ],
      (a, b) => matmul(a, b),
    ],
    [
      'matmul 7×13 by 13×9',
      [
        [7, 13],
        [13, 9],
      ],
      (a, b) => matmul(a, b),
    ],
    [
      'matmul 70×300 by 300×33',
      [
        [70, 300],
        [300, 33],
      ],
      (a, b) => matmul(a, b),
    ],
    [
      'batched matmul 3×5×6 by 6×11',
      [
        [3, 5, 6],
        [6, 11],
      ],
      (a, b) => matmul(a, b),
    ],
    [
      'matmul of a transpose',
      [
        [9, 5],
        [9, 10],
      ],
      (a, b) => matmul(a.transpose(), b),
    ],
    [
      'conv2d 3×3 valid',
      [
        [2, 9, 8, 3],
        [3, 3, 3, 5],
      ],
      (x, w) => conv2d(x, w),
    ],
    [
      'conv2d same, stride 2',
      [
        [1, 7, 7, 2],
        [3, 3, 2, 4],
      ],
      (x, w) => conv2d(x, w, { padding: 'same', strides: 2 }),
    ],
  ];
  test.each(cases)('%s', (what, shapes, f) => {
    const ts = underBackend('ts', shapes, f);
    const wasm = underBackend('wasm', shapes, f);
    expectAllClose(wasm.out, ts.out, 1e-5, `${what} output`);
    ts.grads.forEach((g, i) => expectAllClose(wasm.grads[i], g, 1e-5, `${what} gradient ${i}`));
  });

  test('float64 tensors give the same bits under both (the wasm backend hands them to the TS kernel)', () => {
    const a = randomTensor([6, 7], 'a').astype('float64');
    const b = randomTensor([7, 5], 'b').astype('float64');
    setBackend('ts');
    const ts = matmul(a, b);
    setBackend('wasm');
    const wasm = matmul(a, b);
    expect(wasm.dtype).toBe('float64');
    expect(Array.from(wasm.data)).toEqual(Array.from(ts.data));
  });
});

describe('gradient accumulation in place (engine)', () => {
  test('a gradient shared by two inputs is not changed when one of them receives more', () => {
    // u collects a sum of terms; u = p + q then hands that same sum to p and q, which get more.
    const x = tensor([0.5, -1.25, 2], { dtype: 'float64', requiresGrad: true });
    const p = x.mul(1.5);
    const q = x.mul(2.5);
    const u = p.add(q);
    // (The order makes the sweep reach u before p·p and q·q.)
    p.mul(p)
      .add(q.mul(q))
      .add(u.mul(u).add(u.mul(3)))
      .sum()
      .backward();
    // d/dx [16x² + 12x + 2.25x² + 6.25x²] = 49x + 12
    expect(Array.from(x.grad!.data)).toEqual([0.5, -1.25, 2].map((v) => 49 * v + 12));
  });

  test('many contributions to one tensor (a value read at every time step) sum exactly', () => {
    const x = tensor(
      Array.from({ length: 12 }, (_, i) => i / 7),
      { shape: [3, 4], dtype: 'float64', requiresGrad: true },
    );
    let total = x.sum().mul(0);
    for (let t = 0; t < 4; t++)
      total = total.add(
        x
          .slice([0, t], [3, 1])
          .mul(t + 1)
          .sum(),
      );
    total.backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 4) + 1));
  });

  test('gradients of gradients still see every term (createGraph records the sums)', () => {
    const x = tensor([1.5], { dtype: 'float64', requiresGrad: true });
    const y = x.mul(x).add(x.mul(x).mul(x)).add(x.mul(2)); // x² + x³ + 2x
    y.sum().backward(undefined, { createGraph: true });
    const first = x.grad!;
    expect(first.item()).toBeCloseTo(2 * 1.5 + 3 * 1.5 ** 2 + 2, 12);
    x.grad = null;
    first.backward();
    expect(x.grad!.item()).toBeCloseTo(2 + 6 * 1.5, 12);
  });
});
