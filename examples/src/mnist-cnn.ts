/**
 * The main job's CNN on its own: Conv2D → MaxPooling2D → Conv2D → MaxPooling2D →
 * Flatten → Dropout → Dense → Dense softmax, trained with Adam on the bundled digits.
 */
import { setSeed } from '@zen/autograd-core';
import { Adam } from '@zen/nn';
import { runMain } from './lib/cli';
import { digitsExample } from './lib/digits-example';
import { smallCnn } from './lib/mnist-models';

export async function main(argv: string[] = process.argv.slice(2)) {
  const { epochs, train, test } = digitsExample('mnist-cnn', 'A small CNN on MNIST.', 12, argv);
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
