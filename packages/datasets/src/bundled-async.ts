/** The bundled digits, loaded without blocking: in browsers (over fetch) and in Node.js alike. */
import type { MnistData } from './mnist';
import { type BundledMnistOptions, checkBundledOptions, splitBundledDigits } from './bundled-split';
import { readPackedDigits } from './digits-source';

export interface BundledMnistAsyncOptions extends BundledMnistOptions {
  /**
   * Where the packed digits are (mnist-digits.bin.gz, emitted into @zen/datasets/dist by
   * the build). Browsers: a URL, by default that file name beside the page. Node.js: an
   * http(s) URL or a file path, by default the package's own copy.
   */
  url?: string;
}

/**
 * The same digits and split as `loadBundledMnist` (identical values for the same
 * options), read from the compact copy the build emits, so it works in browsers too.
 * @example const { train, test } = await loadBundledMnistAsync({ testFraction: 0.2, seed: 1 });
 */
export async function loadBundledMnistAsync(options: BundledMnistAsyncOptions = {}): Promise<MnistData> {
  checkBundledOptions('loadBundledMnistAsync', options);
  const { images, labels } = await readPackedDigits(options.url);
  return splitBundledDigits('loadBundledMnistAsync', images, labels, options);
}
