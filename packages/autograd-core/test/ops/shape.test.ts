/** Shape ops: round-trip properties and error messages. */
import fc from 'fast-check';
import {
  type Tensor,
  arange,
  broadcastTo,
  concat,
  expandDims,
  flatten,
  gather,
  indexSelect,
  oneHot,
  pad,
  reshape,
  slice,
  split,
  squeeze,
  stack,
  tensor,
  transpose,
  zeros,
} from '@zen/autograd-core';
import { shapeArb, tensorOf } from '../helpers/arbitraries';
import { expectClose } from '../helpers/assert';
import { makeInput } from '../helpers/inputs';

const tensorAndSeed = (minRank: number) => fc.tuple(shapeArb(minRank, 4), fc.nat());

/** A permutation of 0…n−1 drawn by fast-check. */
const permutationOf = (n: number) =>
  fc
    .array(fc.nat(), { minLength: n, maxLength: n })
    .map((keys) => [...Array(n).keys()].sort((i, j) => keys[i] - keys[j] || i - j));

describe('round trips', () => {
  test('reshape to a shuffled shape and back', () => {
    fc.assert(
      fc.property(
        tensorAndSeed(1).chain(([shape, seed]) =>
          fc.tuple(fc.constant(tensorOf(shape, seed)), permutationOf(shape.length)),
        ),
        ([x, perm]) => {
          const other = perm.map((i) => x.shape[i]);
          const y = reshape(x, other);
          expect(y.shape).toEqual(other);
          expect(reshape(y, [...x.shape]).toArray()).toEqual(x.toArray());
          expect(reshape(x, [-1]).shape).toEqual([x.size]);
          expect(flatten(x).toArray()).toEqual(Array.from(x.data));
        },
      ),
    );
  });

  test('transpose by a permutation, then by its inverse; reversing twice', () => {
    fc.assert(
      fc.property(
        tensorAndSeed(0).chain(([shape, seed]) =>
          fc.tuple(fc.constant(tensorOf(shape, seed)), permutationOf(shape.length)),
        ),
        ([x, perm]) => {
          const inverse = new Array<number>(perm.length);
          perm.forEach((p, i) => (inverse[p] = i));
          const y = transpose(x, perm);
          expect(y.shape).toEqual(perm.map((p) => x.shape[p]));
          expectClose(transpose(y, inverse), x, 0);
          expectClose(transpose(transpose(x)), x, 0);
        },
      ),
    );
  });

  test('split then concat gives the tensor back', () => {
    const arb = tensorAndSeed(1).chain(([shape, seed]) =>
      fc.tuple(fc.constant(shape), fc.constant(seed), fc.nat(shape.length - 1)).chain(([s, sd, axis]) =>
        fc.tuple(
          fc.constant(tensorOf(s, sd)),
          fc.constant(axis),
          // cut points inside the axis: sizes that add up to its length
          fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, s[axis] - 1) }), { maxLength: s[axis] - 1 }),
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, axis, cuts]) => {
        const points = [0, ...cuts.filter((c) => c < x.shape[axis]).sort((a, b) => a - b), x.shape[axis]];
        const sizes = points.slice(1).map((p, i) => p - points[i]);
        const parts = split(x, sizes, axis);
        expect(parts.map((p) => p.shape[axis])).toEqual(sizes);
        expectClose(concat(parts, axis), x, 0);
      }),
    );
  });

  test('slicing the padding off gives the tensor back', () => {
    const arb = tensorAndSeed(1).chain(([shape, seed]) =>
      fc.tuple(
        fc.constant(tensorOf(shape, seed)),
        fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { minLength: shape.length, maxLength: shape.length }),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, paddings]) => {
        const padded = pad(x, paddings);
        expect(padded.shape).toEqual(x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]));
        expectClose(
          slice(
            padded,
            paddings.map((p) => p[0]),
            [...x.shape],
          ),
          x,
          0,
        );
        // Everything outside the box is zero: the sums agree.
        expect(padded.sum().item()).toBeCloseTo(x.sum().item(), 12);
      }),
    );
  });

  test('expandDims then squeeze that axis; stack then split and squeeze', () => {
    fc.assert(
      fc.property(tensorAndSeed(0), fc.nat(4), ([shape, seed], rawAxis) => {
        const x = tensorOf(shape, seed);
        const axis = rawAxis % (x.ndim + 1);
        expectClose(squeeze(expandDims(x, axis), axis), x, 0);
        const y = tensorOf(shape, seed + 1);
        const [a, b] = split(stack([x, y], axis), 2, axis).map((t) => squeeze(t, axis));
        expectClose(a, x, 0);
        expectClose(b, y, 0);
      }),
    );
  });

  test('gradients survive a round trip unchanged', () => {
    fc.assert(
      fc.property(tensorAndSeed(1), ([shape, seed]) => {
        const x = tensorOf(shape, seed);
        x.requiresGrad = true;
        const w = tensorOf(shape, seed + 7);
        const perm = [...x.shape.keys()].reverse();
        const roundTrip = transpose(
          reshape(transpose(x, perm), [-1]).reshape(perm.map((p) => x.shape[p])),
          perm,
        );
        roundTrip.mul(w).sum().backward();
        expectClose(x.grad!, w, 0);
      }),
      { numRuns: 40 },
    );
  });
});

describe('errors name the op and the shapes', () => {
  const x = makeInput({ shape: [2, 3] }, 'errors');

  test('reshape', () => {
    expect(() => reshape(x, [4])).toThrow('reshape: cannot reshape [2,3] (6 elements) to [4]');
    expect(() => reshape(x, [4, -1])).toThrow('reshape: cannot reshape [2,3] (6 elements) to [4,-1]');
    expect(() => reshape(x, [-1, -1])).toThrow('reshape: cannot reshape [2,3] (6 elements) to [-1,-1]');
    expect(() => reshape(x, [1.5, 4])).toThrow('reshape: cannot reshape');
  });

  test('transpose, squeeze, expandDims, flatten', () => {
    expect(() => transpose(x, [0, 0])).toThrow(
      'transpose: [0,0] is not a permutation of the 2 axes of [2,3]',
    );
    expect(() => transpose(x, [0])).toThrow('transpose: [0] is not a permutation');
    expect(() => transpose(x, [0, 2])).toThrow('transpose: axis 2 is out of range for a tensor of rank 2');
    expect(() => squeeze(x, 1)).toThrow('squeeze: axis 1 of [2,3] has length 3, not 1');
    expect(() => expandDims(x, 3)).toThrow('expandDims: axis 3 is out of range for a tensor of rank 3');
    expect(() => flatten(x, 2)).toThrow('flatten: axis 2 is out of range');
  });

  test('broadcastTo', () => {
    expect(() => broadcastTo(x, [3, 3])).toThrow('broadcastTo: shapes [2,3] and [3,3] cannot be broadcast');
    expect(() => broadcastTo(x, [3])).toThrow('broadcastTo: cannot broadcast [2,3] to [3]');
  });

  test('slice and pad', () => {
    expect(() => slice(x, [0, 2], [2, 2])).toThrow('slice: box begin [0,2] size [2,2] does not fit in [2,3]');
    expect(() => slice(x, [0], [1])).toThrow(
      'slice: begin [0] and size [1] need one entry per axis of [2,3]',
    );
    expect(() => slice(x, [3, 0])).toThrow('does not fit in [2,3]');
    expect(() => pad(x, [[1, 1]])).toThrow('pad: need 2 [before, after] pairs for [2,3], got 1');
    expect(() =>
      pad(x, [
        [0, -1],
        [0, 0],
      ]),
    ).toThrow('pad: paddings must be non-negative integers');
  });

  test('concat, stack, split', () => {
    const y = zeros([3, 3], { dtype: 'float64' });
    expect(() => concat([x, y], 1)).toThrow('concat: shapes [2,3], [3,3] differ outside axis 1');
    expect(() => concat([])).toThrow('concat: need at least one tensor');
    expect(() => stack([x, y])).toThrow('stack: all shapes must match, got [2,3], [3,3]');
    expect(() => split(x, 2, 1)).toThrow('split: axis 1 of length 3 cannot be split into 2 equal parts');
    expect(() => split(x, [1, 1], 1)).toThrow('split: sizes [1,1] do not add up to 3, the length of axis 1');
  });

  test('out-of-range indices', () => {
    expect(() => gather(x, [0, 2])).toThrow('gather: index 2 at position 1 is out of range [0, 2)');
    expect(() => gather(x, [-1])).toThrow('gather: index -1 at position 0 is out of range [0, 2)');
    expect(() => indexSelect(x, 1, [3])).toThrow('gather: index 3 at position 0 is out of range [0, 3)');
    expect(() => indexSelect(x, 0, tensor([[0]], { dtype: 'int32' }))).toThrow(
      'indexSelect: indices must be 1-D, got [1,1]',
    );
    // Plain lists are checked before any int32 conversion could truncate or wrap them.
    expect(() => gather(x, [0.5])).toThrow('gather: index 0.5 at position 0 is out of range [0, 2)');
    expect(() => gather(x, [2 ** 32])).toThrow('gather: index 4294967296 at position 0 is out of range');
    expect(() => oneHot([1.5], 3)).toThrow('oneHot: index 1.5 at position 0 is out of range [0, 3)');
    expect(() => oneHot([1, 4], 4)).toThrow('oneHot: index 4 at position 1 is out of range [0, 4)');
  });

  test.each([1, 15, 16, 40])(
    'gather copies rows of %i values (short rows by a loop, long by a view)',
    (inner) => {
      const t = arange(5 * inner).reshape([5, inner]);
      const rows = [4, 0, 4, 2];
      const got = gather(t, rows).toArray() as number[][];
      expect(got).toEqual(rows.map((r) => Array.from({ length: inner }, (_, j) => r * inner + j)));
    },
  );

  test('gather accepts int32 tensors and number lists alike', () => {
    const t = arange(6).reshape([3, 2]);
    const a: Tensor = gather(t, tensor([2, 0], { dtype: 'int32' }));
    expect(a.toArray()).toEqual(gather(t, [2, 0]).toArray());
  });
});
