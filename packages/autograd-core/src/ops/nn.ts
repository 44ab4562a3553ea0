/** Neural-network ops: softmax, logSoftmax, conv2d, pooling, dropout. Images are NHWC. */
import { type Op, defineOp } from '../engine';
import { allocateUninitialized, floatDType } from '../dtype';
import { formatShape, normalizeAxis, sizeOf } from '../shape';
import { type Tensor, emptyTensor, outputTensor } from '../tensor';
import { random } from '../random';
import { type WindowGeometry, windowGeometry } from '../kernels/conv';
import { convolve } from './convolution';
import { maxPoolOfConvLayer } from './conv-bias-activation';
import { getBackend } from '../backend';
import { ShapeError, ValueError } from '../errors';

/** Softmax (or log-softmax) of `x` along an axis, by the backend's kernel. */
function softmaxForward(x: Tensor, axis: number, log: boolean): Tensor {
  const out = emptyTensor(x.shape, floatDType(x.dtype));
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  getBackend().softmax(x.data, outer, x.shape[axis], inner, log, out.data);
  return out;
}

// Softmax Jacobian-vector products: J·v = s ⊙ (v − ⟨s, v⟩), and J is symmetric.
const softmaxOp: Op<{ axis: number }> = defineOp<{ axis: number }>({
  name: 'softmax',
  forward: ([x], { axis }) => softmaxForward(x, axis, false),
  vjp: (g, _x, s, { axis }) => [s.mul(g.sub(g.mul(s).sum(axis, true)))],
  jvp: ([t], _x, s, { axis }) => s.mul(t!.sub(t!.mul(s).sum(axis, true))),
});

// log-softmax: y = x − logΣe^x, so dy = dx − softmax(x)·Σdx along the axis (and transposed).
const logSoftmaxOp: Op<{ axis: number }> = defineOp<{ axis: number }>({
  name: 'logSoftmax',
  forward: ([x], { axis }) => softmaxForward(x, axis, true),
  vjp: (g, _x, y, { axis }) => [g.sub(y.exp().mul(g.sum(axis, true)))],
  jvp: ([t], _x, y, { axis }) => t!.sub(y.exp().mul(t!).sum(axis, true)),
});

/** e^x / Σ e^x along `axis` (last by default), computed stably. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxOp([x], { axis: normalizeAxis('softmax', axis, x.ndim) });
}

/** x − log Σ e^x along `axis`: finite even for logits of ±1e4. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return logSoftmaxOp([x], { axis: normalizeAxis('logSoftmax', axis, x.ndim) });
}

/** A pair from a number or a pair. */
function pair(v: number | readonly [number, number] | readonly number[]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

const im2colOp: Op<{ geometry: WindowGeometry }> = defineOp<{ geometry: WindowGeometry }>({
  name: 'im2col',
  forward: ([x], { geometry: g }) => {
    const out = emptyTensor([g.batch * g.outH * g.outW, g.kernelH * g.kernelW * g.channels], x.dtype);
    getBackend().im2col(x.data, g, out.data);
    return out;
  },
  vjp: (grad, _x, _o, attrs) => [col2imOp([grad], attrs)],
  jvp: ([t], _x, _o, attrs) => im2colOp([t!], attrs),
});

const col2imOp: Op<{ geometry: WindowGeometry }> = defineOp<{ geometry: WindowGeometry }>({
  name: 'col2im',
  forward: ([cols], { geometry: g }) => {
    const out = emptyTensor([g.batch, g.inH, g.inW, g.channels], cols.dtype);
    getBackend().col2im(cols.data, g, out.data);
    return out;
  },
  vjp: (grad, _x, _o, attrs) => [im2colOp([grad], attrs)],
  jvp: ([t], _x, _o, attrs) => col2imOp([t!], attrs),
});

function checkImages(op: string, x: Tensor): void {
  if (x.ndim !== 4)
    throw new ShapeError(
      `${op}: input must be NHWC [batch, height, width, channels], got ${formatShape(x.shape)}`,
    );
}

export interface Conv2DOptions {
  /** Step of the window, a number or [h, w]; default 1. */
  strides?: number | readonly [number, number];
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
  /** Spacing between kernel taps, a number or [h, w]; default 1. */
  dilation?: number | readonly [number, number];
}

/**
 * 2-D convolution (cross-correlation, as every framework): x [N, H, W, C] with
 * filters [kh, kw, C, F] → [N, outH, outW, F]. Computed by the backend's convolution
 * kernels (im2col + one matmul); both gradients are convolution ops too (ops/convolution.ts).
 */
export function conv2d(x: Tensor, filters: Tensor, options: Conv2DOptions = {}): Tensor {
  return convolve(x, filters, convGeometry('conv2d', x, filters, options));
}

/** The window geometry of x [N, H, W, C] convolved with filters [kh, kw, C, F], checked; errors name `op`. */
export function convGeometry(op: string, x: Tensor, filters: Tensor, options: Conv2DOptions): WindowGeometry {
  checkImages(op, x);
  if (filters.ndim !== 4) {
    throw new ShapeError(
      `${op}: filters must be [kh, kw, inChannels, outChannels], got ${formatShape(filters.shape)}`,
    );
  }
  const [kh, kw, inC] = filters.shape;
  if (inC !== x.shape[3]) {
    throw new ShapeError(
      `${op}: input ${formatShape(x.shape)} has ${x.shape[3]} channels but filters ${formatShape(filters.shape)} expect ${inC}`,
    );
  }
  return windowGeometry(
    op,
    x.shape,
    [kh, kw],
    pair(options.strides ?? 1),
    pair(options.dilation ?? 1),
    options.padding ?? 'valid',
  );
}

export interface Pool2DOptions {
  /** Window size, a number or [h, w]; default 2. */
  poolSize?: number | readonly [number, number];
  /** Step; defaults to the pool size (as Keras). */
  strides?: number | readonly [number, number];
  padding?: 'valid' | 'same';
}

function poolGeometry(op: string, x: Tensor, options: Pool2DOptions): WindowGeometry {
  checkImages(op, x);
  const size = pair(options.poolSize ?? 2);
  return windowGeometry(op, x.shape, size, pair(options.strides ?? size), [1, 1], options.padding ?? 'valid');
}

interface IndexAttrs {
  indices: Int32Array; // flat source index of each output element
  shape: number[]; // shape of the source
}

// Gathering at fixed flat indices and scatter-adding back are adjoint linear maps.
/** @internal */
export const takeFlatOp: Op<IndexAttrs & { outShape: number[] }> = defineOp<
  IndexAttrs & { outShape: number[] }
>({
  name: 'takeFlat',
  forward: ([x], { indices, outShape }) => {
    const out = emptyTensor(outShape, x.dtype);
    getBackend().takeFlat(x.data, indices, out.data);
    return out;
  },
  vjp: (g, _x, _o, { indices, shape }) => [scatterFlatOp([g], { indices, shape })],
  jvp: ([t], _x, _o, attrs) => takeFlatOp([t!], attrs),
});

/** @internal */
export const scatterFlatOp: Op<IndexAttrs> = defineOp<IndexAttrs>({
  name: 'scatterFlat',
  forward: ([g], { indices, shape }) => {
    const out = emptyTensor(shape, g.dtype);
    getBackend().scatterAddFlat(g.data, indices, out.data);
    return out;
  },
  vjp: (g, [src], _o, { indices, shape }) => [takeFlatOp([g], { indices, shape, outShape: [...src.shape] })],
  jvp: ([t], _x, _o, attrs) => scatterFlatOp([t!], attrs),
});

const maxPoolOp: Op<{ geometry: WindowGeometry; argmax: Int32Array }> = defineOp<{
  geometry: WindowGeometry;
  argmax: Int32Array;
}>({
  name: 'maxPool2d',
  forward: ([x], { geometry: g, argmax }) => {
    const out = outputTensor([g.batch, g.outH, g.outW, g.channels], x.dtype);
    getBackend().maxPool2d(x.data, g, out.data, argmax);
    return out;
  },
  // The gradient goes to the position of each window's maximum.
  vjp: (grad, [x], _o, { argmax }) => [scatterFlatOp([grad], { indices: argmax, shape: [...x.shape] })],
  jvp: ([t], _x, out, { argmax }) =>
    takeFlatOp([t!], { indices: argmax, shape: [...t!.shape], outShape: [...out.shape] }),
});

/**
 * `length` int32 indices on float32 storage, for a pool kernel to write in full: in a scratch
 * scope (a training step) that is scratch memory, where the wasm pooling kernels write and
 * read them in place.
 */
function indexArray(length: number): Int32Array {
  const storage = allocateUninitialized('float32', length);
  return new Int32Array(storage.buffer, storage.byteOffset, length);
}

/** Max pooling over NHWC windows (default 2×2, stride = pool size). */
export function maxPool2d(x: Tensor, options: Pool2DOptions = {}): Tensor {
  const geometry = poolGeometry('maxPool2d', x, options);
  const argmax = indexArray(geometry.batch * geometry.outH * geometry.outW * geometry.channels);
  // Pooling a convolution layer's output: one node with the layer, whose backward is one call.
  return maxPoolOfConvLayer(x, geometry, argmax) ?? maxPoolOp([x], { geometry, argmax });
}

/**
 * Average pooling over NHWC windows. With 'same' padding, each window is averaged
 * over its valid elements only (as TensorFlow and Keras).
 */
export function avgPool2d(x: Tensor, options: Pool2DOptions = {}): Tensor {
  const g = poolGeometry('avgPool2d', x, options);
  const windows = [g.batch, g.outH, g.outW, g.kernelH * g.kernelW, g.channels];
  const sums = im2colOp([x], { geometry: g }).reshape(windows).sum(3);
  // Number of valid (non-padding) elements in each window: the same pooling applied to ones.
  const onesGeometry = { ...g, batch: 1, channels: 1 };
  const ones = emptyTensor([1, g.inH, g.inW, 1], x.dtype);
  ones.data.fill(1);
  const counts = im2colOp([ones], { geometry: onesGeometry })
    .reshape([1, g.outH, g.outW, g.kernelH * g.kernelW, 1])
    .sum(3);
  return sums.div(counts);
}

export interface DropoutOptions {
  /** Apply dropout only when true (as Keras's `training` flag). Default true. */
  training?: boolean;
  /** Uniform [0,1) generator; the global seeded one by default. */
  generator?: () => number;
}

/** Zeroes each element with probability `rate` and scales the rest by 1/(1 − rate) (inverted dropout). */
export function dropout(x: Tensor, rate: number, options: DropoutOptions = {}): Tensor {
  if (!(rate >= 0 && rate < 1)) throw new ValueError(`dropout: rate must be in [0, 1), got ${rate}`);
  if (options.training === false || rate === 0) return x;
  const next = options.generator ?? random;
  const mask = emptyTensor(x.shape, floatDType(x.dtype));
  const keep = 1 / (1 - rate);
  for (let i = 0; i < mask.size; i++) mask.data[i] = next() >= rate ? keep : 0;
  return x.mul(mask);
}
