/**
 * Where `loadBundledMnistAsync` gets the packed digits in browsers: `url`, by default
 * mnist-digits.bin.gz beside the page (or the worker's script). Copy it there from
 * @zen/datasets/dist/ when building a site (examples/web does).
 */
import { type DigitArrays, unpackDigits } from './digits-pack';

export const PACKED_DIGITS_FILE = 'mnist-digits.bin.gz';

interface Streams {
  DecompressionStream: new (format: 'gzip') => object;
  Response: new (body: unknown) => { arrayBuffer(): Promise<ArrayBuffer> };
  location?: { href: string };
}

export async function readPackedDigits(url?: string): Promise<DigitArrays> {
  const g = globalThis as unknown as Streams;
  const target = new URL(url ?? PACKED_DIGITS_FILE, g.location?.href).href;
  const response = await fetch(target);
  if (!response.ok || !response.body) {
    throw new Error(`loadBundledMnistAsync: ${target}: HTTP ${response.status} ${response.statusText}`);
  }
  const inflated = (response.body as unknown as { pipeThrough(t: object): unknown }).pipeThrough(
    new g.DecompressionStream('gzip'),
  );
  const bytes = new Uint8Array(await new g.Response(inflated).arrayBuffer());
  return unpackDigits(bytes, target);
}
