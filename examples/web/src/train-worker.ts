/**
 * The training worker: loads the bundled digits, trains the examples' small CNN (or
 * reloads it from IndexedDB), reports progress to the page, and classifies drawings.
 * Training here keeps the page responsive; the wasm kernels may use helper threads,
 * which need a worker (and a cross-origin-isolated page).
 */
import { Tensor, getBackend, ready, setSeed } from '@zen/autograd-core';
import { loadBundledMnistAsync } from '@zen/datasets';
import type { MnistSplit } from '@zen/datasets';
import { Adam, Callback, loadModel } from '@zen/nn';
import type { Logs, Sequential } from '@zen/nn';
import { smallCnn } from '../../src/lib/mnist-models';
import type { FromWorker, StartOptions, ToWorker } from './messages';

/** Where the trained model is kept between visits. */
const MODEL_URL = 'indexeddb://zen-mnist-cnn';
const BATCH_SIZE = 32;
const VALIDATION_SPLIT = 0.1;

const scope = self as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((event: { data: ToWorker }) => void) | null;
  crossOriginIsolated?: boolean;
};
const post = (message: FromWorker) => scope.postMessage(message);

let model: Sequential | null = null;

/** Sends each batch's running loss and accuracy, for the chart and progress bar. */
class Reporter extends Callback {
  private epoch = 0;
  constructor(
    private readonly epochs: number,
    private readonly steps: number,
  ) {
    super();
  }
  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }
  override onBatchEnd(batch: number, logs: Logs): void {
    const { epoch, epochs, steps } = this;
    post({ type: 'batch', epoch, epochs, step: batch + 1, steps, loss: logs.loss, accuracy: logs.accuracy });
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    post({ type: 'epoch', epoch, logs: { ...logs } });
  }
}

async function train(trainSet: MnistSplit, epochs: number): Promise<Sequential> {
  setSeed(1);
  const fresh = smallCnn();
  fresh.compile({
    optimizer: new Adam({ learningRate: 1e-3 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const n = trainSet.labels.shape[0];
  const steps = Math.ceil(Math.round(n * (1 - VALIDATION_SPLIT)) / BATCH_SIZE);
  await fresh.fit(trainSet.images, trainSet.labels, {
    epochs,
    batchSize: BATCH_SIZE,
    validationSplit: VALIDATION_SPLIT,
    verbose: 0,
    callbacks: [new Reporter(epochs, steps)],
  });
  return fresh;
}

async function start(options: StartOptions): Promise<void> {
  await ready();
  const backend = getBackend();
  post({
    type: 'backend',
    name: backend.name,
    threads: backend.threads,
    isolated: scope.crossOriginIsolated === true,
  });
  post({ type: 'status', text: 'loading digits…' });
  const { train: trainSet, test } = await loadBundledMnistAsync({
    testFraction: 0.2,
    seed: 1,
    limit: options.limit,
  });

  const started = performance.now();
  let source: 'trained' | 'indexeddb' = 'trained';
  model = null;
  if (!options.retrain) {
    try {
      model = await loadModel<Sequential>(MODEL_URL);
      source = 'indexeddb';
    } catch {
      model = null; // nothing saved yet (or from an incompatible version): train
    }
  }
  if (!model) {
    post({ type: 'status', text: 'training…' });
    model = await train(trainSet, options.epochs);
    await model.save(MODEL_URL);
  }
  const seconds = (performance.now() - started) / 1000;
  const { accuracy } = model.evaluate(test.images, test.labels, { batchSize: 256 });
  post({ type: 'done', accuracy, source, seconds, samples: trainSet.labels.shape[0] });
}

function predict(id: number, pixels: Float32Array, count: number): void {
  if (!model) throw new Error('no model yet: training has not finished');
  const out = model.predict(new Tensor(pixels, [count, 28, 28, 1])) as Tensor;
  const probabilities: number[][] = [];
  for (let i = 0; i < count; i++) probabilities.push(Array.from(out.data.subarray(i * 10, i * 10 + 10)));
  post({ type: 'prediction', id, probabilities });
}

scope.onmessage = (event) => {
  const message = event.data;
  const run = async () => {
    if (message.type === 'start') await start(message.options);
    else predict(message.id, message.pixels, message.count);
  };
  run().catch((error: unknown) =>
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
};
