/** The Node.js side of IDX files: reading files and gzip. The browser twin explains what it cannot do. */
import * as fs from 'fs';
import { constants, gunzipSync, gzipSync } from 'zlib';

/** The bytes of `file`, or an error that says plainly the file is missing or unreadable. */
export function readFileBytes(file: string, where: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw fileError(error, file, where);
  }
}

/** Turns an fs error into one naming the caller and the file. */
export function fileError(error: unknown, file: string, where: string): Error {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return new Error(`${where}: ${file}: file not found`, { cause: error });
  return new Error(`${where}: ${file}: cannot read (${(error as Error).message})`, { cause: error });
}

/** Inflates gzip data to at most `maxBytes` bytes (a RangeError as soon as the output would exceed it). */
export function gunzip(bytes: Uint8Array, maxBytes?: number): Uint8Array {
  return gunzipSync(bytes, maxBytes === undefined ? {} : { maxOutputLength: Math.max(1, maxBytes) });
}

/**
 * What the first `length` bytes of gzip data inflate to (a truncated stream is not an
 * error here), or null as soon as that would exceed `maxBytes`.
 */
export function gunzipPrefix(bytes: Uint8Array, length: number, maxBytes: number): Uint8Array | null {
  try {
    return gunzipSync(bytes.subarray(0, length), {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: maxBytes,
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return null;
    throw error;
  }
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes);
}
