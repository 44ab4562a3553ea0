/**
 * A convolution layer in one kernel call: act(conv2d(x, w) + bias) forward, and in
 * backward the three gradients from the upstream gradient and the layer's output y
 * (each supported activation's derivative is a function of y). Written here around any
 * convolution kernels: the TypeScript backend's, or a faster backend's when its own
 * fused kernel does not apply (another dtype).
 */
import type { Kernels } from '../backend';
import { type TypedArray, allocate, dtypeOf } from '../dtype';
import type { WindowGeometry } from './conv';
import { type BiasActivationKernel, biasActivationKernel } from './elementwise';
import { reduceAxisKernel } from './reduce';
import { scatterAddFlatKernel } from './gather';

/** The convolution kernels the fused ones are written around. */
export type ConvKernels = Pick<Kernels, 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter'>;

/** Where the backward kernel writes each gradient (null: not wanted). */
export interface ConvBiasActivationGrads {
  dx: TypedArray | null;
  dFilters: TypedArray | null;
  dBias: TypedArray | null;
}

/** out[i] = g[i]·act'(z[i] + bias), written from y[i] = act(z[i] + bias). */
export function activationGradFromOutput(
  activation: BiasActivationKernel,
  g: TypedArray,
  y: TypedArray,
  out: TypedArray,
): void {
  const n = out.length;
  switch (activation) {
    case 'linear':
      out.set(g);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = g[i] * +(y[i] > 0);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = g[i] * (y[i] * (1 - y[i]));
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = g[i] * (1 - y[i] * y[i]);
      return;
  }
}

/** out = act(conv2d(x, filters) + bias), bias [F]. */
export type ConvBiasActivationForward = (
  x: TypedArray,
  filters: TypedArray,
  bias: TypedArray,
  g: WindowGeometry,
  outChannels: number,
  activation: BiasActivationKernel,
  out: TypedArray,
) => void;

/**
 * The gradient arriving at the layer's output y = act(conv2d(x, filters) + bias): dy
 * itself with y, or the gradient of a max pool of y with the pooled values and each
 * one's flat index in y (the pool's gradient scattered back, never materialised by the
 * caller; the gate act'(y) at a pooled position is act' of the pooled value).
 */
export type ConvUpstream =
  | { dy: TypedArray; y: TypedArray }
  | { pooledGrad: TypedArray; pooled: TypedArray; argmax: Int32Array; outputSize: number };

/** The gradients of y = act(conv2d(x, filters) + bias) from `upstream`, into `grads`. */
export type ConvBiasActivationBackward = (
  x: TypedArray,
  filters: TypedArray,
  upstream: ConvUpstream,
  g: WindowGeometry,
  outChannels: number,
  activation: BiasActivationKernel,
  grads: ConvBiasActivationGrads,
) => void;

/** dz = dy·act'(y), from either form of `upstream`, in a new array. */
function gatedGradient(upstream: ConvUpstream, activation: BiasActivationKernel): TypedArray {
  if ('dy' in upstream) {
    const dz = allocate(dtypeOf(upstream.dy), upstream.dy.length);
    activationGradFromOutput(activation, upstream.dy, upstream.y, dz);
    return dz;
  }
  const { pooledGrad, pooled, argmax, outputSize } = upstream;
  const gated = allocate(dtypeOf(pooledGrad), pooledGrad.length);
  activationGradFromOutput(activation, pooledGrad, pooled, gated);
  const dz = allocate(dtypeOf(pooledGrad), outputSize);
  scatterAddFlatKernel(gated, argmax, dz);
  return dz;
}

/** The fused kernels written around the convolution kernels `conv`. */
export function convBiasActivationKernels(conv: ConvKernels): {
  forward: ConvBiasActivationForward;
  backward: ConvBiasActivationBackward;
} {
  return {
    forward: (x, filters, bias, g, outChannels, activation, out) => {
      conv.conv2d(x, filters, g, outChannels, out);
      biasActivationKernel(activation, out, bias, out);
    },
    backward: (x, filters, upstream, g, outChannels, activation, grads) => {
      const dz = gatedGradient(upstream, activation);
      if (grads.dBias) reduceAxisKernel('sum', dz, 1, dz.length / outChannels, outChannels, grads.dBias);
      if (grads.dFilters) conv.conv2dBackpropFilter(x, dz, g, outChannels, grads.dFilters);
      if (grads.dx) conv.conv2dBackpropInput(dz, filters, g, outChannels, grads.dx);
    },
  };
}
