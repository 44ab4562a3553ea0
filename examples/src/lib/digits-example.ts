/** What the small MNIST examples share: `--epochs`/`--limit` options and the bundled digits. */
import { loadBundledMnist } from '@zen/datasets';
import type { MnistData } from '@zen/datasets';
import { parseOptions, positiveInt } from './cli';

/** Parses `--epochs` and `--limit`, then loads the bundled digits split 80/20 with a fixed seed. */
export function digitsExample(
  script: string,
  summary: string,
  defaultEpochs: number,
  argv: string[],
): MnistData & { epochs: number } {
  const options = parseOptions(
    `npm run example:${script} --`,
    summary,
    {
      epochs: { type: 'string', description: 'training epochs', default: String(defaultEpochs) },
      limit: { type: 'string', description: 'use only this many digits (quick runs)' },
    },
    argv,
  );
  const epochs = positiveInt('epochs', options.epochs);
  const limit = options.limit === undefined ? undefined : positiveInt('limit', options.limit);
  return { epochs, ...loadBundledMnist({ testFraction: 0.2, seed: 1, limit }) };
}
