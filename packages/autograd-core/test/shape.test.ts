/** Broadcasting rules (property-based against a plain reference) and shape helpers. */
import fc from 'fast-check';
import { broadcastShapes, sizeOf } from '@zen/autograd-core';
import { broadcastShape } from './helpers/reference';
import { broadcastPairArb, shapeArb } from './helpers/arbitraries';

describe('broadcastShapes', () => {
  test('agrees with the reference rule on arbitrary (often incompatible) shapes', () => {
    const smallShape = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 4 });
    fc.assert(
      fc.property(smallShape, smallShape, (a, b) => {
        const expected = broadcastShape(a, b);
        if (expected === null) {
          expect(() => broadcastShapes('op', a, b)).toThrow(
            `op: shapes [${a.join(',')}] and [${b.join(',')}] cannot be broadcast`,
          );
        } else {
          expect(broadcastShapes('op', a, b)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('compatible pairs broadcast, symmetrically, to a shape both can expand to', () => {
    fc.assert(
      fc.property(broadcastPairArb, ([a, b]) => {
        const out = broadcastShapes('op', a, b);
        expect(broadcastShapes('op', b, a)).toEqual(out);
        expect(out.length).toBe(Math.max(a.length, b.length));
        // Broadcasting the result with either operand changes nothing.
        expect(broadcastShapes('op', out, a)).toEqual(out);
        expect(broadcastShapes('op', out, b)).toEqual(out);
      }),
    );
  });

  test('names the axis that does not match', () => {
    expect(() => broadcastShapes('add', [2, 3], [4])).toThrow(
      'add: shapes [2,3] and [4] cannot be broadcast (axis 1: 3 vs 4)',
    );
  });
});

test('sizeOf is the product of the dimensions (1 for a scalar)', () => {
  fc.assert(fc.property(shapeArb(), (s) => expect(sizeOf(s)).toBe(s.reduce((n, d) => n * d, 1))));
  expect(sizeOf([])).toBe(1);
  expect(sizeOf([3, 0])).toBe(0);
});
