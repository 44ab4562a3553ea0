/** fast-check generators for shapes, and tensors filled reproducibly from a drawn seed. */
import fc from 'fast-check';
import type { Tensor } from '@zen/autograd-core';
import { makeInput } from './inputs';

/** A shape of rank 0–4 with dimensions 1–4. */
export const shapeArb = (minRank = 0, maxRank = 4, maxDim = 4) =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

/**
 * Two shapes that broadcast together: trailing parts of one base shape, with some
 * dimensions replaced by 1 in either operand.
 */
export const broadcastPairArb = fc
  .tuple(
    shapeArb(0, 4),
    fc.nat(4),
    fc.nat(4),
    fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
  )
  .map(([base, dropA, dropB, ones]) => {
    const a = base.slice(Math.min(dropA, base.length)).map((d, i) => (ones[i] === 1 ? 1 : d));
    const b = base.slice(Math.min(dropB, base.length)).map((d, i) => (ones[i] === 2 ? 1 : d));
    return [a, b] as [number[], number[]];
  });

/** A float64 tensor of `shape` with values in [−2, 2] drawn from `seed`. */
export const tensorOf = (shape: number[], seed: number): Tensor => makeInput({ shape }, `arb ${seed}`);

/** A shape paired with a seed for its values. */
export const tensorArb = (minRank = 0, maxRank = 4) =>
  fc.tuple(shapeArb(minRank, maxRank), fc.nat()).map(([shape, seed]) => tensorOf(shape, seed));
