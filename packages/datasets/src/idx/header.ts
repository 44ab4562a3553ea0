/** The IDX header: magic, type code, dimension count and sizes, checked with errors naming the input. */
import { FormatError } from '@zen/autograd-core';
import { type IdxType, MAX_IDX_DIMS, describeTypeCodes, hex, idxTypeByCode } from './format';

/** What an IDX header declares. */
export interface IdxHeader {
  type: IdxType;
  shape: number[];
  /** Number of elements. */
  count: number;
  /** Where the elements start: the header's length. */
  dataOffset: number;
  /** Bytes the elements take. */
  expected: number;
}

/** The longest header an IDX file may have (MAX_IDX_DIMS sizes). */
export const MAX_IDX_HEADER_BYTES = 4 + 4 * MAX_IDX_DIMS;

/** A FormatError about the IDX input `name`. */
export function idxError(name: string, problem: string): FormatError {
  return new FormatError(`readIdx: ${name}: ${problem}`);
}

/** Reads and checks the header at the start of `bytes` (which may hold only a prefix of the file). */
export function readIdxHeader(bytes: Uint8Array, name: string): IdxHeader {
  const fail = (problem: string) => idxError(name, problem);
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
  return { type, shape, count, dataOffset, expected: count * type.bytesPerElement };
}
