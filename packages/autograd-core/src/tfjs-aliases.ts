/**
 * TensorFlow.js spellings for people moving over, as thin aliases: `dataSync()` is
 * `data`, `arraySync()` is `toArray()`, `print()` logs `toString()`, and
 * `tensor1d`…`tensor4d` are `tensor` with a rank check.
 */
import { type DType, type TypedArray } from './dtype';
import { type Shape, formatShape } from './shape';
import { type NestedArray, Tensor } from './tensor';
import { tensor } from './creation';

declare module './tensor' {
  interface Tensor {
    /** tfjs alias: the elements as a flat typed array (the tensor's own storage, not a copy). */
    dataSync(): TypedArray;
    /** tfjs alias of `toArray()`: the elements as nested arrays. */
    arraySync(): NestedArray;
    /** tfjs alias: logs `toString()` to the console. */
    print(): void;
  }
}

Object.defineProperties(Tensor.prototype, {
  dataSync: {
    value(this: Tensor) {
      return this.data;
    },
    writable: true,
    configurable: true,
  },
  arraySync: {
    value(this: Tensor) {
      return this.toArray();
    },
    writable: true,
    configurable: true,
  },
  print: {
    value(this: Tensor) {
      console.log(this.toString());
    },
    writable: true,
    configurable: true,
  },
});

type Values = NestedArray | TypedArray | readonly number[];

function ranked(rank: number, values: Values, shape?: Shape, dtype?: DType): Tensor {
  const result = shape ? tensor(values, shape, dtype) : tensor(values, { dtype });
  if (result.ndim !== rank) {
    throw new Error(`tensor${rank}d: expected a rank-${rank} tensor, got shape ${formatShape(result.shape)}`);
  }
  return result;
}

/** tfjs alias: `tensor(values, shape, dtype)` that must be 1-D. */
export const tensor1d = (values: Values, dtype?: DType): Tensor => ranked(1, values, undefined, dtype);
/** tfjs alias: `tensor(values, shape, dtype)` that must be 2-D. */
export const tensor2d = (values: Values, shape?: Shape, dtype?: DType): Tensor =>
  ranked(2, values, shape, dtype);
/** tfjs alias: `tensor(values, shape, dtype)` that must be 3-D. */
export const tensor3d = (values: Values, shape?: Shape, dtype?: DType): Tensor =>
  ranked(3, values, shape, dtype);
/** tfjs alias: `tensor(values, shape, dtype)` that must be 4-D. */
export const tensor4d = (values: Values, shape?: Shape, dtype?: DType): Tensor =>
  ranked(4, values, shape, dtype);
