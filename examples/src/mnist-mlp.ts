/**
 * Zen's mnist.py: Dense 64 → Dense 32 → Sigmoid → Dense 10 → Softmax, trained with
 * RMSProp on the bundled MNIST digits; prints the test accuracy.
 */
import { setSeed } from '@zen/autograd-core';
import { RMSProp } from '@zen/nn';
import { runMain } from './lib/cli';
import { digitsExample } from './lib/digits-example';
import { zenMlp } from './lib/mnist-models';

export async function main(argv: string[] = process.argv.slice(2)) {
  const { epochs, train, test } = digitsExample('mnist-mlp', "Zen's MNIST MLP.", 20, argv);
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
