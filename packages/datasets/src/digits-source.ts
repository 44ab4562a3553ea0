/**
 * Where `loadBundledMnistAsync` gets the packed digits under Node.js: `url` if given (an
 * http(s) URL or a file path), else dist/mnist-digits.bin.gz, which the build emits; if
 * that file is missing (sources run unbuilt), the `mnist` package's own files.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { readBundledDigits } from './bundled';
import { type DigitArrays, unpackDigits } from './digits-pack';

/** The packed digits' file name (in the package's dist/ folder, and beside a web page). */
export const PACKED_DIGITS_FILE = 'mnist-digits.bin.gz';

export async function readPackedDigits(url?: string): Promise<DigitArrays> {
  if (url !== undefined && /^https?:\/\//i.test(url)) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`loadBundledMnistAsync: ${url}: HTTP ${response.status}`);
    return unpackDigits(gunzipSync(new Uint8Array(await response.arrayBuffer())), url);
  }
  const file =
    url ?? path.join(path.dirname(require.resolve('@zen/datasets/package.json')), 'dist', PACKED_DIGITS_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if (url === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { ...readBundledDigits(), rows: 28, cols: 28 };
    }
    throw new Error(`loadBundledMnistAsync: cannot read ${file} (${(error as Error).message})`, {
      cause: error,
    });
  }
  return unpackDigits(gunzipSync(bytes), file);
}
