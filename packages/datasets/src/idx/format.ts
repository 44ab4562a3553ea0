/**
 * The IDX format of the MNIST distribution: a 4-byte header (two zero bytes, a type
 * code, the number of dimensions), one big-endian uint32 size per dimension, then the
 * elements in big-endian row-major order.
 */

/** Element types IDX files can hold. */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed arrays behind `IdxArray`, one per `IdxDType`. */
export type IdxTypedArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An n-dimensional array as stored in an IDX file. */
export interface IdxArray {
  shape: number[];
  dtype: IdxDType;
  data: IdxTypedArray;
}

/** What `writeIdx` accepts: an `IdxArray`, a Tensor, or plain numbers with a shape. */
export interface IdxArrayLike {
  readonly shape: readonly number[];
  readonly dtype: IdxDType;
  readonly data: ArrayLike<number>;
}

export interface IdxType {
  code: number;
  dtype: IdxDType;
  bytesPerElement: number;
  /** For integer types, the representable range; floats have none. */
  range?: readonly [number, number];
  /** The typed-array class holding this type in host byte order. */
  ArrayType: new (length: number) => IdxTypedArray;
}

/** The six type codes of the IDX format, as in the MNIST distribution. */
export const IDX_TYPES: readonly IdxType[] = [
  { code: 0x08, dtype: 'uint8', bytesPerElement: 1, range: [0, 255], ArrayType: Uint8Array },
  { code: 0x09, dtype: 'int8', bytesPerElement: 1, range: [-128, 127], ArrayType: Int8Array },
  {
    code: 0x0b,
    dtype: 'int16',
    bytesPerElement: 2,
    range: [-32768, 32767],
    ArrayType: Int16Array,
  },
  {
    code: 0x0c,
    dtype: 'int32',
    bytesPerElement: 4,
    range: [-2147483648, 2147483647],
    ArrayType: Int32Array,
  },
  { code: 0x0d, dtype: 'float32', bytesPerElement: 4, ArrayType: Float32Array },
  { code: 0x0e, dtype: 'float64', bytesPerElement: 8, ArrayType: Float64Array },
];

/** The name errors use for data that did not come from a file. */
export const BUFFER_NAME = '<buffer>';

/** More dimensions than this is taken as a corrupt header, not a real array. */
export const MAX_IDX_DIMS = 16;

/** The largest size one dimension can declare (an unsigned 32-bit integer). */
export const MAX_IDX_DIM_SIZE = 0xffffffff;

export function idxTypeByCode(code: number): IdxType | undefined {
  return IDX_TYPES.find((t) => t.code === code);
}

export function idxTypeByDType(dtype: string): IdxType | undefined {
  return IDX_TYPES.find((t) => t.dtype === dtype);
}

/** `0x0d`-style text for error messages. */
export function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** The type codes as text, e.g. "0x08 (uint8), 0x09 (int8), …". */
export function describeTypeCodes(): string {
  return IDX_TYPES.map((t) => `${hex(t.code)} (${t.dtype})`).join(', ');
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Converts `bytes` in place between big-endian and the host's byte order (a no-op on a
 * big-endian host). Element size 1 needs no swap.
 */
export function swapToHostOrder(bytes: Uint8Array, bytesPerElement: number): void {
  if (!HOST_IS_LITTLE_ENDIAN || bytesPerElement === 1) return;
  const n = bytesPerElement;
  for (let start = 0; start + n <= bytes.length; start += n) {
    for (let i = start, j = start + n - 1; i < j; i++, j--) {
      const t = bytes[i];
      bytes[i] = bytes[j];
      bytes[j] = t;
    }
  }
}

/** Whether `bytes` start with the gzip magic number 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
