import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { tensor } from '@zen/autograd-core';
import { type IdxDType, encodeIdx, readIdx, writeIdx } from '@zen/datasets';
import { useTempDir } from '../temp-dir';

/** Values each type holds exactly, including both ends of the integer ranges. */
const SAMPLES: Record<IdxDType, number[]> = {
  uint8: [0, 255, 1, 128, 77, 200],
  int8: [-128, 127, 0, -1, 42, -77],
  int16: [-32768, 32767, 0, -1, 258, -12345],
  int32: [-2147483648, 2147483647, 0, -1, 16909060, -123456789],
  float32: [0, -1.5, Math.fround(Math.PI), Math.fround(1e-30), Math.fround(-3e38), Infinity],
  float64: [0, -1.5, Math.PI, 1e-300, -1.7976931348623157e308, Number.MIN_VALUE],
};
const TYPE_CODES: Record<IdxDType, number> = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
};
/** Shapes of 1 to 4 dimensions with 24 elements (the samples, repeated). */
const SHAPES = [[24], [4, 6], [2, 3, 4], [2, 1, 3, 4]];

describe('writeIdx → readIdx round trip', () => {
  const tempDir = useTempDir('write');

  for (const dtype of Object.keys(SAMPLES) as IdxDType[]) {
    for (const shape of SHAPES) {
      it(`${dtype} with shape [${shape}]`, () => {
        const values = Array.from({ length: 24 }, (_, i) => SAMPLES[dtype][i % 6]);
        const file = path.join(tempDir(), `${dtype}-${shape.length}d-idx`);
        writeIdx(file, { shape, dtype, data: values });
        const bytes = fs.readFileSync(file);
        expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, TYPE_CODES[dtype], shape.length]);
        const back = readIdx(file);
        expect(back.dtype).toBe(dtype);
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data)).toEqual(values);
      });
    }
  }

  it('gzip-compresses when the name ends in .gz, and reads it back', () => {
    const file = path.join(tempDir(), 'labels-idx1-ubyte.gz');
    writeIdx(file, { shape: [3], dtype: 'uint8', data: [7, 2, 1] });
    const raw = fs.readFileSync(file);
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
    expect(Array.from(gunzipSync(raw))).toEqual([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]);
    expect(Array.from(readIdx(file).data)).toEqual([7, 2, 1]);
  });

  it('writes a Tensor directly, and leaves no temporary file behind', () => {
    const file = path.join(tempDir(), 'tensor-idx');
    writeIdx(
      file,
      tensor(
        [
          [1.25, -2],
          [3, 4],
        ],
        { dtype: 'float64' },
      ),
    );
    expect(readIdx(file)).toEqual({
      shape: [2, 2],
      dtype: 'float64',
      data: Float64Array.from([1.25, -2, 3, 4]),
    });
    expect(fs.readdirSync(tempDir()).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces an existing file', () => {
    const file = path.join(tempDir(), 'replaced-idx');
    writeIdx(file, { shape: [1], dtype: 'int8', data: [1] });
    writeIdx(file, { shape: [2], dtype: 'int8', data: [-5, 5] });
    expect(Array.from(readIdx(file).data)).toEqual([-5, 5]);
  });
});

describe('encodeIdx', () => {
  it('writes the big-endian bytes of the IDX format', () => {
    const int16 = encodeIdx({ shape: [2], dtype: 'int16', data: [258, -2] });
    expect(Array.from(int16)).toEqual([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
    const int32 = encodeIdx({ shape: [1, 1], dtype: 'int32', data: Int32Array.from([0x01020304]) });
    expect(Array.from(int32)).toEqual([0, 0, 0x0c, 2, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3, 4]);
    const float32 = encodeIdx({ shape: [1], dtype: 'float32', data: [1] });
    expect(Array.from(float32.subarray(8))).toEqual([0x3f, 0x80, 0, 0]);
    const float64 = encodeIdx({ shape: [1], dtype: 'float64', data: [-2] });
    expect(Array.from(float64.subarray(8))).toEqual([0xc0, 0, 0, 0, 0, 0, 0, 0]);
    const sizes = encodeIdx({ shape: [70000, 0], dtype: 'uint8', data: [] });
    expect(Array.from(sizes.subarray(4))).toEqual([0, 0x01, 0x11, 0x70, 0, 0, 0, 0]);
  });

  it('does not change the data it was given', () => {
    const data = Float32Array.from([1, 2]);
    encodeIdx({ shape: [2], dtype: 'float32', data });
    expect(Array.from(data)).toEqual([1, 2]);
  });
});

describe('writeIdx refuses what it cannot write', () => {
  const tempDir = useTempDir('write-bad');

  it('values the integer type cannot hold', () => {
    expect(() => encodeIdx({ shape: [3], dtype: 'uint8', data: [1, 256, 2] }, 'x-idx')).toThrow(
      'writeIdx: x-idx: element 1 is 256, which uint8 cannot hold (integers 0 to 255)',
    );
    expect(() => encodeIdx({ shape: [2], dtype: 'int16', data: [1, 0.5] })).toThrow(
      'writeIdx: <buffer>: element 1 is 0.5, which int16 cannot hold',
    );
  });

  it('data that does not fill the shape', () => {
    expect(() => encodeIdx({ shape: [2, 3], dtype: 'int8', data: [1, 2] })).toThrow(
      'writeIdx: <buffer>: shape [2, 3] needs 6 elements, but data has 2',
    );
  });

  it('bad shapes and dtypes', () => {
    expect(() => encodeIdx({ shape: [], dtype: 'uint8', data: [1] })).toThrow('needs 1 to 16 dimensions');
    expect(() => encodeIdx({ shape: [-1], dtype: 'uint8', data: [] })).toThrow(
      'dimension sizes must be integers in [0, 4294967295], got shape [-1]',
    );
    const unknown = { shape: [1], dtype: 'uint16', data: [1] } as unknown as Parameters<typeof encodeIdx>[0];
    expect(() => encodeIdx(unknown)).toThrow("writeIdx: <buffer>: unknown dtype 'uint16'");
  });

  it('a folder that does not exist', () => {
    const file = path.join(tempDir(), 'missing', 'x-idx');
    expect(() => writeIdx(file, { shape: [1], dtype: 'uint8', data: [1] })).toThrow(
      `writeIdx: ${file}: cannot write (`,
    );
  });
});
