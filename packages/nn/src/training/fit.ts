/** The fit loop: epochs of mini-batches (fit-data.ts says where they come from), validation, callbacks and History. */
import { Tensor, scratchScope } from '@zen/autograd-core';
import type { TrainableModel } from './trainable';
import { type CallbackLike, CallbackList, type Logs } from '../callbacks/callback';
import { History } from '../callbacks/history';
import { TerminateOnNaN } from '../callbacks/terminate-on-nan';
import { ProgressLogger } from './progress';
import { LogAverager } from './data';
import { EventLoopYielder, type YieldEvery } from './event-loop';
import { checkFitArgs } from './options';
import { inBatch } from './errors';
import { type FitDataArgs, type StepNames, type ValidationData, prepareFitData } from './fit-data';
import { isDataset } from './dataset';
import type { ClassWeight, SampleWeight } from './sample-weights';

export interface FitArgs extends FitDataArgs {
  /** Index of the last epoch + 1 (default 1). */
  epochs?: number;
  /** Samples per update; default 32 (not with a dataset, whose elements are the batches). */
  batchSize?: number;
  /** Reshuffle the training samples every epoch with the seeded generator (default true; tensors only). */
  shuffle?: boolean;
  /** Fraction of the samples, taken from the END before shuffling (as Keras), held out for validation. */
  validationSplit?: number;
  /**
   * Validation data evaluated after every epoch (takes precedence over validationSplit):
   * [x, y] or [x, y, sampleWeight] as fit takes them, or a dataset.
   */
  validationData?: ValidationData;
  callbacks?: CallbackLike[];
  /** 0 silent, 1 progress bar (one line per epoch when stderr is not a terminal), 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Epoch to start from (for resuming); default 0. */
  initialEpoch?: number;
  /** When to let the event loop run: 'auto' (default: at most every 100 ms), 'batch', 'epoch' or 'never'. */
  yieldEvery?: YieldEvery;
  /** One weight per sample of each output's loss (Keras): a Tensor [N], one per output, or by output name. */
  sampleWeight?: SampleWeight;
  /** Weight of each class in the loss, `{ 0: 1, 1: 5 }` (single-output models; missing classes weigh 1). */
  classWeight?: ClassWeight;
  /** With a dataset: batches per epoch (default: one pass). A one-shot iterator needs it for several epochs. */
  stepsPerEpoch?: number;
  /** With a validation dataset: batches per validation (default: one pass). */
  validationSteps?: number;
}

const KERAS_NAMES: StepNames = { steps: 'stepsPerEpoch', validationSteps: 'validationSteps' };

/**
 * Runs model.fit: `fit(x, y, args)` on tensors, or `fit(dataset, args)` on a dataset
 * (then `y` holds the options). `where` and `names` say how messages name the call.
 */
export async function fitModel(
  model: TrainableModel,
  x: unknown,
  y: unknown,
  argsIn: FitArgs | undefined,
  where = 'fit',
  names: StepNames = KERAS_NAMES,
): Promise<History> {
  let args = argsIn ?? {};
  if (isDataset(x)) {
    if (y instanceof Tensor || argsIn !== undefined)
      throw new Error(
        `${where}: x is a dataset, whose elements hold y: call ${where}(dataset, { epochs, … }) without y`,
      );
    args = (y ?? {}) as FitArgs;
  }
  checkFitArgs(args, `model.${where}`);
  model.checkCompiled(where);
  const epochs = args.epochs ?? 1;
  const initialEpoch = args.initialEpoch ?? 0;
  const verbose = args.verbose ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new Error(`${where}: epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) {
    throw new Error(`${where}: initialEpoch must be a non-negative integer, got ${initialEpoch}`);
  }
  if (initialEpoch > 0 && initialEpoch >= epochs) {
    throw new Error(
      `${where}: initialEpoch (${initialEpoch}) must be less than epochs (${epochs}): as in Keras, epochs is the index of the last epoch + 1, so resuming after epoch ${initialEpoch} for 2 more is { initialEpoch: ${initialEpoch}, epochs: ${initialEpoch + 2} }`,
    );
  }
  if (args.callbacks !== undefined && !Array.isArray(args.callbacks))
    throw new Error(`${where}: callbacks must be an array`);
  const data = prepareFitData(model, x, y, args, epochs - initialEpoch, where, names);

  const history = new History();
  const userCallbacks = args.callbacks ?? [];
  const progress = verbose > 0 ? [new ProgressLogger({ verbose, epochs, stepsPerEpoch: data.steps })] : [];
  const callbacks = new CallbackList([...progress, ...userCallbacks, history]);
  const stopsOnNaN = userCallbacks.some((c) => c instanceof TerminateOnNaN);
  callbacks.setModel(model);
  model.stopTraining = false;
  model.history = history;

  const yielder = new EventLoopYielder(args.yieldEvery ?? 'auto');
  let lastLogs: Logs = {};
  await callbacks.onTrainBegin({});
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    await callbacks.onEpochBegin(epoch, {});
    const running = new LogAverager(model.resetMetricStates());
    let step = 0;
    for await (const batch of data.epoch(epoch)) {
      await callbacks.onBatchBegin(step, { batch: step, size: batch.size });
      const weights =
        batch.sampleWeight || data.classWeight
          ? { sampleWeight: batch.sampleWeight ?? null, classWeight: data.classWeight }
          : undefined;
      // The whole step, gathering the batch included, runs in one scratch scope.
      const batchLogs = inBatch(where, batch, data.whole, () =>
        model.randomStream.run(() => scratchScope(() => model.trainStep(batch.x, batch.y, where, weights))),
      );
      if (!Number.isFinite(batchLogs.loss) && !stopsOnNaN) {
        throw new Error(
          `${where}: the loss became ${batchLogs.loss} at epoch ${epoch + 1}, batch ${step + 1} ` +
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
    const ranOut = data.ranOut(epoch);
    if (step === 0) {
      if (ranOut) break;
      throw new Error(`${where}: the dataset yielded no batches in epoch ${epoch + 1}`);
    }
    const epochLogs: Logs = running.means();
    if (data.validate) {
      const valLogs = await data.validate(epoch);
      for (const [key, value] of Object.entries(valLogs)) epochLogs[`val_${key}`] = value;
    }
    await callbacks.onEpochEnd(epoch, epochLogs);
    lastLogs = epochLogs;
    if (ranOut) model.stopTraining = true;
    await yielder.afterEpoch();
  }
  await callbacks.onTrainEnd(lastLogs);
  return history;
}
