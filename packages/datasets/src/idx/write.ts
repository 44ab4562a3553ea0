/** Writing IDX files, optionally gzip-compressed. */
import { writeFileAtomicSync } from '../atomic-write';
import {
  type IdxArrayLike,
  type IdxType,
  type IdxTypedArray,
  MAX_IDX_DIMS,
  MAX_IDX_DIM_SIZE,
  BUFFER_NAME,
  formatShape,
  idxTypeByDType,
  swapToHostOrder,
} from './format';
import { gzip } from './node-io';

/**
 * Writes an array as an IDX file (gzip-compressed when `file` ends with `.gz`), through
 * a temporary name and a rename. Accepts `{ shape, dtype, data }` or a Tensor.
 * @example writeIdx('labels-idx1-ubyte', { shape: [3], dtype: 'uint8', data: [7, 2, 1] });
 */
export function writeIdx(file: string, array: IdxArrayLike): void {
  const bytes = encodeIdx(array, file);
  try {
    writeFileAtomicSync(file, file.endsWith('.gz') ? gzip(bytes) : bytes);
  } catch (error) {
    throw new Error(`writeIdx: ${file}: cannot write (${(error as Error).message})`, { cause: error });
  }
}

/** The bytes of an IDX file holding `array`; `name` is used in error messages. */
export function encodeIdx(array: IdxArrayLike, name: string = BUFFER_NAME): Buffer {
  const fail = (problem: string) => new Error(`writeIdx: ${name}: ${problem}`);
  const type = idxTypeByDType(array.dtype);
  if (!type) {
    throw fail(`unknown dtype '${array.dtype}' (expected uint8, int8, int16, int32, float32 or float64)`);
  }
  const { shape } = array;
  if (shape.length === 0 || shape.length > MAX_IDX_DIMS) {
    throw fail(`an IDX array needs 1 to ${MAX_IDX_DIMS} dimensions, got shape ${formatShape(shape)}`);
  }
  for (const size of shape) {
    if (!Number.isInteger(size) || size < 0 || size > MAX_IDX_DIM_SIZE) {
      throw fail(
        `dimension sizes must be integers in [0, ${MAX_IDX_DIM_SIZE}], got shape ${formatShape(shape)}`,
      );
    }
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== count) {
    throw fail(`shape ${formatShape(shape)} needs ${count} elements, but data has ${array.data.length}`);
  }
  const elements = toIdxTypedArray(array.data, type, fail);

  const dataOffset = 4 + 4 * shape.length;
  const out = Buffer.alloc(dataOffset + count * type.bytesPerElement);
  out[2] = type.code;
  out[3] = shape.length;
  shape.forEach((size, i) => out.writeUInt32BE(size, 4 + 4 * i));
  const dataBytes = out.subarray(dataOffset);
  dataBytes.set(new Uint8Array(elements.buffer, elements.byteOffset, elements.byteLength));
  swapToHostOrder(dataBytes, type.bytesPerElement);
  return out;
}

/** `data` as the typed array of `type`, refusing values the type cannot hold exactly. */
function toIdxTypedArray(
  data: ArrayLike<number>,
  type: IdxType,
  fail: (problem: string) => Error,
): IdxTypedArray {
  if (data instanceof type.ArrayType) return data;
  if (type.range) {
    const [low, high] = type.range;
    for (let i = 0; i < data.length; i++) {
      const value = data[i];
      if (!Number.isInteger(value) || value < low || value > high) {
        throw fail(`element ${i} is ${value}, which ${type.dtype} cannot hold (integers ${low} to ${high})`);
      }
    }
  }
  const out = new type.ArrayType(data.length);
  out.set(data);
  return out;
}
