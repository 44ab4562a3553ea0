/**
 * The finiteness scan fit and predict run over their data (kernels/finite.ts, and the
 * wasm kernel in assembly/finite.ts for arrays in wasm memory): blocks scanned without a
 * branch per value, then searched value by value. Every position class is checked against
 * a plain search: block starts and ends (4096 and 1024 values), a block's tail, the last value.
 */
import { tsKernels } from '../src/kernels';
import { type WasmBackend, createWasmBackend } from '../src/wasm/backend';

let backend: WasmBackend;
beforeAll(() => {
  const created = createWasmBackend(0);
  if ('error' in created) throw new Error(created.error);
  backend = created;
});

const plainSearch = (d: ArrayLike<number>) => Array.from(d).findIndex((v) => !Number.isFinite(v));
const length = 3 * 4096 + 6;
const positions = [
  0,
  1,
  1023,
  1024,
  1025,
  4094,
  4095,
  4096,
  4097,
  8191,
  2 * 4096 + 3,
  length - 2,
  length - 1,
];

/** `length` finite values (zeros, −0 and others), then `bad` at `at` and NaN five places later. */
function fill(d: Float32Array | Float64Array, at: number, bad: number): void {
  for (let i = 0; i < d.length; i++) d[i] = i % 3 === 0 ? 0 : i % 3 === 1 ? -0 : (i % 17) - 8.5;
  d[at] = bad;
  if (at + 5 < d.length) d[at + 5] = NaN; // a later one is not the answer
}

describe.each([
  ['TypeScript, float32', () => new Float32Array(length), () => tsKernels],
  ['TypeScript, float64', () => new Float64Array(length), () => tsKernels],
  ['wasm, in its memory', () => backend.stateArray(length) as Float32Array, () => backend],
] as const)('indexOfNonFinite (%s)', (_name, make, kernels) => {
  test('finds the first NaN or ±Infinity', () => {
    const d = make();
    for (const at of positions) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        fill(d, at, bad);
        expect([at, bad, kernels().indexOfNonFinite(d)]).toEqual([at, bad, plainSearch(d)]);
      }
    }
  });

  test('finite data and huge values give −1', () => {
    const d = make();
    d.fill(3.4e38);
    d[5] = -3.4e38;
    expect(kernels().indexOfNonFinite(d)).toBe(-1);
    expect(kernels().indexOfNonFinite(d.subarray(0, 0))).toBe(-1);
  });
});

test('integer arrays and arrays outside wasm memory', () => {
  expect(backend.indexOfNonFinite(new Int32Array([1, 2, 3]))).toBe(-1);
  expect(backend.indexOfNonFinite(Float32Array.from([1, 2, -Infinity]))).toBe(2);
});
