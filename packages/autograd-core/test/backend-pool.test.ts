/**
 * Max pooling kernels of every backend against the reference `maxPoolKernel` on random
 * geometries: channel counts around the 4-wide SIMD step, strides, 'same' padding, ties
 * (the first maximum wins) and NaN (it wins once and stays).
 */
import { getBackend, listBackends, makeGenerator, maxPool2d, setBackend, tensor } from '@zen/autograd-core';
import { maxPoolKernel, windowGeometry } from '../src/kernels/conv';

afterEach(() => setBackend('wasm'));

function randomCase(next: () => number) {
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const size = int(1, 3);
  const stride = int(1, 3);
  const padding: 'valid' | 'same' = next() < 0.5 ? 'valid' : 'same';
  const shape = [int(1, 2), int(size, 9), int(size, 9), [1, 2, 3, 4, 5, 7, 8, 9][int(0, 7)]];
  return { shape, size, stride, padding };
}

describe.each(['ts', 'wasm'])("backend '%s' max pooling", (name) => {
  test('matches the reference on 60 random geometries and 3 fixed ones, with ties and NaNs', () => {
    setBackend(name);
    const pool = getBackend().maxPool2d!;
    const next = makeGenerator(`pool ${name}`);
    // Then the 2×2, stride-2 pools of channels in fours that wasm unrolls (odd sizes leave a row out).
    const unrolled = [
      { shape: [2, 6, 8, 4], size: 2, stride: 2, padding: 'valid' as const },
      { shape: [1, 7, 5, 8], size: 2, stride: 2, padding: 'valid' as const },
      { shape: [3, 4, 4, 12], size: 2, stride: 2, padding: 'same' as const },
    ];
    for (let trial = 0; trial < 63; trial++) {
      const { shape, size, stride, padding } = trial < 60 ? randomCase(next) : unrolled[trial - 60];
      const g = windowGeometry('test', shape, [size, size], [stride, stride], [1, 1], padding);
      const x = new Float32Array(shape.reduce((a, b) => a * b, 1));
      // Few distinct values make ties common; some NaNs.
      for (let i = 0; i < x.length; i++) x[i] = next() < 0.05 ? NaN : Math.floor(next() * 5) - 2;
      const outLength = g.batch * g.outH * g.outW * g.channels;
      const want = new Float32Array(outLength);
      const wantIndex = new Int32Array(outLength);
      maxPoolKernel(x, g, want, wantIndex);
      const got = new Float32Array(outLength).fill(99);
      const gotIndex = new Int32Array(outLength).fill(-1);
      pool(x, g, got, gotIndex);
      const where = `${name} trial ${trial} shape [${shape}] pool ${size} stride ${stride} ${padding}`;
      for (let i = 0; i < outLength; i++) {
        if (!Object.is(got[i], want[i]) || gotIndex[i] !== wantIndex[i]) {
          throw new Error(
            `${where}: output ${i} is ${got[i]} at ${gotIndex[i]}, expected ${want[i]} at ${wantIndex[i]}`,
          );
        }
      }
    }
  });
});

test('maxPool2d values and gradients agree between backends', () => {
  const next = makeGenerator('pool op');
  const values = Array.from({ length: 2 * 6 * 6 * 5 }, () => next());
  const results = listBackends().map((name) => {
    setBackend(name);
    const x = tensor(values, { shape: [2, 6, 6, 5], requiresGrad: true });
    const y = maxPool2d(x, { poolSize: 2 });
    y.mul(y).sum().backward();
    return [Array.from(y.data), Array.from(x.grad!.data)];
  });
  for (const r of results.slice(1)) expect(r).toEqual(results[0]);
});
