/** Browser twin of node-io.ts: pages pass IDX bytes themselves (e.g. fetched), uncompressed. */

export function readFileBytes(file: string, where: string): Uint8Array {
  throw new Error(
    `${where}: ${file}: reading files needs Node.js; in a browser pass the bytes (e.g. from fetch) instead of a path`,
  );
}

export function fileError(error: unknown, file: string, where: string): Error {
  return new Error(`${where}: ${file}: cannot read (${(error as Error).message})`, { cause: error });
}

const NO_ZLIB = "gzip needs Node's zlib; in a browser decompress first (DecompressionStream('gzip'))";

export function gunzip(_bytes: Uint8Array, _maxBytes?: number): Uint8Array {
  throw new Error(NO_ZLIB);
}

export function gunzipPrefix(_bytes: Uint8Array, _length: number, _maxBytes: number): Uint8Array | null {
  throw new Error(NO_ZLIB);
}

export function gzip(_bytes: Uint8Array): Uint8Array {
  throw new Error(NO_ZLIB);
}
