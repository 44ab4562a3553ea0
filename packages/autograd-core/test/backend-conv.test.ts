/**
 * Convolution kernels of every backend against a direct seven-loop convolution (and
 * its two gradients written the same way), on random geometries; then the conv2d op's
 * first and second derivatives (finite differences in float64) and its forward mode.
 */
import {
  type Backend,
  type Tensor,
  conv2d,
  getBackend,
  gradcheck,
  gradgradcheck,
  jvp,
  listBackends,
  makeGenerator,
  noGrad,
  setBackend,
  tensor,
} from '@zen/autograd-core';
import { type WindowGeometry, windowGeometry } from '../src/kernels/conv';

afterEach(() => setBackend('wasm'));

interface ConvCase {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  filters: number;
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: 'valid' | 'same';
}

/** Random geometries: sizes 1 and odd, kernels up to 3×3, strides and dilation up to 2. */
function randomCases(count: number, seed: string): ConvCase[] {
  const next = makeGenerator(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const c: ConvCase = {
      batch: int(1, 2),
      inH: int(1, 9),
      inW: int(1, 9),
      channels: [1, 2, 3, 4, 5, 8][int(0, 5)],
      filters: [1, 3, 4, 8, 9][int(0, 4)],
      kernel: [int(1, 3), int(1, 3)],
      strides: [int(1, 2), int(1, 2)],
      dilation: [int(1, 2), int(1, 2)],
      padding: next() < 0.5 ? 'valid' : 'same',
    };
    const effH = (c.kernel[0] - 1) * c.dilation[0] + 1;
    const effW = (c.kernel[1] - 1) * c.dilation[1] + 1;
    if (c.padding === 'valid' && (c.inH < effH || c.inW < effW)) continue;
    cases.push(c);
  }
  return cases;
}

function geometryOf(c: ConvCase): WindowGeometry {
  return windowGeometry(
    'test',
    [c.batch, c.inH, c.inW, c.channels],
    c.kernel,
    c.strides,
    c.dilation,
    c.padding,
  );
}

/** Calls `visit(xIndex, wIndex, outIndex)` for every multiply of the convolution. */
function forEachTap(g: WindowGeometry, F: number, visit: (xi: number, wi: number, oi: number) => void): void {
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let ky = 0; ky < g.kernelH; ky++)
          for (let kx = 0; kx < g.kernelW; kx++) {
            const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
            const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) continue;
            for (let c = 0; c < g.channels; c++)
              for (let f = 0; f < F; f++) {
                const xi = ((n * g.inH + iy) * g.inW + ix) * g.channels + c;
                const wi = ((ky * g.kernelW + kx) * g.channels + c) * F + f;
                const oi = ((n * g.outH + oy) * g.outW + ox) * F + f;
                visit(xi, wi, oi);
              }
          }
}

function randomArray(type: 'float32' | 'float64', size: number, next: () => number) {
  const data = type === 'float32' ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = 2 * next() - 1;
  return data;
}

/** |got − want| ≤ tol·(Σ|terms| of that element) + tiny, element by element. */
function expectWithin(
  got: ArrayLike<number>,
  want: Float64Array,
  scale: Float64Array,
  tol: number,
  what: string,
) {
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * scale[i] + 1e-12)) {
      throw new Error(`${what}: element ${i} is ${got[i]}, expected ${want[i]}`);
    }
  }
}

/**
 * Windows inside the image with channels in fours (wasm's direct input gradient: tiles of
 * four pixels, panels of eight channels): rows not a multiple of four, 12 channels (a panel
 * of eight and one of four), strides and dilation, F not a multiple of four. The last two
 * have one and two output pixels per image: the direct forward kernel's tiles of four pixels
 * counted through the batch then span several images and end in a partial tile.
 */
const DIRECT_INPUT_CASES: ConvCase[] = [
  {
    batch: 3,
    inH: 9,
    inW: 9,
    channels: 4,
    filters: 9,
    kernel: [3, 3],
    strides: [1, 1],
    dilation: [1, 1],
    padding: 'valid',
  },
  {
    batch: 2,
    inH: 8,
    inW: 11,
    channels: 8,
    filters: 16,
    kernel: [3, 2],
    strides: [1, 1],
    dilation: [1, 1],
    padding: 'valid',
  },
  {
    batch: 2,
    inH: 9,
    inW: 10,
    channels: 12,
    filters: 5,
    kernel: [2, 3],
    strides: [2, 1],
    dilation: [1, 2],
    padding: 'valid',
  },
  {
    batch: 1,
    inH: 7,
    inW: 7,
    channels: 4,
    filters: 3,
    kernel: [3, 3],
    strides: [2, 2],
    dilation: [1, 1],
    padding: 'valid',
  },
  {
    batch: 5,
    inH: 3,
    inW: 3,
    channels: 4,
    filters: 9,
    kernel: [3, 3],
    strides: [1, 1],
    dilation: [1, 1],
    padding: 'valid',
  },
  {
    batch: 3,
    inH: 2,
    inW: 4,
    channels: 8,
    filters: 3,
    kernel: [2, 3],
    strides: [1, 1],
    dilation: [1, 1],
    padding: 'valid',
  },
];

describe.each(['ts', 'wasm'])("backend '%s' convolution kernels against direct loops", (name) => {
  const cases = [...randomCases(40, `conv cases ${name}`), ...DIRECT_INPUT_CASES];
  test.each(['float32', 'float64'] as const)('%s data, 46 geometries, all three kernels', (type) => {
    setBackend(name);
    const backend: Backend = getBackend();
    const tol = type === 'float32' ? 1e-5 : 1e-13;
    cases.forEach((c, index) => {
      const g = geometryOf(c);
      const F = c.filters;
      const next = makeGenerator(`data ${index}`);
      const x = randomArray(type, c.batch * c.inH * c.inW * c.channels, next);
      const w = randomArray(type, c.kernel[0] * c.kernel[1] * c.channels * F, next);
      const dy = randomArray(type, c.batch * g.outH * g.outW * F, next);
      const out = new Float64Array(dy.length);
      const outScale = new Float64Array(dy.length);
      const dx = new Float64Array(x.length);
      const dxScale = new Float64Array(x.length);
      const dw = new Float64Array(w.length);
      const dwScale = new Float64Array(w.length);
      forEachTap(g, F, (xi, wi, oi) => {
        out[oi] += x[xi] * w[wi];
        outScale[oi] += Math.abs(x[xi] * w[wi]);
        dx[xi] += dy[oi] * w[wi];
        dxScale[xi] += Math.abs(dy[oi] * w[wi]);
        dw[wi] += x[xi] * dy[oi];
        dwScale[wi] += Math.abs(x[xi] * dy[oi]);
      });
      const what = `${name} ${type} case ${index} ${JSON.stringify(c)}`;
      const result = (n: number) =>
        type === 'float32' ? new Float32Array(n).fill(7) : new Float64Array(n).fill(7);
      const gotOut = result(out.length);
      backend.conv2d!(x, w, g, F, gotOut);
      expectWithin(gotOut, out, outScale, tol, `${what} conv2d`);
      const gotDx = result(dx.length);
      backend.conv2dBackpropInput!(dy, w, g, F, gotDx);
      expectWithin(gotDx, dx, dxScale, tol, `${what} conv2dBackpropInput`);
      const gotDw = result(dw.length);
      backend.conv2dBackpropFilter!(x, dy, g, F, gotDw);
      expectWithin(gotDw, dw, dwScale, tol, `${what} conv2dBackpropFilter`);
    });
  });
});

test('every registered backend provides the convolution kernels', () => {
  for (const name of listBackends()) {
    setBackend(name);
    const b = getBackend();
    expect([typeof b.conv2d, typeof b.conv2dBackpropInput, typeof b.conv2dBackpropFilter]).toEqual([
      'function',
      'function',
      'function',
    ]);
  }
});

describe('conv2d op derivatives (float64)', () => {
  const input = (shape: number[], seed: string) => {
    const next = makeGenerator(seed);
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(
      Array.from({ length: n }, () => 2 * next() - 1),
      { shape, dtype: 'float64', requiresGrad: true },
    );
  };
  const options = [
    {},
    { padding: 'same' as const, strides: 2 },
    { padding: 'same' as const, dilation: 2 },
    { strides: [2, 1] as [number, number] },
  ];

  test.each(options)('gradients and gradients of gradients match finite differences, %j', (opts) => {
    const x = input([2, 6, 5, 3], 'x');
    const w = input([3, 2, 3, 4], 'w');
    const f = (a: Tensor, b: Tensor) => conv2d(a, b, opts);
    expect(gradcheck(f, [x, w]).ok).toBe(true);
    expect(gradgradcheck(f, [x, w]).ok).toBe(true);
  });

  test('forward mode equals the central difference along a direction', () => {
    const x = input([1, 5, 5, 2], 'x2');
    const w = input([3, 3, 2, 3], 'w2');
    const tx = input([1, 5, 5, 2], 'tx');
    const tw = input([3, 3, 2, 3], 'tw');
    const f = (a: Tensor, b: Tensor) => conv2d(a, b, { padding: 'same' });
    const [, tangent] = jvp(f, [x, w], [tx, tw]);
    const eps = 1e-6;
    const shifted = (s: number) => noGrad(() => f(x.add(tx.mul(s)), w.add(tw.mul(s))));
    const numeric = shifted(eps)
      .sub(shifted(-eps))
      .div(2 * eps);
    const worst = Math.max(...Array.from(tangent.data, (v, i) => Math.abs(v - numeric.data[i])));
    expect(worst).toBeLessThan(1e-7);
  });
});
