/** Error classes: callers can tell a shape mistake from a bad value or dtype; messages are unchanged. */
import {
  DTypeError,
  ShapeError,
  ValueError,
  ZenError,
  dropout,
  gradcheck,
  matmul,
  ones,
  reshape,
  tensor,
  zeros,
} from '@zen/autograd-core';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

test.each([
  [
    'matmul of mismatched shapes',
    () => matmul(ones([2, 3]), ones([4, 5])),
    ShapeError,
    'matmul: cannot multiply [2,3] by [4,5] (inner dimensions 3 and 4 differ)',
  ],
  [
    'reshape to a different size',
    () => reshape(ones([2, 3]), [4]),
    ShapeError,
    'reshape: cannot reshape [2,3] (6 elements) to [4]',
  ],
  ['broadcasting', () => ones([2, 3]).add(ones([4])), ShapeError, /cannot be broadcast/],
  ['a dropout rate of 1', () => dropout(ones([2]), 1), ValueError, 'dropout: rate must be in [0, 1), got 1'],
  [
    'an unknown dtype',
    () => zeros([2], { dtype: 'float16' as never }),
    DTypeError,
    /unknown dtype 'float16'/,
  ],
  [
    'gradcheck on float32',
    () => gradcheck((a) => a.sum(), [tensor([1], { requiresGrad: true })]),
    DTypeError,
    /finite differences need float64/,
  ],
])('%s', (_what, f, Class, message) => {
  const error = thrown(f);
  expect(error).toBeInstanceOf(Class);
  expect(error).toBeInstanceOf(ZenError);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe(Class.name);
  if (typeof message === 'string') expect((error as Error).message).toBe(message);
  else expect((error as Error).message).toMatch(message);
});

test('the classes are distinct', () => {
  expect(new ShapeError('x')).not.toBeInstanceOf(ValueError);
  expect(new ValueError('x')).not.toBeInstanceOf(ShapeError);
});
