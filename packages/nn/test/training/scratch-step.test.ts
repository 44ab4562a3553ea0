/**
 * trainStep and testStep run in a scratch scope (the step's float32 tensors in memory that
 * the next step reuses): the update, the kept gradients and the evaluated loss equal those
 * computed outside any scope, and a model that keeps a tensor from a step (its batch included)
 * fails loudly.
 */
import { type Tensor, ValueError, setSeed, tensor } from '@zen/autograd-core';
import { Adam, type CallOptions, Dense, type LayerInput, Model, SGD, Sequential } from '@zen/nn';
import { testValues } from '../helpers';

// Hidden activations of 32 × 64 floats: large enough to live in scratch memory.
const x = tensor(testValues(32 * 16, 1), { shape: [32, 16] });
const y = tensor(testValues(32 * 8, 2), { shape: [32, 8] });

function mlp(optimizer: 'sgd' | 'adam' = 'sgd'): Sequential {
  setSeed(3);
  const model = new Sequential([
    new Dense({ units: 64, activation: 'relu', inputShape: [16] }),
    new Dense({ units: 8 }),
  ]);
  const chosen = optimizer === 'sgd' ? new SGD({ learningRate: 0.05 }) : new Adam({ learningRate: 0.01 });
  model.compile({ optimizer: chosen, loss: 'mse' });
  return model;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) {
      throw new Error(`[${i}] = ${got[i]}, want ${want[i]}`);
    }
  }
}

test('trainOnBatch: gradients stay readable and equal those of the same step outside a scope; the update uses them', () => {
  const stepped = mlp();
  const byHand = mlp();
  const before = stepped.getWeights().map((w) => Array.from(w.data));
  const logs = stepped.trainOnBatch(x, y);

  const loss = (byHand.apply(x) as Tensor).sub(y).square().mean();
  loss.backward();
  expect(logs.loss).toBeCloseTo(loss.item(), 5);
  stepped.weights.forEach((w, i) => {
    const want = byHand.weights[i].value.grad!;
    const grad = w.value.grad!;
    expectClose(grad.data, want.data, 1e-5);
    expectClose(
      w.value.data,
      before[i].map((v, k) => v - 0.05 * want.data[k]),
      1e-5,
    );
  });
});

test('trainOnBatch with Adam (which copies the gradients it reads): they stay readable and equal', () => {
  const stepped = mlp('adam');
  const byHand = mlp('adam');
  for (let step = 0; step < 2; step++) stepped.trainOnBatch(x, y);
  // The same weights as `stepped` has before its third step.
  byHand.setWeights(stepped.getWeights());
  stepped.trainOnBatch(x, y);
  const loss = (byHand.apply(x) as Tensor).sub(y).square().mean();
  loss.backward();
  stepped.weights.forEach((w, i) =>
    expectClose(w.value.grad!.data, byHand.weights[i].value.grad!.data, 1e-5),
  );
});

test('evaluate in scratch scopes equals the loss computed outside them', () => {
  const model = mlp();
  const want = (model.apply(x) as Tensor).sub(y).square().mean().item();
  expect(model.evaluate(x, y, { batchSize: 32 }).loss).toBeCloseTo(want, 5);
});

/** Keeps its input batch and hidden activation in fields: tensors made inside the training step. */
class KeepsHidden extends Model {
  batch: Tensor | null = null;
  hidden: Tensor | null = null;
  dense = new Dense({ units: 64, activation: 'tanh' });
  out = new Dense({ units: 8 });

  override call(input: LayerInput, _options: CallOptions = {}): Tensor {
    this.batch = input as Tensor;
    this.hidden = this.dense.apply(this.batch);
    return this.out.apply(this.hidden);
  }
}

test('a tensor kept from a training step throws when read, naming the scratch scope', async () => {
  setSeed(4);
  const model = new KeepsHidden();
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  expect(() => model.hidden!.data).toThrow(ValueError);
  expect(() => model.hidden!.toArray()).toThrow(/scratch scope/);
  // fit gathers each shuffled batch inside the step's scope too.
  expect(() => model.batch!.data).toThrow(ValueError);
  // Outside a step (predict) the same field holds an ordinary tensor.
  model.predict(x);
  expect(model.hidden!.shape).toEqual([32, 64]);
  expect(Number.isFinite(model.hidden!.data[0])).toBe(true);
});

test('predict runs its later batches in scratch scopes: the same outputs as one batch, kept valid', () => {
  const model = mlp();
  const whole = model.predict(x, { batchSize: 32 });
  const inBatches = model.predict(x, { batchSize: 8 });
  expectClose(inBatches.data, whole.data, 1e-6);
  // The outputs outlive the scopes: still readable after another prediction reused the memory.
  model.predict(x, { batchSize: 8 });
  expect(Number.isFinite(inBatches.data[inBatches.size - 1])).toBe(true);
  expectClose(inBatches.data, whole.data, 1e-6);
});
