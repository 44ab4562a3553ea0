/**
 * Plain-JavaScript reference implementations used as test oracles: nested loops over
 * ordinary number arrays, written independently of the library's kernels.
 */
import { erf as mathErf } from 'mathjs';
import type { Tensor } from '@zen/autograd-core';

/** A row-major array of numbers with a shape. */
export interface Arr {
  shape: number[];
  data: number[];
}

export const arr = (shape: number[], data: number[]): Arr => ({ shape, data });

export function fromTensor(t: Tensor): Arr {
  return { shape: [...t.shape], data: Array.from(t.data) };
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Multi-index of flat position `i`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    idx[ax] = i % shape[ax];
    i = Math.floor(i / shape[ax]);
  }
  return idx;
}

/** Flat position of a multi-index. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let ax = 0; ax < shape.length; ax++) i = i * shape[ax] + idx[ax];
  return i;
}

/** Numpy's broadcasting rule, or null when the shapes are incompatible. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The element of `a` that broadcasting maps to output multi-index `outIdx`. */
function broadcastRead(a: Arr, outIdx: readonly number[]): number {
  const lead = outIdx.length - a.shape.length;
  const idx = a.shape.map((d, ax) => (d === 1 ? 0 : outIdx[ax + lead]));
  return a.data[ravel(idx, a.shape)];
}

/** Materialises `a` broadcast to `shape`. */
export function broadcastTo(a: Arr, shape: number[]): Arr {
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) data.push(broadcastRead(a, unravel(i, shape)));
  return { shape, data };
}

export function map(a: Arr, f: (x: number) => number): Arr {
  return { shape: [...a.shape], data: a.data.map(f) };
}

/** Elementwise f over any number of broadcast operands. */
export function zip(arrays: Arr[], f: (...xs: number[]) => number): Arr {
  let shape: number[] = [];
  for (const a of arrays) {
    const s = broadcastShape(shape, a.shape);
    if (!s) throw new Error('reference: shapes do not broadcast');
    shape = s;
  }
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape);
    data.push(f(...arrays.map((a) => broadcastRead(a, idx))));
  }
  return { shape, data };
}

export const erf = (x: number): number => mathErf(x) as number;
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function normAxes(axis: number | number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return [...Array(ndim).keys()];
  return (typeof axis === 'number' ? [axis] : axis).map((a) => (a < 0 ? a + ndim : a));
}

/** Reduces the elements along `axis` with `f` applied to the list of values in each group. */
export function reduce(
  a: Arr,
  axis: number | number[] | undefined,
  keepDims: boolean,
  f: (values: number[]) => number,
): Arr {
  const axes = normAxes(axis, a.shape.length);
  const keptShape = a.shape.map((d, ax) => (axes.includes(ax) ? 1 : d));
  const groups: number[][] = Array.from({ length: sizeOf(keptShape) }, () => []);
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape).map((v, ax) => (axes.includes(ax) ? 0 : v));
    groups[ravel(idx, keptShape)].push(a.data[i]);
  }
  const shape = keepDims ? keptShape : a.shape.filter((_, ax) => !axes.includes(ax));
  return { shape, data: groups.map(f) };
}

export const total = (v: number[]): number => v.reduce((s, x) => s + x, 0);
export const average = (v: number[]): number => total(v) / v.length;
export const popVariance = (v: number[]): number => {
  const m = average(v);
  return average(v.map((x) => (x - m) ** 2));
};
export const logSumExp = (v: number[]): number => {
  const m = Math.max(...v);
  return m + Math.log(total(v.map((x) => Math.exp(x - m))));
};

/** numpy.matmul, including 1-D operands and broadcast batch axes. */
export function matmul(a: Arr, b: Arr): Arr {
  const a2 = a.shape.length === 1 ? { shape: [1, a.shape[0]], data: a.data } : a;
  const b2 = b.shape.length === 1 ? { shape: [b.shape[0], 1], data: b.data } : b;
  const [m, k] = a2.shape.slice(-2);
  const n = b2.shape[b2.shape.length - 1];
  const batch = broadcastShape(a2.shape.slice(0, -2), b2.shape.slice(0, -2))!;
  const shape = [...batch, m, n];
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape);
    const [r, c] = idx.slice(-2);
    const bi = idx.slice(0, -2);
    let s = 0;
    for (let p = 0; p < k; p++) {
      s += broadcastRead(a2, [...bi, r, p]) * broadcastRead(b2, [...bi, p, c]);
    }
    data.push(s);
  }
  // A 1-D operand's added axis is dropped again, as numpy does.
  const outShape = [...shape];
  if (b.shape.length === 1) outShape.splice(outShape.length - 1, 1);
  if (a.shape.length === 1) outShape.splice(outShape.length - (b.shape.length === 1 ? 1 : 2), 1);
  return { shape: outShape, data };
}

export function transpose(a: Arr, perm?: number[]): Arr {
  const p = perm ?? a.shape.map((_, i) => a.shape.length - 1 - i);
  const shape = p.map((ax) => a.shape[ax]);
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const out = unravel(i, shape);
    const src = new Array<number>(shape.length);
    p.forEach((ax, j) => (src[ax] = out[j]));
    data.push(a.data[ravel(src, a.shape)]);
  }
  return { shape, data };
}

export function slice(a: Arr, begin: number[], size: number[]): Arr {
  const data: number[] = [];
  for (let i = 0; i < sizeOf(size); i++) {
    const idx = unravel(i, size).map((v, ax) => v + begin[ax]);
    data.push(a.data[ravel(idx, a.shape)]);
  }
  return { shape: size, data };
}

export function pad(a: Arr, paddings: [number, number][]): Arr {
  const shape = a.shape.map((d, ax) => d + paddings[ax][0] + paddings[ax][1]);
  const data = new Array<number>(sizeOf(shape)).fill(0);
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape).map((v, ax) => v + paddings[ax][0]);
    data[ravel(idx, shape)] = a.data[i];
  }
  return { shape, data };
}

export function concat(arrays: Arr[], axis: number): Arr {
  const ax = axis < 0 ? axis + arrays[0].shape.length : axis;
  const shape = [...arrays[0].shape];
  shape[ax] = arrays.reduce((s, a) => s + a.shape[ax], 0);
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape);
    let pos = idx[ax];
    let k = 0;
    while (pos >= arrays[k].shape[ax]) pos -= arrays[k++].shape[ax];
    const local = [...idx];
    local[ax] = pos;
    data.push(arrays[k].data[ravel(local, arrays[k].shape)]);
  }
  return { shape, data };
}

/** Inserts a length-1 axis. */
export function expandDims(a: Arr, axis: number): Arr {
  const ax = axis < 0 ? axis + a.shape.length + 1 : axis;
  const shape = [...a.shape];
  shape.splice(ax, 0, 1);
  return { shape, data: a.data };
}

/** numpy.take(a, indices, axis). */
export function gather(a: Arr, indices: Arr, axis: number): Arr {
  const shape = [...a.shape.slice(0, axis), ...indices.shape, ...a.shape.slice(axis + 1)];
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape);
    const which = idx.slice(axis, axis + indices.shape.length);
    const src = [
      ...idx.slice(0, axis),
      indices.data[ravel(which, indices.shape)],
      ...idx.slice(axis + indices.shape.length),
    ];
    data.push(a.data[ravel(src, a.shape)]);
  }
  return { shape, data };
}

/** Softmax or log-softmax along `axis`, straight from the definition (with a max shift). */
export function softmax(a: Arr, axis: number, log: boolean): Arr {
  const ax = axis < 0 ? axis + a.shape.length : axis;
  const data = new Array<number>(a.data.length);
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape);
    const row: number[] = [];
    for (let k = 0; k < a.shape[ax]; k++) {
      const j = [...idx];
      j[ax] = k;
      row.push(a.data[ravel(j, a.shape)]);
    }
    const lse = logSumExp(row);
    data[i] = log ? a.data[i] - lse : Math.exp(a.data[i] - lse);
  }
  return { shape: [...a.shape], data };
}

/** Output size and leading padding of TensorFlow's 'same' / 'valid' windows. */
function window(input: number, k: number, stride: number, dilation: number, padding: 'same' | 'valid') {
  const span = (k - 1) * dilation + 1;
  if (padding === 'valid') return { out: Math.floor((input - span) / stride) + 1, before: 0 };
  const out = Math.ceil(input / stride);
  const totalPad = Math.max((out - 1) * stride + span - input, 0);
  return { out, before: Math.floor(totalPad / 2) };
}

export interface ConvOptions {
  strides?: [number, number];
  padding?: 'same' | 'valid';
  dilation?: [number, number];
}

/** Direct NHWC convolution (cross-correlation) with [kh, kw, inC, outC] filters. */
export function conv2d(x: Arr, w: Arr, options: ConvOptions = {}): Arr {
  const [N, H, W, C] = x.shape;
  const [KH, KW, , F] = w.shape;
  const [sh, sw] = options.strides ?? [1, 1];
  const [dh, dw] = options.dilation ?? [1, 1];
  const padding = options.padding ?? 'valid';
  const rows = window(H, KH, sh, dh, padding);
  const cols = window(W, KW, sw, dw, padding);
  const shape = [N, rows.out, cols.out, F];
  const data: number[] = [];
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let f = 0; f < F; f++) {
          let s = 0;
          for (let ky = 0; ky < KH; ky++)
            for (let kx = 0; kx < KW; kx++) {
              const iy = oy * sh - rows.before + ky * dh;
              const ix = ox * sw - cols.before + kx * dw;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              for (let c = 0; c < C; c++) {
                s += x.data[ravel([n, iy, ix, c], x.shape)] * w.data[ravel([ky, kx, c, f], w.shape)];
              }
            }
          data.push(s);
        }
  return { shape, data };
}

/** Max or average pooling over NHWC windows; padding positions are ignored (as TensorFlow). */
export function pool2d(
  x: Arr,
  kind: 'max' | 'avg',
  size: [number, number],
  strides: [number, number],
  padding: 'same' | 'valid',
): Arr {
  const [N, H, W, C] = x.shape;
  const rows = window(H, size[0], strides[0], 1, padding);
  const cols = window(W, size[1], strides[1], 1, padding);
  const shape = [N, rows.out, cols.out, C];
  const data: number[] = [];
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let c = 0; c < C; c++) {
          const values: number[] = [];
          for (let ky = 0; ky < size[0]; ky++)
            for (let kx = 0; kx < size[1]; kx++) {
              const iy = oy * strides[0] - rows.before + ky;
              const ix = ox * strides[1] - cols.before + kx;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W) values.push(x.data[ravel([n, iy, ix, c], x.shape)]);
            }
          data.push(kind === 'max' ? Math.max(...values) : average(values));
        }
  return { shape, data };
}

/** Transposed convolution by scattering: out[i·s + a − pad, j·s + b − pad, o] += x[i, j, c]·w[a, b, o, c]. */
export function conv2dTranspose(x: Arr, w: Arr, strides: [number, number], padding: 'valid' | 'same'): Arr {
  const [N, H, W, C] = x.shape;
  const [KH, KW, O] = w.shape;
  const [sh, sw] = strides;
  const outH = padding === 'same' ? H * sh : (H - 1) * sh + KH;
  const outW = padding === 'same' ? W * sw : (W - 1) * sw + KW;
  // 'same' crops the full result as TensorFlow pads the matching conv2d (extra at the end).
  const padTop = padding === 'same' ? Math.floor(Math.max((H - 1) * sh + KH - outH, 0) / 2) : 0;
  const padLeft = padding === 'same' ? Math.floor(Math.max((W - 1) * sw + KW - outW, 0) / 2) : 0;
  const out = new Array<number>(N * outH * outW * O).fill(0);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let c = 0; c < C; c++)
          for (let a = 0; a < KH; a++)
            for (let b = 0; b < KW; b++) {
              const r = i * sh + a - padTop;
              const q = j * sw + b - padLeft;
              if (r < 0 || r >= outH || q < 0 || q >= outW) continue;
              for (let o = 0; o < O; o++) {
                out[((n * outH + r) * outW + q) * O + o] +=
                  x.data[((n * H + i) * W + j) * C + c] * w.data[((a * KW + b) * O + o) * C + c];
              }
            }
  return arr([N, outH, outW, O], out);
}
