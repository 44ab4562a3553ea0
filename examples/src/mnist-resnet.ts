/**
 * A small residual CNN on the bundled digits, built with the functional API: a stem
 * convolution, then two residual blocks (two 3×3 convolutions whose output is added back
 * to the block's input with `Add`, as in ResNet), each followed by pooling, and a softmax
 * classifier. Prints the model's summary (with its "Connected to" column), trains with
 * Adam on a cosine learning-rate decay and reports the test accuracy and the time taken.
 */
import { setSeed } from '@zen/autograd-core';
import {
  Adam,
  Add,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  MaxPooling2D,
  Model,
  ReLU,
  type SymbolicTensor,
  cosineDecay,
  input,
} from '@zen/nn';
import { runMain } from './lib/cli';
import { digitsExample } from './lib/digits-example';

/** relu(x + conv(relu(conv(x)))): the block learns a correction to its input. */
function residualBlock(x: SymbolicTensor, filters: number): SymbolicTensor {
  const h = new Conv2D({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  const correction = new Conv2D({ filters, kernelSize: 3, padding: 'same' }).apply(h);
  return new ReLU().apply(new Add().apply([x, correction]));
}

/** 28×28×1 → conv 16 → pool → residual block → conv 32 → pool → residual block → dropout → dense softmax. */
export function smallResnet(): Model {
  const digits = input({ shape: [28, 28, 1], name: 'digits' });
  let x = new Conv2D({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(digits);
  x = new MaxPooling2D({ poolSize: 2 }).apply(x); // 14×14×16
  x = residualBlock(x, 16);
  x = new Conv2D({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  x = new MaxPooling2D({ poolSize: 2 }).apply(x); // 7×7×32
  x = residualBlock(x, 32);
  const features = new Dropout({ rate: 0.25 }).apply(new Flatten().apply(x));
  const probabilities = new Dense({ units: 10, activation: 'softmax' }).apply(features);
  return new Model({ inputs: digits, outputs: probabilities, name: 'mnist_resnet' });
}

export async function main(argv: string[] = process.argv.slice(2)) {
  const { epochs, train, test } = digitsExample(
    'mnist-resnet',
    'A small residual CNN (two residual blocks with Add) on MNIST.',
    3,
    argv,
  );
  setSeed(1);
  const model = smallResnet();
  const batchSize = 32;
  const validationSplit = 0.1;
  // The learning rate falls from 2e-3 towards 0 along a cosine over the whole run.
  const steps = epochs * Math.ceil((train.images.shape[0] * (1 - validationSplit)) / batchSize);
  model.compile({
    optimizer: new Adam({
      learningRate: cosineDecay({ initialLearningRate: 2e-3, decaySteps: steps, alpha: 0.02 }),
    }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  model.summary();
  const start = Date.now();
  await model.fit(train.images, train.labels, { epochs, batchSize, validationSplit, verbose: 1 });
  const seconds = (Date.now() - start) / 1000;
  const { accuracy } = model.evaluate(test.images, test.labels);
  console.log(`training time: ${seconds.toFixed(1)} s`);
  console.log(`test accuracy: ${accuracy.toFixed(4)}`);
  return { testAccuracy: accuracy, seconds };
}

if (require.main === module) runMain(() => main());
