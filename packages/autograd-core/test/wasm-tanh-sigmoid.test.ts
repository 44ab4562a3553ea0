/**
 * The wasm tanh and sigmoid against the TypeScript kernels (the reference): a dense line
 * through both branches of tanh (the series below 0.625, the exponential form above) and
 * the tails, lengths with one to three trailing lanes, ±∞, NaN and ±0.
 */
import { tsKernels } from '../src/kernels';
import { type WasmBackend, createWasmBackend } from '../src/wasm/backend';

let backend: WasmBackend;
beforeAll(() => {
  const created = createWasmBackend(0);
  if ('error' in created) throw new Error(created.error);
  backend = created;
});

/** n points evenly over [−spread, spread]. */
function line(n: number, spread: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => spread * ((2 * i) / (n - 1) - 1));
}

test.each([
  ['tanh', 20001, 1],
  ['tanh', 4003, 12],
  ['tanh', 1002, 1e-3],
  ['sigmoid', 20001, 30],
  ['sigmoid', 4001, 100],
] as const)('%s over %i points in ±%f matches the TypeScript kernel to 3e-7 relative', (op, n, spread) => {
  const x = line(n, spread);
  const want = new Float32Array(n);
  const got = new Float32Array(n);
  tsKernels.unary(op, x, want);
  backend.unary(op, x, got);
  for (let i = 0; i < n; i++) {
    const error = Math.abs(got[i] - want[i]);
    if (!(error <= 3e-7 * Math.abs(want[i]) + 1e-37))
      throw new Error(`${op}(${x[i]}) = ${got[i]}, reference ${want[i]}`);
  }
});

test.each(['tanh', 'sigmoid'] as const)('%s of special values, with 1 to 3 trailing lanes', (op) => {
  const specials = [Infinity, -Infinity, NaN, 0, -0, 0.625, -0.625, 1e-30, -90, 90];
  for (const extra of [64, 65, 66, 67]) {
    const x = new Float32Array(extra);
    x.set(specials, extra - specials.length);
    const want = new Float32Array(extra);
    const got = new Float32Array(extra);
    tsKernels.unary(op, x, want);
    backend.unary(op, x, got);
    for (let i = 0; i < extra; i++) {
      if (Number.isNaN(want[i])) expect(got[i]).toBeNaN();
      else expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(3e-7 * Math.abs(want[i]) + 1e-37);
    }
  }
});

test('other unary ops, other dtypes and short arrays run the TypeScript kernel', () => {
  const x64 = new Float64Array([0.5, -2]);
  const out64 = new Float64Array(2);
  backend.unary('tanh', x64, out64);
  expect([...out64]).toEqual([Math.tanh(0.5), Math.tanh(-2)]);
  const x = line(100, 3);
  const got = new Float32Array(100);
  const want = new Float32Array(100);
  backend.unary('exp', x, got);
  tsKernels.unary('exp', x, want);
  expect(got).toEqual(want);
});
