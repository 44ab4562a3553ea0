/**
 * The first-order gradients of a layer's y = act(z + bias) over rows of C channels, in
 * one kernel call: dz = g·act'(y) (each supported activation's derivative is a function
 * of y) and the bias gradient dBias[c] = Σ_r dz[r, c].
 */
import type { TypedArray } from '../dtype';
import { activationGradFromOutput } from './conv-bias-activation';
import type { BiasActivationKernel } from './elementwise';
import { reduceAxisKernel } from './reduce';

export function biasActivationGradKernel(
  activation: BiasActivationKernel,
  g: TypedArray,
  y: TypedArray,
  dz: TypedArray,
  dBias: TypedArray,
): void {
  activationGradFromOutput(activation, g, y, dz);
  reduceAxisKernel('sum', dz, 1, dz.length / dBias.length, dBias.length, dBias);
}
