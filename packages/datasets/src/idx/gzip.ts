/**
 * Inflating gzip IDX files within the size their IDX header declares, so a gzip bomb is
 * refused after at most that many bytes rather than after inflating in full.
 */
import { FormatError } from '@zen/autograd-core';
import { formatShape } from './format';
import { MAX_IDX_HEADER_BYTES, readIdxHeader } from './header';
import { gunzip, gunzipPrefix } from './node-io';

/** The largest inflated IDX file accepted (MNIST's largest is 47 MB). */
export const MAX_INFLATED_IDX_BYTES = 2 ** 30;

/** Output allowed while looking for the header: deflate yields at most ~2 KB per input byte. */
const PROBE_OUTPUT = 1 << 16;

/**
 * The start of the inflated data, at least MAX_IDX_HEADER_BYTES long (or all of it when
 * shorter), inflating prefixes of the input: doubling while they yield too little, then
 * bisecting when one yields more than PROBE_OUTPUT. No step inflates past PROBE_OUTPUT.
 */
function inflatedHead(bytes: Uint8Array, name: string): Uint8Array {
  let short = 0; // a prefix length known to yield too little
  let long = Infinity; // one known to yield too much
  let length = Math.min(bytes.length, 256);
  for (;;) {
    const out = gunzipPrefix(bytes, length, PROBE_OUTPUT);
    if (out && (out.length >= MAX_IDX_HEADER_BYTES || length === bytes.length)) return out;
    if (out) short = length;
    else long = length;
    length = long === Infinity ? Math.min(bytes.length, 2 * length) : Math.floor((short + long) / 2);
    if (length <= short) {
      throw new FormatError(
        `readIdx: ${name}: ${short + 1} bytes of gzip data inflate to more than ${PROBE_OUTPUT} bytes before an IDX header is complete (a gzip bomb?)`,
      );
    }
  }
}

/**
 * Inflates a gzip IDX file. The IDX header (read from the first inflated bytes) fixes the
 * file's size: header + elements × element size. Inflating stops and the file is refused
 * as soon as the output exceeds it, and a declared size above MAX_INFLATED_IDX_BYTES is
 * refused before inflating the rest. The gzip trailer's size (ISIZE) must agree.
 */
export function inflateIdx(bytes: Uint8Array, name: string): Uint8Array {
  let bound: number;
  let size: string;
  try {
    const header = readIdxHeader(inflatedHead(bytes, name), name);
    bound = header.dataOffset + header.expected;
    size = `${bound} bytes (a ${header.dataOffset}-byte header + shape ${formatShape(header.shape)} of ${header.type.dtype})`;
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw inflateError(name, error);
  }
  if (bound > MAX_INFLATED_IDX_BYTES) {
    throw new FormatError(
      `readIdx: ${name}: its IDX header declares ${size}, more than the ${MAX_INFLATED_IDX_BYTES} accepted (a corrupt header or a gzip bomb)`,
    );
  }
  let out: Uint8Array;
  try {
    out = gunzip(bytes, bound);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new FormatError(
        `readIdx: ${name}: the gzip data inflates past the ${size} its IDX header declares (a gzip bomb, bytes after the gzip stream, or a corrupt file)`,
        { cause: error },
      );
    }
    throw inflateError(name, error);
  }
  const n = bytes.length;
  const trailer = (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
  if (trailer !== out.length % 2 ** 32) {
    throw new FormatError(
      `readIdx: ${name}: the gzip data inflates to ${out.length} bytes but its trailer declares ${trailer} (bytes after the gzip stream?)`,
    );
  }
  return out;
}

function inflateError(name: string, error: unknown): FormatError {
  return new FormatError(
    `readIdx: ${name}: gzip data failed to inflate (${(error as Error).message}; truncated or corrupt download?)`,
    { cause: error },
  );
}
