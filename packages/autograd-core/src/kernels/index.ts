/**
 * The TypeScript backend's kernels: every kernel in the registry (backend.ts), for
 * every dtype. They are the oracle faster backends are tested against.
 */
import type { Kernels } from '../backend';
import { maxPoolKernel } from './conv';
import { conv2dBackpropFilterByGemm, conv2dBackpropInputByGemm, conv2dByGemm } from './convolution';
import { gemmBlocked } from './matmul';

export const tsKernels: Kernels = {
  gemm: gemmBlocked,
  conv2d: (x, filters, g, outChannels, out) => conv2dByGemm(gemmBlocked, x, filters, g, outChannels, out),
  conv2dBackpropInput: (dy, filters, g, outChannels, dx) =>
    conv2dBackpropInputByGemm(gemmBlocked, dy, filters, g, outChannels, dx),
  conv2dBackpropFilter: (x, dy, g, outChannels, dFilters) =>
    conv2dBackpropFilterByGemm(gemmBlocked, x, dy, g, outChannels, dFilters),
  maxPool2d: maxPoolKernel,
};
