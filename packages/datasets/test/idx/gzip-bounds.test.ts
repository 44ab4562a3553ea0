/** Gzip IDX input is bounded: bytes after the stream, and output beyond the declared size, are refused. */
import { gzipSync } from 'zlib';
import { FormatError } from '@zen/autograd-core';
import { decodeIdx, encodeIdx } from '@zen/datasets';

const idx = encodeIdx({ shape: [3, 2], dtype: 'uint8', data: [1, 2, 3, 4, 5, 6] });
const gz = gzipSync(idx);

function refusal(bytes: Uint8Array): Error {
  try {
    decodeIdx(bytes, 'labels.gz');
  } catch (error) {
    return error as Error;
  }
  throw new Error('accepted');
}

describe('gzip bounds', () => {
  test('a plain gzip IDX file still decodes', () => {
    expect(Array.from(decodeIdx(gz, 'labels.gz').data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('a 0x00 tail after the gzip stream is refused', () => {
    const error = refusal(Buffer.concat([gz, Buffer.from([0])]));
    expect(error).toBeInstanceOf(FormatError);
    expect(error.message).toMatch(/^readIdx: labels\.gz: .*(bytes after the gzip stream|inflates past)/);
  });

  test('output beyond the size the trailer declares stops at that size', () => {
    const lying = Buffer.from(gz);
    lying.writeUInt32LE(idx.length - 4, lying.length - 4);
    expect(refusal(lying).message).toMatch(
      /^readIdx: labels\.gz: (the gzip data inflates past the 14 bytes its trailer declares|gzip data failed to inflate \(incorrect length check)/,
    );
  });

  test('a declared size beyond the cap is refused before inflating, in milliseconds', () => {
    const bomb = Buffer.from(gz);
    bomb.writeUInt32LE(0xf0000000, bomb.length - 4);
    const started = Date.now();
    expect(refusal(bomb).message).toMatch(/declares 4026531840 bytes, more than the 1073741824 accepted/);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
