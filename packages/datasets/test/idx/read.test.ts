import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { FormatError } from '@zen/autograd-core';
import { decodeIdx, idxToTensor, readIdx } from '@zen/datasets';
import { useTempDir } from '../temp-dir';

/** A 2×3×3 uint8 array written out byte by byte: header, three sizes, 18 pixels. */
const HEADER_2x3x3 = [0x00, 0x00, 0x08, 0x03, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3];
const PIXELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 250, 251, 252, 253, 254, 255, 16, 32, 64];
const FILE_2x3x3 = Uint8Array.from([...HEADER_2x3x3, ...PIXELS]);

describe('readIdx on a hand-built 2×3×3 ubyte file', () => {
  const tempDir = useTempDir('read');

  it('decodes shape, dtype and every byte from a buffer', () => {
    const { shape, dtype, data } = readIdx(FILE_2x3x3);
    expect(shape).toEqual([2, 3, 3]);
    expect(dtype).toBe('uint8');
    expect(data).toBeInstanceOf(Uint8Array);
    expect(Array.from(data)).toEqual(PIXELS);
  });

  it('reads the same from a plain file and from a gzip file (detected by magic, not name)', () => {
    const plain = path.join(tempDir(), 'plain-idx3-ubyte');
    const gzipped = path.join(tempDir(), 'gzipped-without-gz-suffix');
    fs.writeFileSync(plain, FILE_2x3x3);
    fs.writeFileSync(gzipped, gzipSync(FILE_2x3x3));
    for (const file of [plain, gzipped]) {
      const array = readIdx(file);
      expect(array.shape).toEqual([2, 3, 3]);
      expect(Array.from(array.data)).toEqual(PIXELS);
    }
  });

  it('decodes big-endian multi-byte elements', () => {
    const int16 = [0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe];
    expect(Array.from(decodeIdx(Uint8Array.from(int16)).data)).toEqual([258, -2]);
    const float32 = [0, 0, 0x0d, 1, 0, 0, 0, 1, 0xc0, 0x49, 0x0f, 0xdb];
    expect(decodeIdx(Uint8Array.from(float32)).data[0]).toBe(Math.fround(-Math.PI));
    const float64 = [0, 0, 0x0e, 1, 0, 0, 0, 1, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0];
    expect(decodeIdx(Uint8Array.from(float64)).data[0]).toBe(1.5);
  });

  it('accepts a dimension of size 0', () => {
    const empty = decodeIdx(Uint8Array.from([0, 0, 0x0c, 2, 0, 0, 0, 0, 0, 0, 0, 5]));
    expect(empty.shape).toEqual([0, 5]);
    expect(empty.data).toHaveLength(0);
  });

  it('makes Tensors: integer types become int32, floats keep their dtype', () => {
    const t = idxToTensor(readIdx(FILE_2x3x3));
    expect(t.dtype).toBe('int32');
    expect(t.shape).toEqual([2, 3, 3]);
    expect(t.toArray()).toEqual([
      [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ],
      [
        [250, 251, 252],
        [253, 254, 255],
        [16, 32, 64],
      ],
    ]);
    expect(idxToTensor(readIdx(FILE_2x3x3), 'float32').data[14]).toBe(255);
    const floats = { shape: [2], dtype: 'float64' as const, data: Float64Array.from([1.5, -2.75]) };
    expect(idxToTensor(floats).dtype).toBe('float64');
    expect(Array.from(idxToTensor(floats, 'int32').data)).toEqual([1, -2]);
  });
});

describe('readIdx refuses bad input with the file, the problem and the byte offset', () => {
  const tempDir = useTempDir('bad');
  const bytes = (...parts: number[][]) => Uint8Array.from(parts.flat());

  it('a missing file', () => {
    const missing = path.join(tempDir(), 'no-such-idx1-ubyte');
    expect(() => readIdx(missing)).toThrow(`readIdx: ${missing}: file not found`);
  });

  it('fewer bytes than the 4-byte header', () => {
    expect(() => readIdx(bytes([0, 0, 8]))).toThrow(
      'readIdx: <buffer>: only 3 bytes, too short for the 4-byte IDX header',
    );
  });

  it('malformed files are FormatErrors (a missing file is not)', () => {
    expect(() => readIdx(bytes([0, 0, 8]))).toThrow(FormatError);
    expect(() => readIdx(path.join(tempDir(), 'absent'))).not.toThrow(FormatError);
  });

  it('a wrong magic number (names the file it came from)', () => {
    const file = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, 'hello, not an IDX file');
    expect(() => readIdx(file)).toThrow(
      `readIdx: ${file}: wrong magic number: bytes 0-1 are 0x68 0x65, expected 0x00 0x00 (not an IDX file)`,
    );
  });

  it('an unknown type code', () => {
    expect(() => readIdx(bytes([0, 0, 0x0a, 1], [0, 0, 0, 1], [7]))).toThrow(
      /<buffer>: unknown type code 0x0a at byte 2 \(expected one of 0x08 \(uint8\), 0x09 \(int8\), 0x0b \(int16\), 0x0c \(int32\), 0x0d \(float32\), 0x0e \(float64\)\)/,
    );
  });

  it('a zero dimension count', () => {
    expect(() => readIdx(bytes([0, 0, 0x08, 0], [1, 2, 3]))).toThrow(
      'readIdx: <buffer>: dimension count at byte 3 is 0',
    );
  });

  it('an absurd dimension count', () => {
    expect(() => readIdx(bytes([0, 0, 0x08, 200], new Array(800).fill(0)))).toThrow(
      'readIdx: <buffer>: absurd dimension count 200 at byte 3 (at most 16 supported',
    );
  });

  it('a header cut off before its sizes end', () => {
    expect(() => readIdx(bytes([0, 0, 0x08, 3], [0, 0, 0, 2, 0, 0]))).toThrow(
      'readIdx: <buffer>: header declares 3 dimensions, which need 16 header bytes, but there are only 10 bytes',
    );
  });

  it('data shorter than the header says (a truncated download)', () => {
    const file = path.join(tempDir(), 'truncated-idx3-ubyte');
    fs.writeFileSync(file, FILE_2x3x3.subarray(0, 30));
    expect(() => readIdx(file)).toThrow(
      `readIdx: ${file}: data is truncated: shape [2, 3, 3] of uint8 needs 18 bytes from byte 16, ` +
        'but the data ends at byte 30 (14 bytes; incomplete download?)',
    );
  });

  it('data shorter than the header says, inside a valid gzip', () => {
    const file = path.join(tempDir(), 'truncated-idx3-ubyte.gz');
    fs.writeFileSync(file, gzipSync(FILE_2x3x3.subarray(0, 33)));
    expect(() => readIdx(file)).toThrow(`readIdx: ${file}: data is truncated`);
  });

  it('data longer than the header says', () => {
    expect(() => readIdx(bytes([...FILE_2x3x3], [9, 9]))).toThrow(
      'readIdx: <buffer>: 2 unexpected bytes after the data: shape [2, 3, 3] of uint8 ends at byte 34, but there are 36 bytes',
    );
  });

  it('multi-byte data whose length is not a whole number of elements', () => {
    expect(() => readIdx(bytes([0, 0, 0x0c, 1], [0, 0, 0, 2], [0, 0, 0, 1, 0, 0, 0]))).toThrow(
      'readIdx: <buffer>: data is truncated: shape [2] of int32 needs 8 bytes from byte 8, but the data ends at byte 15',
    );
  });

  it('gzip data that fails to inflate', () => {
    const file = path.join(tempDir(), 'cut-idx3-ubyte.gz');
    const gz = gzipSync(FILE_2x3x3);
    fs.writeFileSync(file, gz.subarray(0, gz.length - 12));
    expect(() => readIdx(file)).toThrow(`readIdx: ${file}: gzip data failed to inflate (`);
    const corrupt = Buffer.from(gz);
    corrupt.fill(0xff, 10, 20);
    expect(() => readIdx(corrupt)).toThrow('readIdx: <buffer>: gzip data failed to inflate (');
  });

  it('a folder instead of a file', () => {
    expect(() => readIdx(tempDir())).toThrow(`readIdx: ${tempDir()}: cannot read (`);
  });
});
