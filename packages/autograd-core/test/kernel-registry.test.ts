/**
 * The (kernel, backend) registry: 'ts' provides every kernel, a backend overrides any
 * subset and gets the 'ts' kernel for the rest, and ops dispatch through it.
 */
import {
  type Kernels,
  getBackend,
  getKernel,
  listBackends,
  registerBackend,
  registerKernel,
  setBackend,
  softmax,
  tensor,
  tsBackend,
} from '@zen/autograd-core';
import { tsKernels } from '../src/kernels';

const KERNELS = Object.keys(tsKernels) as (keyof Kernels)[];

afterEach(() => setBackend('wasm'));

test('the TypeScript backend registers every kernel the ops use', () => {
  expect(KERNELS.sort()).toEqual(
    [
      'activation',
      'attentionBackward',
      'attentionForward',
      'biasActivation',
      'biasActivationGrad',
      'binary',
      'broadcast',
      'col2im',
      'conv2d',
      'conv2dBackpropFilter',
      'conv2dBackpropInput',
      'conv2dBiasActivation',
      'conv2dBiasActivationBackward',
      'copyBox',
      'deferWeightGradient',
      'gatherAxis',
      'gelu',
      'geluBackward',
      'layerNorm',
      'layerNormBackward',
      'gemm',
      'gemmBias',
      'im2col',
      'indexOfNonFinite',
      'isDeferred',
      'maxPool2d',
      'oneHot',
      'optimizerStep',
      'permute',
      'reduceAxis',
      'scatterAddAxis',
      'scatterAddFlat',
      'scratchArena',
      'settleDeferred',
      'softmax',
      'softmaxCrossEntropy',
      'softmaxCrossEntropyBackward',
      'softmaxCrossEntropyDense',
      'softmaxCrossEntropyDenseBackward',
      'stateArray',
      'sumOfSquares',
      'takeFlat',
      'tanhRecurrence',
      'tanhRecurrenceBackward',
      'unary',
      'where',
    ].sort(),
  );
  for (const k of KERNELS) expect(typeof tsBackend[k]).toBe('function');
});

test("every registered backend resolves every kernel; what 'wasm' lacks is the 'ts' kernel", () => {
  for (const name of listBackends()) {
    setBackend(name);
    for (const k of KERNELS) expect(typeof getBackend()[k]).toBe('function');
  }
  expect(getKernel('softmax', 'wasm')).toBe(tsKernels.softmax);
  expect(getKernel('gemm', 'wasm')).not.toBe(tsKernels.gemm);
});

test('a backend overriding one kernel runs it for the op and the TypeScript kernels for the rest', () => {
  const seen: number[] = [];
  registerBackend({
    name: 'logging-softmax',
    softmax: (src, outer, n, inner, log, dst) => {
      seen.push(n);
      tsBackend.softmax(src, outer, n, inner, log, dst);
    },
  });
  setBackend('logging-softmax');
  const p = softmax(tensor([[0, Math.log(3)]]));
  expect(Array.from(p.data)).toEqual([0.25, 0.75]);
  expect(seen).toEqual([2]);
  expect(getBackend().gemm).toBe(tsBackend.gemm);
  // A kernel registered later replaces it for the backend in use.
  registerKernel('softmax', 'logging-softmax', (src, outer, n, inner, log, dst) => dst.fill(7));
  expect(Array.from(softmax(tensor([1, 2])).data)).toEqual([7, 7]);
});
