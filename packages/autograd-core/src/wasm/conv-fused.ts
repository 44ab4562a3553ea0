/**
 * The wasm backend's fused convolution layer: act(conv2d(x, w) + bias) with the bias
 * and ReLU applied in wasm memory before the one copy out, and its backward in one call
 * (dy gated by act'(y) in place, with the bias gradient summed in the same pass, then
 * the filter and input gradients read the gated dy where it lies). Other dtypes go
 * around the backend's own convolution kernels.
 */
import type { Kernels } from '../backend';
import {
  type ConvBiasActivationBackward,
  type ConvBiasActivationForward,
  type ConvKernels,
  convBiasActivationKernels,
} from '../kernels/conv-bias-activation';
import { biasActivationKernel } from '../kernels/elementwise';
import type { ConvRunner } from './conv-heap';
import { ACTIVATION_CODES, type UpstreamInHeap, gateInHeap, gateScratchFloats } from './bias-activation-heap';
import type { KernelThreads } from './threads';
import { type WasmHeap, allFloat32 } from './heap';
import type { LoadedKernels } from './runtime';

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
    const call = allFloat32([x, filters, bias, out])
      ? heap.stage([x, filters, bias], [out], [scratch])
      : null;
    if (!call) {
      around.forward(x, filters, bias, g, outChannels, activation, out);
      return;
    }
    const [xPtr, filtersPtr, biasPtr, outPtr, scratchPtr] = call.pointers;
    const inWasm = activation === 'linear' || activation === 'relu';
    const epilogue = inWasm ? { bias: biasPtr, act: ACTIVATION_CODES[activation] } : undefined;
    convs.run('conv2d', xPtr, filtersPtr, g, outChannels, outPtr, scratchPtr, epilogue);
    call.finish();
    if (!inWasm) biasActivationKernel(activation, out, bias, out); // sigmoid, tanh: exp in TypeScript
  };

  const backward: ConvBiasActivationBackward = (x, filters, upstream, g, outChannels, activation, grads) => {
    const { dx, dFilters, dBias } = grads;
    const convScratch = Math.max(
      dFilters ? convs.scratchFloats('conv2dBackpropFilter', g, outChannels) : 0,
      dx ? convs.scratchFloats('conv2dBackpropInput', g, outChannels) : 0,
    );
    const direct = 'dy' in upstream;
    const dzSize = direct ? upstream.dy.length : upstream.outputSize;
    const floats = direct ? [upstream.dy, upstream.y] : [upstream.pooledGrad, upstream.pooled];
    if (!allFloat32([x, filters, ...floats, dx, dFilters, dBias])) {
      around.backward(x, filters, upstream, g, outChannels, activation, grads);
      return;
    }
    // dz is a region of its own (the gate writes it), followed by the convolutions' scratch:
    // the direct filter kernel may read a few floats past dz. dy not in wasm memory is copied
    // straight into dz; int32 indices not in wasm memory get a region too.
    const dyAt = direct ? heap.addressOf(upstream.dy) : null;
    const argmaxAt = direct ? null : heap.addressOf(upstream.argmax);
    const indices = direct || argmaxAt !== null ? 0 : upstream.argmax.length;
    const call = heap.stage(
      [dFilters ? x : null, dx ? filters : null, direct && dyAt === null ? null : floats[0], floats[1]],
      [dx, dFilters, dBias],
      [dzSize, convScratch, gateScratchFloats(threads, g.batch, dzSize, outChannels), indices],
    );
    if (!call) {
      around.backward(x, filters, upstream, g, outChannels, activation, grads);
      return;
    }
    const [
      xPtr,
      filtersPtr,
      u0,
      u1,
      dxPtr,
      dFiltersPtr,
      dBiasPtr,
      dzPtr,
      scratchPtr,
      gateScratchPtr,
      indicesPtr,
    ] = call.pointers;
    const memory = heap.f32;
    let inHeap: UpstreamInHeap;
    if ('dy' in upstream) {
      if (dyAt === null) memory.set(upstream.dy, dzPtr >> 2);
      else memory.copyWithin(dzPtr >> 2, dyAt >> 2, (dyAt >> 2) + dzSize);
      inHeap = { y: u1 };
    } else {
      const { argmax } = upstream;
      if (argmaxAt === null) new Int32Array(memory.buffer, indicesPtr, argmax.length).set(argmax);
      inHeap = { pooledGrad: u0, pooled: u1, argmax: argmaxAt ?? indicesPtr, count: argmax.length };
    }
    const act = ACTIVATION_CODES[activation];
    gateInHeap(
      kernels,
      heap,
      threads,
      inHeap,
      act,
      outChannels,
      g.batch,
      dzSize,
      dzPtr,
      dBiasPtr,
      gateScratchPtr,
    );
    if (dFilters) convs.run('conv2dBackpropFilter', xPtr, dzPtr, g, outChannels, dFiltersPtr, scratchPtr);
    if (dx) convs.run('conv2dBackpropInput', dzPtr, filtersPtr, g, outChannels, dxPtr, scratchPtr);
    call.finish();
  };

  return { conv2dBiasActivation: forward, conv2dBiasActivationBackward: backward };
}
