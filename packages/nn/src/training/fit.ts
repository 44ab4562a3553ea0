/** The fit loop: epochs of shuffled mini-batches, validation, callbacks and History. */
import { shuffleInPlace } from '@zen/autograd-core';
import type { ModelData, TrainableModel } from './trainable';
import { type CallbackLike, CallbackList, type Logs } from '../callbacks/callback';
import { History } from '../callbacks/history';
import { TerminateOnNaN } from '../callbacks/terminate-on-nan';
import { ProgressLogger } from './progress';
import { type DataLists, LogAverager, checkPositiveInteger, readData, sliceLists, takeRows } from './data';
import { evaluateLists } from './evaluate';
import { EventLoopYielder, type YieldEvery } from './event-loop';
import { checkFitArgs } from './options';
import { withDataShapes } from './errors';

export interface FitArgs {
  /** Index of the last epoch + 1 (default 1). */
  epochs?: number;
  /** Samples per update; default 32. */
  batchSize?: number;
  /** Reshuffle the training samples every epoch with the seeded generator (default true). */
  shuffle?: boolean;
  /** Fraction of the samples, taken from the END before shuffling (as Keras), held out for validation. */
  validationSplit?: number;
  /** Explicit validation data [x, y] (takes precedence over validationSplit); x and y as fit takes them. */
  validationData?: readonly [ModelData, ModelData];
  callbacks?: CallbackLike[];
  /** 0 silent, 1 progress bar (one line per epoch when stderr is not a terminal), 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Epoch to start from (for resuming); default 0. */
  initialEpoch?: number;
  /** When to let the event loop run: 'auto' (default: at most every 100 ms), 'batch', 'epoch' or 'never'. */
  yieldEvery?: YieldEvery;
}

/** One mini-batch as the model's train step takes it. */
export interface Batch extends DataLists {
  /** Number of samples in the batch. */
  size: number;
}

/** Splits off validation data and checks everything fit is given. */
function prepareData(
  model: TrainableModel,
  x: unknown,
  y: unknown,
  args: FitArgs,
): { train: DataLists; val: DataLists | null } {
  const train = readData(model, 'fit', x, y);
  if (args.validationData) {
    const [xv, yv] = args.validationData;
    return { train, val: readData(model, 'fit', xv, yv, ['validationData[0]', 'validationData[1]']) };
  }
  const split = args.validationSplit ?? 0;
  if (!(split >= 0 && split < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${split}`);
  if (split === 0) return { train, val: null };
  const n = train.x[0].shape[0];
  const splitAt = Math.floor(n * (1 - split));
  if (splitAt === 0 || splitAt === n) {
    throw new Error(
      `fit: validationSplit ${split} of ${n} samples leaves ${splitAt === 0 ? 'no training' : 'no validation'} samples`,
    );
  }
  return { train: sliceLists(train, 0, splitAt), val: sliceLists(train, splitAt, n) };
}

/**
 * Where fit's batches come from: in-memory tensors, reshuffled each epoch with the seeded
 * generator. (A dataset-fed source yields `Batch`es the same way.)
 */
function* tensorBatches(
  data: DataLists,
  batchSize: number,
  shuffle: (() => number) | null,
  order: Int32Array,
): Generator<Batch> {
  const samples = order.length;
  for (let i = 0; i < samples; i++) order[i] = i;
  if (shuffle) shuffleInPlace(order, shuffle);
  for (let start = 0; start < samples; start += batchSize) {
    const end = Math.min(samples, start + batchSize);
    yield {
      x: data.x.map((t) => takeRows(t, order, start, end)),
      y: data.y.map((t) => takeRows(t, order, start, end)),
      size: end - start,
    };
  }
}

/** Runs model.fit (see FitArgs). */
export async function fitModel(
  model: TrainableModel,
  x: unknown,
  y: unknown,
  args: FitArgs,
): Promise<History> {
  checkFitArgs(args);
  model.checkCompiled('fit');
  const epochs = args.epochs ?? 1;
  const batchSize = args.batchSize ?? 32;
  const initialEpoch = args.initialEpoch ?? 0;
  const verbose = args.verbose ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) {
    throw new Error(`fit: initialEpoch must be a non-negative integer, got ${initialEpoch}`);
  }
  if (initialEpoch > 0 && initialEpoch >= epochs) {
    throw new Error(
      `fit: initialEpoch (${initialEpoch}) must be less than epochs (${epochs}): as in Keras, epochs is the index of the last epoch + 1, so resuming after epoch ${initialEpoch} for 2 more is { initialEpoch: ${initialEpoch}, epochs: ${initialEpoch + 2} }`,
    );
  }
  checkPositiveInteger('fit', 'batchSize', batchSize);
  if (args.callbacks !== undefined && !Array.isArray(args.callbacks))
    throw new Error('fit: callbacks must be an array');
  const { train, val } = prepareData(model, x, y, args);
  const samples = train.x[0].shape[0];
  const steps = Math.ceil(samples / batchSize);

  const history = new History();
  const userCallbacks = args.callbacks ?? [];
  const progress = verbose > 0 ? [new ProgressLogger({ verbose, epochs, stepsPerEpoch: steps })] : [];
  const callbacks = new CallbackList([...progress, ...userCallbacks, history]);
  const stopsOnNaN = userCallbacks.some((c) => c instanceof TerminateOnNaN);
  callbacks.setModel(model);
  model.stopTraining = false;
  model.history = history;

  const yielder = new EventLoopYielder(args.yieldEvery ?? 'auto');
  const order = new Int32Array(samples);
  let lastLogs: Logs = {};
  await callbacks.onTrainBegin({});
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    await callbacks.onEpochBegin(epoch, {});
    const running = new LogAverager(model.resetMetricStates());
    let step = 0;
    const shuffle = (args.shuffle ?? true) ? model.randomStream.next : null;
    for (const batch of tensorBatches(train, batchSize, shuffle, order)) {
      await callbacks.onBatchBegin(step, { batch: step, size: batch.size });
      const batchLogs = withDataShapes('fit', train.x, train.y, () =>
        model.randomStream.run(() => model.trainStep(batch.x, batch.y, 'fit')),
      );
      if (!Number.isFinite(batchLogs.loss) && !stopsOnNaN) {
        throw new Error(
          `fit: the loss became ${batchLogs.loss} at epoch ${epoch + 1}, batch ${step + 1} ` +
            '(learning rate too high, or the model produced NaN/Infinity); the update was skipped. ' +
            'Add a TerminateOnNaN callback to stop training instead of throwing',
        );
      }
      running.add(batchLogs, batch.size);
      await callbacks.onBatchEnd(step, { batch: step, size: batch.size, ...running.means() });
      step++;
      if (model.stopTraining) break;
      await yielder.afterBatch();
    }
    const epochLogs: Logs = running.means();
    if (val) {
      const valLogs = evaluateLists(model, val, batchSize, 'fit (validation)');
      for (const [key, value] of Object.entries(valLogs)) epochLogs[`val_${key}`] = value;
    }
    await callbacks.onEpochEnd(epoch, epochLogs);
    lastLogs = epochLogs;
    await yielder.afterEpoch();
  }
  await callbacks.onTrainEnd(lastLogs);
  return history;
}
