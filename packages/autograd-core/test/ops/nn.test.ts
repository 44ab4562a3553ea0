/** Neural-net ops: numerical stability, pooling and convolution options, error messages. */
import fc from 'fast-check';
import { avgPool2d, conv2d, grad, logSoftmax, maxPool2d, softmax, tensor, zeros } from '@zen/autograd-core';
import type { Tensor } from '@zen/autograd-core';
import { shapeArb, tensorOf } from '../helpers/arbitraries';
import { expectClose } from '../helpers/assert';

describe('softmax and logSoftmax', () => {
  test('rows of softmax are positive and sum to 1; exp(logSoftmax) = softmax', () => {
    fc.assert(
      fc.property(shapeArb(1, 3), fc.nat(), (shape, seed) => {
        const x = tensorOf(shape, seed).mul(5);
        const s = softmax(x);
        expect(Array.from(s.data).every((v) => v > 0 && v <= 1)).toBe(true);
        expectClose(s.sum(-1), zeros(shape.slice(0, -1), { dtype: 'float64' }).add(1), 1e-12);
        expectClose(logSoftmax(x).exp(), s, 1e-12);
      }),
      { numRuns: 50 },
    );
  });

  test('logits of ±1e4 give finite values and finite gradients (float32 too)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const logits = tensor(
        [
          [1e4, -1e4, 0],
          [-1e4, -1e4, -1e4],
        ],
        { dtype },
      );
      const out = logSoftmax(logits);
      expect(Array.from(out.data).every(Number.isFinite)).toBe(true);
      expect(out.data[0]).toBe(0);
      expect(out.data[3]).toBeCloseTo(-Math.log(3), 5);
      const [g] = grad((t: Tensor) =>
        logSoftmax(t)
          .mul(
            tensor(
              [
                [1, 0, 0],
                [0, 1, 0],
              ],
              { dtype },
            ),
          )
          .sum(),
      )(logits);
      expect(Array.from(g.data).every(Number.isFinite)).toBe(true);
      expect(Array.from(softmax(logits).data).every(Number.isFinite)).toBe(true);
    }
  });
});

describe('conv2d and pooling shapes', () => {
  test.each([
    [[1, 7, 7, 1], [3, 3, 1, 2], {}, [1, 5, 5, 2]],
    [[1, 7, 7, 1], [3, 3, 1, 2], { padding: 'same' as const }, [1, 7, 7, 2]],
    [[1, 7, 7, 1], [3, 3, 1, 2], { padding: 'same' as const, strides: 2 }, [1, 4, 4, 2]],
    [[1, 7, 7, 1], [3, 3, 1, 2], { dilation: 2 }, [1, 3, 3, 2]],
    [[2, 8, 6, 3], [2, 3, 3, 4], { strides: [2, 3] as [number, number] }, [2, 4, 2, 4]],
  ])('conv2d %j * %j with %j → %j', (xs, ws, options, expected) => {
    expect(conv2d(zeros(xs), zeros(ws), options).shape).toEqual(expected);
  });

  test.each([
    [[1, 5, 5, 2], {}, [1, 2, 2, 2]],
    [[1, 5, 5, 2], { padding: 'same' as const }, [1, 3, 3, 2]],
    [[1, 6, 6, 1], { poolSize: 3, strides: 1 }, [1, 4, 4, 1]],
  ])('pooling %j with %j → %j', (xs, options, expected) => {
    expect(maxPool2d(zeros(xs), options).shape).toEqual(expected);
    expect(avgPool2d(zeros(xs), options).shape).toEqual(expected);
  });

  test('errors name the op and the shapes', () => {
    expect(() => conv2d(zeros([4, 4, 1]), zeros([3, 3, 1, 1]))).toThrow(
      'conv2d: input must be NHWC [batch, height, width, channels], got [4,4,1]',
    );
    expect(() => conv2d(zeros([1, 4, 4, 2]), zeros([3, 3, 1]))).toThrow(
      'conv2d: filters must be [kh, kw, inChannels, outChannels], got [3,3,1]',
    );
    expect(() => conv2d(zeros([1, 4, 4, 2]), zeros([3, 3, 1, 5]))).toThrow(
      'conv2d: input [1,4,4,2] has 2 channels but filters [3,3,1,5] expect 1',
    );
    expect(() => conv2d(zeros([1, 2, 2, 1]), zeros([3, 3, 1, 1]))).toThrow(
      "conv2d: input [1,2,2,1] is smaller than the 3x3 window (dilation [1,1]) with 'valid' padding",
    );
    expect(() => conv2d(zeros([1, 4, 4, 1]), zeros([3, 3, 1, 1]), { strides: 0 })).toThrow(
      'conv2d: kernel size, strides and dilation must be positive integers',
    );
    expect(() => conv2d(zeros([1, 4, 4, 1]), zeros([3, 3, 1, 1]), { padding: 'full' as never })).toThrow(
      "conv2d: padding must be 'valid' or 'same', got 'full'",
    );
    expect(() => maxPool2d(zeros([4, 4]))).toThrow('maxPool2d: input must be NHWC');
    expect(() => avgPool2d(zeros([1, 1, 1, 1]))).toThrow(
      'avgPool2d: input [1,1,1,1] is smaller than the 2x2 window',
    );
  });
});
