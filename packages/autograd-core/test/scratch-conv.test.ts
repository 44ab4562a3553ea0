/**
 * Convolution layers and max pooling in a scratch scope: their operands, outputs and pool
 * indices live in the wasm kernels' memory and are used in place; values and gradients are
 * bit for bit those computed on ordinary arrays, with the gradient arriving through a max
 * pool (the pooled form) or straight from another op (the direct form). Outputs, gradients
 * and pool indices are not zeroed first in a scope: they are the same with the memory
 * poisoned (NaN-filled), so the kernels write them in full.
 */
import {
  type Tensor,
  conv2dBiasActivation,
  getBackend,
  keepGradients,
  maxPool2d,
  scratchScope,
} from '@zen/autograd-core';
import { makeInput } from './helpers/inputs';
import { scratch } from '../src/scratch-state';

function leaf(shape: number[], seed: string): Tensor {
  const t = makeInput({ shape, range: [-1, 1], dtype: 'float32' }, seed);
  t.requiresGrad = true;
  return t;
}

/** The benchmark CNN's two layers on a small batch: x, then each layer's kernel and bias. */
function makeParams(): Tensor[] {
  return [
    leaf([6, 14, 14, 1], 'x'),
    leaf([3, 3, 1, 8], 'k1'),
    leaf([8], 'b1'),
    leaf([3, 3, 8, 16], 'k2'),
    leaf([16], 'b2'),
  ];
}

type Form = 'pooled' | 'direct';

/** conv → pool → conv, then pooled again or used directly; Σ out². Returns the tensors to inspect. */
function network(params: Tensor[], form: Form) {
  const [x, k1, b1, k2, b2] = params;
  const first = conv2dBiasActivation(x, k1, b1, 'relu');
  const pooled = maxPool2d(first);
  const second = conv2dBiasActivation(pooled, k2, b2, 'relu');
  const out = form === 'pooled' ? maxPool2d(second) : second.mul(second);
  return { first, pooled, loss: out.mul(out).sum() };
}

const cases = ['pooled', 'direct'].flatMap((form) => [false, true].map((poison) => ({ form, poison })));

test.each(cases as { form: Form; poison: boolean }[])(
  'conv layers and max pooling in a scope equal those on ordinary arrays, bit for bit: %j',
  ({ form, poison }) => {
    const reference = makeParams();
    const want = network(reference, form);
    want.loss.backward();

    const params = makeParams();
    const arena = getBackend().scratchArena()!;
    let loss = NaN;
    let lent: boolean[] = [];
    let first: number[] = [];
    scratch.poison = poison;
    try {
      scratchScope(() => {
        const got = network(params, form);
        loss = got.loss.item();
        lent = [arena.owns(got.first.data), arena.owns(got.pooled.data)];
        first = Array.from(got.first.data);
        got.loss.backward();
        keepGradients(params);
      });
    } finally {
      scratch.poison = false;
    }
    expect(lent).toEqual([true, true]);
    expect(first).toEqual(Array.from(want.first.data));
    expect(loss).toBe(want.loss.item());
    params.forEach((p, i) => expect(Array.from(p.grad!.data)).toEqual(Array.from(reference[i].grad!.data)));
  },
);
