/**
 * Zen's fizzbuzz.py: integers as 10-bit binary vectors, four classes (the number,
 * "fizz", "buzz", "fizzbuzz"). Trains on 101–1023 and reports accuracy on 1–100,
 * which the network never saw.
 */
import { setSeed } from '@zen/autograd-core';
import { FIZZ_BUZZ_CLASSES, fizzBuzz } from '@zen/datasets';
import { Dense, RMSProp, Sequential, Sigmoid, Softmax, Tanh } from '@zen/nn';
import { parseOptions, positiveInt, runMain } from './lib/cli';

export async function main(argv: string[] = process.argv.slice(2)) {
  const options = parseOptions(
    'npm run example:fizzbuzz --',
    "Zen's FizzBuzz network.",
    {
      epochs: { type: 'string', description: 'training epochs', default: '300' },
    },
    argv,
  );
  const epochs = positiveInt('epochs', options.epochs);
  const train = fizzBuzz({ from: 101, to: 1023 });
  const test = fizzBuzz({ from: 1, to: 100 });
  setSeed(7);
  const model = new Sequential([
    new Dense({ units: 50, inputShape: [10] }),
    new Tanh(),
    new Dense({ units: 25 }),
    new Sigmoid(),
    new Dense({ units: 4 }),
    new Softmax(),
  ]);
  model.compile({
    optimizer: new RMSProp({ learningRate: 5e-3 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const history = await model.fit(train.x, train.y, { epochs, batchSize: 16, verbose: 0 });
  const trainAccuracy = history.history.accuracy[history.history.accuracy.length - 1];
  const { accuracy } = model.evaluate(test.x, test.y);
  const predicted = model.predict(test.x).argmax(-1);
  const words = Array.from(predicted.data as Int32Array, (c, i) =>
    c === 0 ? String(i + 1) : FIZZ_BUZZ_CLASSES[c],
  );
  console.log(words.join(' '));
  console.log(`training accuracy: ${trainAccuracy.toFixed(4)}`);
  console.log(`accuracy on 1-100: ${accuracy.toFixed(4)}`);
  return { trainAccuracy, testAccuracy: accuracy };
}

if (require.main === module) runMain(() => main());
