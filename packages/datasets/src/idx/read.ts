/** Reading IDX files (plain or gzip-compressed) into typed arrays and Tensors. */
import { FormatError, Tensor } from '@zen/autograd-core';
import type { DType } from '@zen/autograd-core';
import {
  BUFFER_NAME,
  type IdxArray,
  MAX_IDX_DIMS,
  describeTypeCodes,
  formatShape,
  hex,
  idxTypeByCode,
  isGzip,
  swapToHostOrder,
} from './format';
import { fileError, gunzip, readFileBytes } from './node-io';

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
  const fail = (problem: string) => new FormatError(`readIdx: ${name}: ${problem}`);
  const bytes = isGzip(input) ? inflate(input, name) : input;

  if (bytes.length < 4) {
    throw fail(`only ${bytes.length} bytes, too short for the 4-byte IDX header`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(
      `wrong magic number: bytes 0-1 are ${hex(bytes[0])} ${hex(bytes[1])}, expected 0x00 0x00 (not an IDX file)`,
    );
  }
  const type = idxTypeByCode(bytes[2]);
  if (!type) {
    throw fail(`unknown type code ${hex(bytes[2])} at byte 2 (expected one of ${describeTypeCodes()})`);
  }
  const ndim = bytes[3];
  if (ndim === 0) throw fail('dimension count at byte 3 is 0 (an IDX array has at least one dimension)');
  if (ndim > MAX_IDX_DIMS) {
    throw fail(
      `absurd dimension count ${ndim} at byte 3 (at most ${MAX_IDX_DIMS} supported; corrupt header?)`,
    );
  }
  const dataOffset = 4 + 4 * ndim;
  if (bytes.length < dataOffset) {
    throw fail(
      `header declares ${ndim} dimensions, which need ${dataOffset} header bytes, but there are only ${bytes.length} bytes`,
    );
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.bytesPerElement;
  const present = bytes.length - dataOffset;
  if (present < expected) {
    throw fail(
      `data is truncated: shape ${formatShape(shape)} of ${type.dtype} needs ${expected} bytes from byte ` +
        `${dataOffset}, but the data ends at byte ${bytes.length} (${present} bytes; incomplete download?)`,
    );
  }
  if (present > expected) {
    throw fail(
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

/** The largest inflated IDX file accepted (MNIST's largest is 47 MB). */
export const MAX_INFLATED_IDX_BYTES = 2 ** 30;

/**
 * Inflates a gzip IDX file. The gzip trailer's ISIZE (the inflated size mod 2³²) bounds the
 * output: more than it (a bomb, or bytes after the stream) is refused as soon as it is
 * exceeded, and so is any size above MAX_INFLATED_IDX_BYTES before inflating at all.
 */
function inflate(bytes: Uint8Array, name: string): Uint8Array {
  const n = bytes.length;
  const declared =
    n >= 18 ? (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0 : 0;
  if (declared > MAX_INFLATED_IDX_BYTES) {
    throw new FormatError(
      `readIdx: ${name}: gzip data failed to inflate (its trailer declares ${declared} bytes, more than the ${MAX_INFLATED_IDX_BYTES} accepted: a truncated download, a gzip bomb, or bytes after the gzip stream)`,
    );
  }
  let out: Uint8Array;
  try {
    out = gunzip(bytes, declared);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new FormatError(
        `readIdx: ${name}: the gzip data inflates past the ${declared} bytes its trailer declares (bytes after the gzip stream, or a corrupt file)`,
        { cause: error },
      );
    }
    throw new FormatError(
      `readIdx: ${name}: gzip data failed to inflate (${(error as Error).message}; truncated or corrupt download?)`,
      { cause: error },
    );
  }
  if (out.length !== declared) {
    throw new FormatError(
      `readIdx: ${name}: the gzip data inflates to ${out.length} bytes but its trailer declares ${declared} (bytes after the gzip stream?)`,
    );
  }
  return out;
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
