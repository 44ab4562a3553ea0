/**
 * The main job's CNN on its own: Conv2D → MaxPooling2D → Conv2D → MaxPooling2D →
 * Flatten → Dense softmax, trained with Adam on the bundled MNIST digits.
 */
import { setSeed } from '@zen/autograd-core';
import { loadBundledMnist } from '@zen/datasets';
import { Adam } from '@zen/nn';
import { parseOptions, positiveInt, runMain } from './lib/cli';
import { smallCnn } from './lib/mnist-models';

export async function main(argv: string[] = process.argv.slice(2)) {
  const options = parseOptions(
    'npm run example:mnist-cnn --',
    'A small CNN on MNIST.',
    {
      epochs: { type: 'string', description: 'training epochs', default: '12' },
      limit: { type: 'string', description: 'use only this many digits' },
    },
    argv,
  );
  const epochs = positiveInt('epochs', options.epochs);
  const limit = options.limit === undefined ? undefined : positiveInt('limit', options.limit);
  const { train, test } = loadBundledMnist({ testFraction: 0.2, seed: 1, limit });
  setSeed(1);
  const model = smallCnn();
  model.compile({
    optimizer: new Adam({ learningRate: 1e-3 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  model.summary();
  await model.fit(train.images, train.labels, { epochs, batchSize: 32, validationSplit: 0.1, verbose: 1 });
  const { accuracy } = model.evaluate(test.images, test.labels);
  console.log(`test accuracy: ${accuracy.toFixed(4)}`);
  return { testAccuracy: accuracy };
}

if (require.main === module) runMain(() => main());
