/** Browser twin of bundled.ts: the synchronous loader reads files, which pages cannot. */
import type { MnistData } from './mnist';
import type { BundledMnistOptions } from './bundled-split';

export type { BundledMnistOptions };

const NODE_ONLY =
  'reads the mnist package files, which needs Node.js; in a browser use await loadBundledMnistAsync()';

export function loadBundledMnist(_options?: BundledMnistOptions): MnistData {
  throw new Error(`loadBundledMnist ${NODE_ONLY}`);
}

export function readBundledDigits(): { images: Float32Array; labels: Int32Array } {
  throw new Error(`readBundledDigits ${NODE_ONLY}`);
}
