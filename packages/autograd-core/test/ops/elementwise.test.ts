/** Elementwise ops: broadcasting properties, dtype promotion and error messages. */
import fc from 'fast-check';
import { add, broadcastShapes, broadcastTo, div, mul, sub, tensor, where } from '@zen/autograd-core';
import * as R from '../helpers/reference';
import { broadcastPairArb, tensorOf } from '../helpers/arbitraries';
import { expectClose } from '../helpers/assert';

const pairWithSeeds = fc.tuple(broadcastPairArb, fc.nat(), fc.nat());

describe('broadcasting', () => {
  test.each([
    ['add', add, (x: number, y: number) => x + y],
    ['sub', sub, (x: number, y: number) => x - y],
    ['mul', mul, (x: number, y: number) => x * y],
  ] as const)('%s of broadcast shapes equals %s of the materialised broadcasts', (_name, op, f) => {
    fc.assert(
      fc.property(pairWithSeeds, ([[sa, sb], seedA, seedB]) => {
        const a = tensorOf(sa, seedA);
        const b = tensorOf(sb, seedB);
        const shape = broadcastShapes('test', sa, sb);
        const out = op(a, b);
        expectClose(out, op(broadcastTo(a, shape), broadcastTo(b, shape)), 0);
        expectClose(out, R.zip([R.fromTensor(a), R.fromTensor(b)], f), 0);
      }),
      { numRuns: 60 },
    );
  });

  test('the gradient of a broadcast operand is the output gradient summed over its copies', () => {
    fc.assert(
      fc.property(pairWithSeeds, ([[sa, sb], seedA, seedB]) => {
        const a = tensorOf(sa, seedA);
        const b = tensorOf(sb, seedB);
        a.requiresGrad = true;
        mul(a, b).sum().backward();
        // ∂/∂a Σ a·b = b broadcast to the output shape, then summed back to a's shape.
        const shape = broadcastShapes('test', sa, sb);
        const bFull = R.broadcastTo(R.fromTensor(b), shape);
        const lead = shape.length - sa.length;
        const axes = shape.flatMap((d, i) => (i < lead || (sa[i - lead] === 1 && d !== 1) ? [i] : []));
        const expected = R.reduce(bFull, axes, false, R.total);
        expect(a.grad!.shape).toEqual(sa);
        expectClose(a.grad!, R.arr(sa, expected.data), 1e-12);
      }),
      { numRuns: 60 },
    );
  });
});

describe('dtypes', () => {
  test('binary ops promote int32 < float32 < float64, and division is floating point', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    const f = tensor([1, 2], { dtype: 'float32' });
    const d = tensor([1, 2], { dtype: 'float64' });
    expect(add(i, i).dtype).toBe('int32');
    expect(add(i, f).dtype).toBe('float32');
    expect(add(f, d).dtype).toBe('float64');
    expect(div(i, tensor([2, 4], { dtype: 'int32' })).toArray()).toEqual([0.5, 0.5]);
    expect(add(i, 0.5).dtype).toBe('float32');
    expect(add(i, 0.5).toArray()).toEqual([1.5, 2.5]);
    expect(add(d, 1).dtype).toBe('float64');
  });
});

describe('errors name the op and the shapes', () => {
  test('incompatible broadcast', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => add(a, tensor([1, 2]))).toThrow(
      'add: shapes [2,3] and [2] cannot be broadcast (axis 1: 3 vs 2)',
    );
    expect(() => mul(a, tensor([[1], [2], [3]]))).toThrow('mul: shapes [2,3] and [3,1] cannot be broadcast');
    expect(() => where(tensor([1, 0, 1, 0]), a, 0)).toThrow(
      'where: shapes [4] and [2,3] cannot be broadcast',
    );
  });

  test('non-tensor operands', () => {
    expect(() => add(tensor([1]), 'x' as unknown as number)).toThrow(
      'expected a Tensor or a number, got string',
    );
  });
});
