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

  test('a gzip bomb stops at the size its IDX header declares, with the file and sizes named', () => {
    // One 18-byte IDX file followed by 1 GB of zeros: 100 gzip members of 10 MB each (about 1 MB).
    const zeros = gzipSync(Buffer.alloc(10_000_000));
    const bomb = Buffer.concat([
      gzipSync(Buffer.concat([idx, Buffer.alloc(10_000_000)])),
      ...Array(99).fill(zeros),
    ]);
    expect(bomb.length).toBeLessThan(1_500_000);
    const started = Date.now();
    const error = refusal(bomb);
    expect(error).toBeInstanceOf(FormatError);
    expect(error.message).toBe(
      'readIdx: labels.gz: the gzip data inflates past the 18 bytes (a 12-byte header + shape [3, 2] of uint8) ' +
        'its IDX header declares (a gzip bomb, bytes after the gzip stream, or a corrupt file)',
    );
    expect(Date.now() - started).toBeLessThan(2000); // inflating it all takes seconds and 1 GB
  });

  test('a header declaring more than the cap is refused before the data is inflated', () => {
    const header = Buffer.alloc(4 + 4 * 3);
    header.set([0, 0, 0x08, 3]); // uint8, three dimensions
    [60000, 60000, 60000].forEach((size, i) => header.writeUInt32BE(size, 4 + 4 * i));
    expect(refusal(gzipSync(header)).message).toBe(
      'readIdx: labels.gz: its IDX header declares 216000000000016 bytes (a 16-byte header + shape ' +
        '[60000, 60000, 60000] of uint8), more than the 1073741824 accepted (a corrupt header or a gzip bomb)',
    );
  });

  test('a gzip IDX file whose first bytes already inflate past the probe is still read', () => {
    const big = encodeIdx({ shape: [300_000], dtype: 'uint8', data: new Uint8Array(300_000) });
    expect(decodeIdx(gzipSync(big), 'zeros.gz').shape).toEqual([300_000]);
  });
});
