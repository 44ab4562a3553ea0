/**
 * Zen's mnist.py: Dense 64 → Dense 32 → Sigmoid → Dense 10 → Softmax, trained with
 * RMSProp on the bundled MNIST digits; prints the test accuracy.
 */
import { setSeed } from '@zen/autograd-core';
import { loadBundledMnist } from '@zen/datasets';
import { RMSProp } from '@zen/nn';
import { parseOptions, positiveInt, runMain } from './lib/cli';
import { zenMlp } from './lib/mnist-models';

export async function main(argv: string[] = process.argv.slice(2)) {
  const options = parseOptions(
    'npm run example:mnist-mlp --',
    "Zen's MNIST MLP.",
    {
      epochs: { type: 'string', description: 'training epochs', default: '20' },
      limit: { type: 'string', description: 'use only this many digits' },
    },
    argv,
  );
  const epochs = positiveInt('epochs', options.epochs);
  const limit = options.limit === undefined ? undefined : positiveInt('limit', options.limit);
  const { train, test } = loadBundledMnist({ testFraction: 0.2, seed: 1, limit });
  setSeed(1);
  const model = zenMlp();
  model.compile({
    optimizer: new RMSProp({ learningRate: 1e-3 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  await model.fit(train.images, train.labels, { epochs, batchSize: 32, verbose: 1 });
  const { accuracy } = model.evaluate(test.images, test.labels);
  console.log(`test accuracy: ${accuracy.toFixed(4)}`);
  return { testAccuracy: accuracy };
}

if (require.main === module) runMain(() => main());
