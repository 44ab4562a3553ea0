/**
 * Scratch scopes: inside one, float32 results live in the wasm kernels' memory and kernels
 * use them in place; the values (forward and gradients) are bit for bit those computed on
 * ordinary arrays; a tensor kept past its scope fails loudly; gradients kept with
 * keepGradients stay readable; the memory is reused by the next scope.
 */
import {
  Tensor,
  ValueError,
  gather,
  gelu,
  matmul,
  getBackend,
  keepGradients,
  layerNorm,
  linear,
  makeGenerator,
  randn,
  scaledDotProductAttention,
  scratchScope,
  setBackend,
  setSeed,
} from '@zen/autograd-core';
import { scratch } from '../src/scratch-state';

function leaf(shape: number[], seed: string): Tensor {
  const next = makeGenerator(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(
    Float32Array.from({ length: size }, () => 2 * next() - 1),
    shape,
    true,
  );
}

/** A transformer-like chain: linear → GELU → layer norm → causal self-attention → Σ out². */
function chain(params: Tensor[]): Tensor {
  const [x, w, b, gamma, beta] = params;
  const h = layerNorm(gelu(linear(x, w, b)), gamma, beta);
  const q = h.reshape([2, 2, 16, 64]);
  const out = scaledDotProductAttention(q, q, q, { causal: true });
  return out.mul(out).sum();
}

function makeParams(): Tensor[] {
  return [leaf([64, 64], 'x'), leaf([64, 64], 'w'), leaf([64], 'b'), leaf([64], 'gamma'), leaf([64], 'beta')];
}

afterEach(() => setBackend('wasm'));

test('values and gradients in a scope equal those on ordinary arrays, bit for bit', () => {
  const reference = makeParams();
  const loss = chain(reference);
  loss.backward();

  const params = makeParams();
  let inScope = NaN;
  let lentToKernels = false;
  scratchScope(() => {
    const l = chain(params);
    inScope = l.item();
    const hidden = gelu(linear(params[0], params[1], params[2]));
    lentToKernels = getBackend().scratchArena()!.owns(hidden.data);
    l.backward();
    keepGradients(params);
  });
  expect(lentToKernels).toBe(true);
  expect(inScope).toBe(loss.item());
  params.forEach((p, i) => {
    expect(p.grad).not.toBeNull();
    expect(getBackend().scratchArena()!.owns(p.grad!.data)).toBe(false);
    expect(Array.from(p.grad!.data)).toEqual(Array.from(reference[i].grad!.data));
  });
});

/**
 * A chain whose weight gradients are products large enough to share (1024 rows, depth
 * 1024 ≥ 2 × their sides): w1 serves twice (its gradient is a sum of one product computed
 * at once, x being no scratch tensor, and one finished later), w2 is a 3-D parameter used
 * reshaped (its gradient passes a reshape before it is read).
 */
function deepChain([x, w1, b1, w2]: Tensor[]): Tensor {
  const h = linear(x, w1, b1).gelu();
  const y = linear(linear(h, w1, b1), w2.reshape([128, 128]), b1);
  return y.mul(y).sum();
}

test('weight gradients a helper finishes later (large products in a scope) equal those computed at once, bit for bit', () => {
  const make = () => [
    leaf([1024, 128], 'deep x'),
    leaf([128, 128], 'w1'),
    leaf([128], 'b1'),
    leaf([128, 4, 32], 'w2'),
  ];
  const reference = make();
  deepChain(reference).backward();

  const params = make();
  const backend = getBackend();
  const deferred = jest.spyOn(backend, 'deferWeightGradient');
  const handedOver = (() => {
    try {
      scratchScope(() => {
        deepChain(params).backward();
        keepGradients(params);
      });
      return deferred.mock.results.filter((r) => r.value === true).length;
    } finally {
      deferred.mockRestore();
    }
  })();
  // The weight gradients whose input lives in the arena (all but x's product) were handed
  // to the backend to finish later.
  expect(handedOver).toBe(2);
  params.forEach((p, i) => {
    expect(Array.from(p.grad!.data)).toEqual(Array.from(reference[i].grad!.data));
  });
});

/** Every op that leaves its output unzeroed in a scope, forward and backward, on scratch-sized tensors. */
function unzeroedOps(params: Tensor[]): Tensor {
  const [x, w, , , , table] = params;
  const rows = gather(table, [3, 1, 3, 39, 0, 7, 7, 2], 0); // scatter-add backward: kept zeroed
  const batched = matmul(x.reshape([4, 16, 64]), w.reshape([4, 64, 16]));
  const unary = x.exp().add(x.tanh()).sub(x.sigmoid().mul(w)).add(x.neg().square());
  return chain(params)
    .add(batched.mul(batched).sum())
    .add(matmul(x, w).sum())
    .add(unary.sum())
    .add(rows.mul(rows).sum())
    .add(
      scaledDotProductAttention(x.reshape([4, 16, 64]), x.reshape([4, 16, 64]), w.reshape([4, 16, 64])).sum(),
    );
}

test('outputs left unzeroed in a scope are written in full: the same values with the memory poisoned', () => {
  const withTable = () => [...makeParams(), leaf([40, 64], 'table')];
  const reference = withTable();
  const loss = unzeroedOps(reference);
  loss.backward();
  scratch.poison = true;
  try {
    for (let round = 0; round < 2; round++) {
      const params = withTable();
      const value = scratchScope(() => {
        const l = unzeroedOps(params);
        l.backward();
        keepGradients(params);
        return l.item();
      });
      expect(value).toBe(loss.item());
      params.forEach((p, i) => expect(Array.from(p.grad!.data)).toEqual(Array.from(reference[i].grad!.data)));
    }
  } finally {
    scratch.poison = false;
  }
});

test('a tensor kept past its scope throws when read, naming its shape', () => {
  const x = leaf([32, 64], 'kept');
  const kept = scratchScope(() => gelu(x));
  expect(() => kept.data).toThrow(ValueError);
  expect(() => kept.toArray()).toThrow(/Tensor of shape \[32,64\] was made inside a scratch scope/);
  expect(() => kept.add(1)).toThrow(/scratch scope/);
  // A clone made inside the scope is ordinary memory and stays valid.
  const cloned = scratchScope(() => gelu(x).clone());
  expect(cloned.data[0]).toBeCloseTo(gelu(x).data[0], 6);
});

test('small and non-float32 tensors made in a scope are ordinary arrays', () => {
  const [small, double] = scratchScope(() => [
    leaf([4, 8], 'small').mul(2),
    new Tensor(new Float64Array(4096).fill(1), [4096]).mul(2),
  ]);
  expect(small.data.length).toBe(32);
  expect(double.data[4095]).toBe(2);
});

test('a nested scope runs in the enclosing one; the next scope reuses the memory', () => {
  const x = leaf([64, 64], 'reuse');
  let first = -1;
  let inner: Tensor | null = null;
  scratchScope(() => {
    first = x.mul(2).data.byteOffset;
    inner = scratchScope(() => x.mul(3));
    expect(inner.data[0]).toBe(Math.fround(x.data[0] * 3)); // still valid: the outer scope has not ended
  });
  expect(() => inner!.data).toThrow(ValueError);
  const second = scratchScope(() => x.mul(2).data.byteOffset);
  expect(second).toBe(first);
});

test('an exception inside a scope still ends it', () => {
  const x = leaf([64, 64], 'throws');
  let made: Tensor | null = null;
  expect(() =>
    scratchScope(() => {
      made = x.mul(2);
      throw new Error('boom');
    }),
  ).toThrow('boom');
  expect(() => made!.data).toThrow(ValueError);
  expect(scratchScope(() => x.mul(2).sum().item())).toBeCloseTo(x.sum().item() * 2, 3);
});

test('the TypeScript backend lends no scratch memory: tensors stay valid', () => {
  setBackend('ts');
  setSeed(1);
  const x = randn([64, 64]);
  const y = scratchScope(() => x.mul(2));
  expect(y.data[0]).toBe(x.data[0] * 2);
});
