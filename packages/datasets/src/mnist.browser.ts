/** Browser twin of mnist.ts: reading IDX files from a folder needs Node.js. */
import type { LoadMnistOptions, MnistData } from './mnist';

export type { LoadMnistOptions, MnistData, MnistSplit } from './mnist';

export async function loadMnist(options: LoadMnistOptions): Promise<Partial<MnistData>> {
  throw new Error(
    `loadMnist: reading ${options?.dir ?? 'a folder'} needs Node.js; in a browser use await loadBundledMnistAsync(), ` +
      'or fetch the IDX files and pass their bytes to decodeIdx',
  );
}
