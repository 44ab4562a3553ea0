/**
 * The wasm backend's fused convolution layer: act(conv2d(x, w) + bias) with the bias
 * and ReLU applied in wasm memory before the one copy out, and its backward in one call
 * (dy gated by act'(y) in place, with the bias gradient summed in the same pass, then
 * the filter and input gradients read the gated dy where it lies). Other dtypes go
 * around the backend's own convolution kernels.
 */
import type { Kernels } from '../backend';
import type { TypedArray } from '../dtype';
import {
  type ConvBiasActivationBackward,
  type ConvBiasActivationForward,
  type ConvKernels,
  convBiasActivationKernels,
} from '../kernels/conv-bias-activation';
import { type BiasActivationKernel, biasActivationKernel } from '../kernels/elementwise';
import type { ConvRunner } from './conv-heap';
import { gateInHeap, gateScratchFloats } from './bias-activation-heap';
import type { KernelThreads } from './threads';
import type { WasmHeap } from './heap';
import type { LoadedKernels } from './runtime';

/** The activation codes of assembly/bias-activation.ts. */
const ACTIVATION_CODES: Record<BiasActivationKernel, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 };

const allFloat32 = (arrays: readonly (TypedArray | null)[]) =>
  arrays.every((a) => a === null || a instanceof Float32Array);

export function fusedConvKernels(
  kernels: LoadedKernels,
  heap: WasmHeap,
  threads: KernelThreads,
  convs: ConvRunner,
  conv: ConvKernels,
): Pick<Kernels, 'conv2dBiasActivation' | 'conv2dBiasActivationBackward'> {
  const around = convBiasActivationKernels(conv);

  const forward: ConvBiasActivationForward = (x, filters, bias, g, outChannels, activation, out) => {
    const scratch = convs.scratchFloats('conv2d', g, outChannels);
    const pointers = allFloat32([x, filters, bias, out])
      ? heap.place([x.length, filters.length, out.length, bias.length, scratch])
      : null;
    if (!pointers) {
      around.forward(x, filters, bias, g, outChannels, activation, out);
      return;
    }
    const [xPtr, filtersPtr, outPtr, biasPtr, scratchPtr] = pointers;
    const memory = heap.f32;
    memory.set(x, xPtr >> 2);
    memory.set(filters, filtersPtr >> 2);
    memory.set(bias, biasPtr >> 2);
    const inWasm = activation === 'linear' || activation === 'relu';
    const epilogue = inWasm ? { bias: biasPtr, act: ACTIVATION_CODES[activation] } : undefined;
    convs.run('conv2d', xPtr, filtersPtr, g, outChannels, outPtr, scratchPtr, epilogue);
    out.set(memory.subarray(outPtr >> 2, (outPtr >> 2) + out.length));
    if (!inWasm) biasActivationKernel(activation, out, bias, out); // sigmoid, tanh: exp in TypeScript
  };

  const backward: ConvBiasActivationBackward = (x, filters, upstream, g, outChannels, activation, grads) => {
    const { dx, dFilters, dBias } = grads;
    const scratch = Math.max(
      dFilters ? convs.scratchFloats('conv2dBackpropFilter', g, outChannels) : 0,
      dx ? convs.scratchFloats('conv2dBackpropInput', g, outChannels) : 0,
    );
    const direct = 'dy' in upstream;
    const upstreamArrays = direct ? [upstream.y] : [upstream.pooledGrad, upstream.pooled];
    const dzSize = direct ? upstream.dy.length : upstream.outputSize;
    const upstreamSizes = direct
      ? [upstream.y.length]
      : [...upstreamArrays.map((a) => a.length), upstream.argmax.length];
    // dz is followed by the upstream arrays: the direct filter kernel may read a few floats past it.
    const pointers = allFloat32([
      x,
      filters,
      ...upstreamArrays,
      direct ? upstream.dy : null,
      dx,
      dFilters,
      dBias,
    ])
      ? heap.place([
          dzSize,
          ...upstreamSizes,
          x.length,
          filters.length,
          dx?.length ?? 0,
          dFilters?.length ?? 0,
          outChannels,
          scratch,
          gateScratchFloats(threads, g.batch, dzSize, outChannels),
        ])
      : null;
    if (!pointers) {
      around.backward(x, filters, upstream, g, outChannels, activation, grads);
      return;
    }
    const [dzPtr, ...rest] = pointers;
    const upstreamPtrs = rest.slice(0, upstreamSizes.length);
    const [xPtr, filtersPtr, dxPtr, dFiltersPtr, dBiasPtr, scratchPtr, gateScratchPtr] = rest.slice(
      upstreamSizes.length,
    );
    const act = ACTIVATION_CODES[activation];
    const gated = [dzPtr, upstreamPtrs, dBias ? dBiasPtr : 0, gateScratchPtr] as const;
    gateInHeap(kernels, heap, threads, upstream, act, outChannels, g.batch, ...gated);
    const memory = heap.f32;
    if (dFilters) {
      memory.set(x, xPtr >> 2);
      convs.run('conv2dBackpropFilter', xPtr, dzPtr, g, outChannels, dFiltersPtr, scratchPtr);
      dFilters.set(memory.subarray(dFiltersPtr >> 2, (dFiltersPtr >> 2) + dFilters.length));
    }
    if (dx) {
      memory.set(filters, filtersPtr >> 2);
      convs.run('conv2dBackpropInput', dzPtr, filtersPtr, g, outChannels, dxPtr, scratchPtr);
      dx.set(memory.subarray(dxPtr >> 2, (dxPtr >> 2) + dx.length));
    }
    if (dBias) dBias.set(memory.subarray(dBiasPtr >> 2, (dBiasPtr >> 2) + outChannels));
  };

  return { conv2dBiasActivation: forward, conv2dBiasActivationBackward: backward };
}
