/**
 * The MNIST MLP trained with a PyTorch-style loop instead of fit(): for each batch,
 * zero the gradients, compute the loss from logits, backpropagate, step.
 */
import { noGrad, setSeed } from '@zen/autograd-core';
import { DataLoader } from '@zen/datasets';
import { Dense, Flatten, SGD, Sequential, losses } from '@zen/nn';
import { runMain } from './lib/cli';
import { digitsExample } from './lib/digits-example';

export async function main(argv: string[] = process.argv.slice(2)) {
  const { epochs, train, test } = digitsExample('custom-loop', 'A hand-written training loop.', 5, argv);
  setSeed(1);
  const model = new Sequential([
    new Flatten({ inputShape: [28, 28, 1] }),
    new Dense({ units: 64, activation: 'relu' }),
    new Dense({ units: 10 }), // logits: the loss applies log-softmax itself
  ]);
  const optimizer = new SGD({ learningRate: 0.1, momentum: 0.9 });
  const loader = new DataLoader(train.images, train.labels, { batchSize: 32, shuffle: true, seed: 1 });
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let total = 0;
    let batches = 0;
    for (const { x, y } of loader) {
      optimizer.zeroGrad(model.parameters());
      const logits = model.call(x, { training: true });
      const loss = losses.sparseCategoricalCrossentropy(y!, logits, { fromLogits: true });
      loss.backward();
      optimizer.step(model.parameters());
      total += loss.item();
      batches++;
    }
    console.log(`epoch ${epoch}: mean loss ${(total / batches).toFixed(4)}`);
  }
  const accuracy = noGrad(() => {
    const predicted = model.call(test.images, { training: false }).argmax(-1);
    return predicted.equal(test.labels).mean().item();
  });
  console.log(`test accuracy: ${accuracy.toFixed(4)}`);
  return { testAccuracy: accuracy };
}

if (require.main === module) runMain(() => main());
