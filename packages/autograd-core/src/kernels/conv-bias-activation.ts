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

/** The gradients of y = act(conv2d(x, filters) + bias), given dy, into `grads`. */
export type ConvBiasActivationBackward = (
  x: TypedArray,
  filters: TypedArray,
  y: TypedArray,
  dy: TypedArray,
  g: WindowGeometry,
  outChannels: number,
  activation: BiasActivationKernel,
  grads: ConvBiasActivationGrads,
) => void;

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
    backward: (x, filters, y, dy, g, outChannels, activation, grads) => {
      const dz = allocate(dtypeOf(dy), dy.length);
      activationGradFromOutput(activation, dy, y, dz);
      if (grads.dBias) reduceAxisKernel('sum', dz, 1, dz.length / outChannels, outChannels, grads.dBias);
      if (grads.dFilters) conv.conv2dBackpropFilter(x, dz, g, outChannels, grads.dFilters);
      if (grads.dx) conv.conv2dBackpropInput(dz, filters, g, outChannels, grads.dx);
    },
  };
}
