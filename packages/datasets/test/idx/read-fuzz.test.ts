/** Fuzz (fast-check, fixed seed, bounded): decodeIdx on arbitrary and mutated bytes returns or throws a FormatError naming the input. */
import { gzipSync } from 'zlib';
import fc from 'fast-check';
import { FormatError } from '@zen/autograd-core';
import { decodeIdx, encodeIdx } from '@zen/datasets';

const valid = encodeIdx({ shape: [2, 3], dtype: 'int16', data: [1, -2, 3, 4, 5, -6] });

function decodes(bytes: Uint8Array): void {
  try {
    const out = decodeIdx(bytes, 'fuzz.idx');
    expect(out.data.length).toBe(out.shape.reduce((a, b) => a * b, 1));
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/^readIdx: fuzz\.idx: /);
  }
}

test('500 arbitrary byte strings and 500 mutations of valid files (plain and gzip)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => decodes(bytes)),
    { seed: 7, numRuns: 500 },
  );
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      (gzip, edits) => {
        const bytes = Uint8Array.from(gzip ? gzipSync(valid) : valid);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        decodes(bytes);
      },
    ),
    { seed: 8, numRuns: 500 },
  );
});
