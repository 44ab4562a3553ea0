/** matmul: random shapes against the reference, the seed's gradient rule, error messages. */
import fc from 'fast-check';
import { type Tensor, matmul, ones, scalar, tensor, zeros } from '@zen/autograd-core';
import * as R from '../helpers/reference';
import { tensorOf } from '../helpers/arbitraries';
import { expectClose } from '../helpers/assert';

describe('matmul', () => {
  test('matches the reference for random 1-D, 2-D and batched operands', () => {
    const dim = fc.integer({ min: 1, max: 5 });
    const batch = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 });
    const arb = fc.tuple(dim, dim, dim, batch, batch, fc.boolean(), fc.boolean(), fc.nat());
    fc.assert(
      fc.property(arb, ([m, k, n, batchA, batchB, vecA, vecB, seed]) => {
        // Make the batch shapes broadcastable by putting 1s where they clash.
        const lead = Math.max(batchA.length, batchB.length);
        const bA = batchA.map((d, i) => {
          const other = batchB[batchB.length - batchA.length + i];
          return other === undefined || other === d ? d : 1;
        });
        const a = tensorOf(vecA ? [k] : [...bA, m, k], seed);
        const b = tensorOf(vecB ? [k] : [...batchB, k, n], seed + 1);
        const out = matmul(a, b);
        expectClose(out, R.matmul(R.fromTensor(a), R.fromTensor(b)), 1e-12);
        expect(out.ndim).toBeLessThanOrEqual(lead + 2);
      }),
      { numRuns: 80 },
    );
  });

  test("gradients follow the seed's rule dA = G·Bᵀ, dB = Aᵀ·G", () => {
    const A = tensorOf([3, 4], 1);
    const B = tensorOf([4, 2], 2);
    const G = tensorOf([3, 2], 3);
    A.requiresGrad = true;
    B.requiresGrad = true;
    matmul(A, B).backward(G);
    const a = R.fromTensor(A);
    const b = R.fromTensor(B);
    const g = R.fromTensor(G);
    expectClose(A.grad!, R.matmul(g, R.transpose(b)), 1e-12);
    expectClose(B.grad!, R.matmul(R.transpose(a), g), 1e-12);
  });

  test('a broadcast batch operand receives its gradient summed over the batch', () => {
    const A = tensorOf([2, 3, 4], 4); // batch of 2
    const B = tensorOf([4, 5], 5); // shared by the batch
    B.requiresGrad = true;
    matmul(A, B).sum().backward();
    const g = R.arr([2, 3, 5], new Array<number>(30).fill(1));
    const perBatch = R.matmul(R.transpose(R.fromTensor(A), [0, 2, 1]), g); // [2,4,5]
    expectClose(B.grad!, R.reduce(perBatch, 0, false, R.total), 1e-12);
  });

  test('works in float32 and int32', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(matmul(a, a).toArray()).toEqual([
      [7, 10],
      [15, 22],
    ]);
    const i = a.astype('int32');
    expect(matmul(i, i).dtype).toBe('int32');
    expect(matmul(i, i).toArray()).toEqual([
      [7, 10],
      [15, 22],
    ]);
  });

  test('errors name both shapes', () => {
    const a: Tensor = zeros([2, 3]);
    expect(() => matmul(a, zeros([4, 5]))).toThrow(
      'matmul: cannot multiply [2,3] by [4,5] (inner dimensions 3 and 4 differ)',
    );
    expect(() => matmul(zeros([3]), zeros([4]))).toThrow(
      'matmul: cannot multiply [3] by [4] (inner dimensions 3 and 4 differ)',
    );
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 2]))).toThrow(
      'matmul: shapes [2] and [3] cannot be broadcast',
    );
    expect(() => matmul(scalar(2), ones([2]))).toThrow(
      'matmul: cannot multiply [] by [2] (scalars are not matrices)',
    );
  });
});
