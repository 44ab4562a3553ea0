/** The fit loop: epochs of shuffled mini-batches, validation, callbacks and History. */
import { Tensor, shuffleInPlace } from '@zen/autograd-core';
import type { Sequential } from '../models/sequential';
import { CallbackLike, CallbackList, Logs } from '../callbacks/callback';
import { History } from '../callbacks/history';
import { TerminateOnNaN } from '../callbacks/terminate-on-nan';
import { ProgressLogger } from './progress';
import { LogAverager, checkFinite, checkPositiveInteger, checkSamples, sliceRows, takeRows } from './data';
import { evaluateModel } from './evaluate';
import { EventLoopYielder, YieldEvery } from './event-loop';
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
  /** Explicit validation data [x, y] (takes precedence over validationSplit). */
  validationData?: readonly [Tensor, Tensor];
  callbacks?: CallbackLike[];
  /** 0 silent, 1 progress bar (one line per epoch when stderr is not a terminal), 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Epoch to start from (for resuming); default 0. */
  initialEpoch?: number;
  /** When to let the event loop run: 'auto' (default: at most every 100 ms), 'batch', 'epoch' or 'never'. */
  yieldEvery?: YieldEvery;
}

/** Splits off validation data and checks everything fit is given. */
function prepareData(
  x: Tensor,
  y: Tensor,
  args: FitArgs,
): { train: [Tensor, Tensor]; val: [Tensor, Tensor] | null } {
  checkSamples('fit', x, y);
  checkFinite('fit', 'x', x);
  checkFinite('fit', 'y', y);
  if (args.validationData) {
    const [xv, yv] = args.validationData;
    checkSamples('fit', xv, yv, 'validationData[0]', 'validationData[1]');
    checkFinite('fit', 'validationData[0]', xv);
    checkFinite('fit', 'validationData[1]', yv);
    return { train: [x, y], val: [xv, yv] };
  }
  const split = args.validationSplit ?? 0;
  if (!(split >= 0 && split < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${split}`);
  if (split === 0) return { train: [x, y], val: null };
  const n = x.shape[0];
  const splitAt = Math.floor(n * (1 - split));
  if (splitAt === 0 || splitAt === n) {
    throw new Error(
      `fit: validationSplit ${split} of ${n} samples leaves ${splitAt === 0 ? 'no training' : 'no validation'} samples`,
    );
  }
  return {
    train: [sliceRows(x, 0, splitAt), sliceRows(y, 0, splitAt)],
    val: [sliceRows(x, splitAt, n), sliceRows(y, splitAt, n)],
  };
}

/** Runs Sequential.fit (see FitArgs). */
export async function fitModel(model: Sequential, x: Tensor, y: Tensor, args: FitArgs): Promise<History> {
  checkFitArgs(args);
  model.requireCompiled('fit');
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
  const { train, val } = prepareData(x, y, args);
  const [xTrain, yTrain] = train;
  const samples = xTrain.shape[0];
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
    for (let i = 0; i < samples; i++) order[i] = i;
    if (args.shuffle ?? true) shuffleInPlace(order, model.randomStream.next);
    const running = new LogAverager(model.resetMetricStates());
    for (let step = 0; step < steps; step++) {
      const start = step * batchSize;
      const end = Math.min(samples, start + batchSize);
      await callbacks.onBatchBegin(step, { batch: step, size: end - start });
      const xb = takeRows(xTrain, order, start, end);
      const yb = takeRows(yTrain, order, start, end);
      const batchLogs = withDataShapes('fit', xTrain, yTrain, () =>
        model.randomStream.run(() => model.trainStep(xb, yb, 'fit')),
      );
      if (!Number.isFinite(batchLogs.loss) && !stopsOnNaN) {
        throw new Error(
          `fit: the loss became ${batchLogs.loss} at epoch ${epoch + 1}, batch ${step + 1} ` +
            '(learning rate too high, or the model produced NaN/Infinity); the update was skipped. ' +
            'Add a TerminateOnNaN callback to stop training instead of throwing',
        );
      }
      running.add(batchLogs, end - start);
      await callbacks.onBatchEnd(step, { batch: step, size: end - start, ...running.means() });
      if (model.stopTraining) break;
      await yielder.afterBatch();
    }
    const epochLogs: Logs = running.means();
    if (val) {
      const valLogs = evaluateModel(model, val[0], val[1], { batchSize }, 'fit (validation)', false);
      for (const [key, value] of Object.entries(valLogs)) epochLogs[`val_${key}`] = value;
    }
    await callbacks.onEpochEnd(epoch, epochLogs);
    lastLogs = epochLogs;
    await yielder.afterEpoch();
  }
  await callbacks.onTrainEnd(lastLogs);
  return history;
}
