/** Reading IDX files (plain or gzip-compressed) into typed arrays and Tensors. */
import { Tensor } from '@zen/autograd-core';
import type { DType } from '@zen/autograd-core';
import { BUFFER_NAME, type IdxArray, formatShape, isGzip, swapToHostOrder } from './format';
import { fileError, readFileBytes } from './node-io';
import { idxError, readIdxHeader } from './header';
import { inflateIdx } from './gzip';

export { fileError, readFileBytes };

/**
 * Reads an IDX array from a file path or from the bytes of one. Gzip input is
 * recognised by its magic bytes and inflated. Anything malformed is refused with an
 * error naming the file and, where it helps, the byte offset.
 * @example const { shape, dtype, data } = readIdx('data/mnist/train-labels-idx1-ubyte.gz');
 */
export function readIdx(source: string | Uint8Array): IdxArray {
  if (typeof source === 'string') return decodeIdx(readFileBytes(source, 'readIdx'), source);
  return decodeIdx(source, BUFFER_NAME);
}

/** Parses the bytes of an IDX file; `name` is used in error messages. */
export function decodeIdx(input: Uint8Array, name: string = BUFFER_NAME): IdxArray {
  const bytes = isGzip(input) ? inflateIdx(input, name) : input;
  const { type, shape, count, dataOffset, expected } = readIdxHeader(bytes, name);
  const present = bytes.length - dataOffset;
  if (present < expected) {
    throw idxError(
      name,
      `data is truncated: shape ${formatShape(shape)} of ${type.dtype} needs ${expected} bytes from byte ` +
        `${dataOffset}, but the data ends at byte ${bytes.length} (${present} bytes; incomplete download?)`,
    );
  }
  if (present > expected) {
    throw idxError(
      name,
      `${present - expected} unexpected bytes after the data: shape ${formatShape(shape)} of ${type.dtype} ` +
        `ends at byte ${dataOffset + expected}, but there are ${bytes.length} bytes`,
    );
  }

  const data = new type.ArrayType(count);
  const dataBytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  dataBytes.set(bytes.subarray(dataOffset));
  swapToHostOrder(dataBytes, type.bytesPerElement);
  return { shape, dtype: type.dtype, data };
}

/**
 * An IDX array as a Tensor. Integer types become int32 and floats keep their precision
 * unless `dtype` asks otherwise; the data is copied, so the Tensor owns its storage.
 */
export function idxToTensor(array: IdxArray, dtype?: DType): Tensor {
  const target: DType =
    dtype ?? (array.dtype === 'float64' ? 'float64' : array.dtype === 'float32' ? 'float32' : 'int32');
  const data =
    target === 'float64'
      ? new Float64Array(array.data.length)
      : target === 'float32'
        ? new Float32Array(array.data.length)
        : new Int32Array(array.data.length);
  if (target === 'int32' && (array.dtype === 'float32' || array.dtype === 'float64')) {
    for (let i = 0; i < data.length; i++) data[i] = Math.trunc(array.data[i]);
  } else {
    data.set(array.data);
  }
  return new Tensor(data, array.shape);
}
