/**
 * Where fit's batches come from, epoch by epoch, and how it validates: in-memory tensors
 * (shuffled each epoch with the model's random stream, validationSplit from the end) or a
 * dataset (dataset.ts), with validation data of either kind.
 */
import { type Tensor, ValueError, shuffleInPlace } from '@zen/autograd-core';
import type { Logs } from '../callbacks/callback';
import type { ModelData, TrainableModel } from './trainable';
import { type DataLists, checkFinite, checkPositiveInteger, readData, sliceLists, takeRows } from './data';
import { type Batch, type Dataset, DatasetBatches, isDataset } from './dataset';
import { evaluateBatches, evaluateLists } from './evaluate';
import { type ClassWeight, type SampleWeight, checkClassWeight, readSampleWeight } from './sample-weights';

/** fit's validation data: [x, y] or [x, y, sampleWeight] as fit takes them, or a dataset. */
export type ValidationData =
  readonly [ModelData, ModelData] | readonly [ModelData, ModelData, SampleWeight] | Dataset;

/** The options of fit that say where the data comes from. */
export interface FitDataArgs {
  batchSize?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: ValidationData;
  sampleWeight?: SampleWeight;
  classWeight?: ClassWeight;
  stepsPerEpoch?: number;
  validationSteps?: number;
}

/** How the caller spells the step counts (fit: Keras's names; fitDataset: tfjs's). */
export interface StepNames {
  steps: string;
  validationSteps: string;
}

/** Batches per epoch, validation, and what the steps are weighted with. */
export interface FitData {
  /** The batches of one epoch. */
  epoch(epoch: number): Iterable<Batch> | AsyncIterable<Batch>;
  /** Batches per epoch when known (the progress bar's total), else null. */
  steps: number | null;
  /** The whole in-memory data, for shape messages; null for a dataset. */
  whole: DataLists | null;
  classWeight: ClassWeight | null;
  /** After an epoch: true when a one-shot dataset ran out (training stops, as Keras). */
  ranOut(epoch: number): boolean;
  /** Validation logs at the end of an epoch; null without validation data. */
  validate: ((epoch: number) => Logs | Promise<Logs>) | null;
}

/** Reads and checks fit's data and options; `epochs`: how many epochs will run. */
export function prepareFitData(
  model: TrainableModel,
  x: unknown,
  y: unknown,
  args: FitDataArgs,
  epochs: number,
  where: string,
  names: StepNames,
): FitData {
  const batchSize = args.batchSize ?? 32;
  checkPositiveInteger(where, 'batchSize', batchSize);
  const validate = validation(model, args, batchSize, epochs, where, names);
  if (isDataset(x)) return datasetData(model, x, args, epochs, where, names, validate);
  for (const key of ['stepsPerEpoch', 'validationSteps'] as const) {
    if (args[key] !== undefined && (key === 'stepsPerEpoch' || !isDataset(args.validationData)))
      throw new ValueError(
        `${where}: ${key} is for datasets; with tensors an epoch covers every sample in batches of batchSize`,
      );
  }
  // The training rows' values are checked batch by batch as they are gathered (tensorBatches).
  let train = readData(model, where, x, y, undefined, false);
  const samples = train.x[0].shape[0];
  train.sampleWeight = readSampleWeight(where, args.sampleWeight, model.outputNames, train.y.length, samples);
  const classWeight = checkClassWeight(where, args.classWeight, train.y.length);
  let validateSplit = validate;
  const split = args.validationSplit ?? 0;
  if (!(split >= 0 && split < 1))
    throw new ValueError(`${where}: validationSplit must be in [0, 1), got ${split}`);
  if (split > 0 && !args.validationData) {
    const splitAt = Math.floor(samples * (1 - split));
    if (splitAt === 0 || splitAt === samples) {
      throw new ValueError(
        `${where}: validationSplit ${split} of ${samples} samples leaves ${splitAt === 0 ? 'no training' : 'no validation'} samples`,
      );
    }
    const held = sliceLists(train, splitAt, samples);
    for (const [list, name] of [
      [held.x, 'x'],
      [held.y, 'y'],
    ] as const)
      list.forEach((t, i) =>
        checkFinite(where, list.length > 1 ? `${name}[${i}]` : name, t, (r) => splitAt + r),
      );
    validateSplit = () => evaluateLists(model, held, batchSize, `${where} (validation)`);
    train = sliceLists(train, 0, splitAt);
  }
  const n = train.x[0].shape[0];
  const order = new Int32Array(n);
  const shuffle = (args.shuffle ?? true) ? model.randomStream.next : null;
  return {
    epoch: () => tensorBatches(train, batchSize, shuffle, order, where),
    steps: Math.ceil(n / batchSize),
    whole: train,
    classWeight,
    ranOut: () => false,
    validate: validateSplit,
  };
}

/**
 * In-memory batches, reshuffled each epoch with the seeded generator; rows named by their
 * sample index. A batch's x and y rows are gathered when first read, which fit does inside
 * the step's scratch scope, so they land in the step's scratch memory too, and checked for
 * NaN and ±Infinity there (a scan of the batch in cache, instead of the whole data from
 * memory before each epoch): a bad value stops fit before that batch's step.
 */
function* tensorBatches(
  data: DataLists,
  batchSize: number,
  shuffle: (() => number) | null,
  order: Int32Array,
  where: string,
): Generator<Batch> {
  const samples = order.length;
  for (let i = 0; i < samples; i++) order[i] = i;
  if (shuffle) shuffleInPlace(order, shuffle);
  for (let start = 0; start < samples; start += batchSize) {
    const end = Math.min(samples, start + batchSize);
    const rows = (list: Tensor[], name: string) =>
      list.map((t, i) => {
        const batch = takeRows(t, order, start, end);
        checkFinite(where, list.length > 1 ? `${name}[${i}]` : name, batch, (r) => order[start + r]);
        return batch;
      });
    let x: Tensor[] | null = null;
    let y: Tensor[] | null = null;
    yield {
      get x() {
        return (x ??= rows(data.x, 'x'));
      },
      get y() {
        return (y ??= rows(data.y, 'y'));
      },
      sampleWeight: data.sampleWeight?.map((w) => w && takeRows(w, order, start, end)) ?? null,
      size: end - start,
      describeRow: (r) => `of sample ${order[start + r]}`,
    };
  }
}

function datasetData(
  model: TrainableModel,
  dataset: Dataset<unknown>,
  args: FitDataArgs,
  epochs: number,
  where: string,
  names: StepNames,
  validate: FitData['validate'],
): FitData {
  const reasons: Record<string, string> = {
    batchSize: 'the dataset yields its own batches',
    shuffle: 'shuffle the dataset itself (e.g. new DataLoader(x, y, { shuffle: true }))',
    validationSplit: 'give validationData instead',
    sampleWeight: 'put sampleWeight in the dataset elements ({ x, y, sampleWeight })',
  };
  for (const [key, reason] of Object.entries(reasons)) {
    if (args[key as keyof FitDataArgs] !== undefined)
      throw new ValueError(`${where}: ${key} is not taken with a dataset: ${reason}`);
  }
  const steps = args.stepsPerEpoch ?? null;
  if (steps !== null) checkPositiveInteger(where, names.steps, steps);
  const batches = new DatasetBatches(model, dataset, where, 'the dataset');
  if (batches.oneShot && steps === null && epochs > 1) throw oneShotError(where, 'the dataset', names.steps);
  const classWeight = checkClassWeight(where, args.classWeight, Math.max(model.outputNames.length, 1));
  let warned = false;
  return {
    epoch: (epoch) => batches.epoch(steps, epoch),
    steps: steps ?? batches.length,
    whole: null,
    classWeight,
    ranOut: (epoch) => {
      if (!batches.ranOut) return false;
      if (batches.oneShot) {
        console.warn(
          `${where}: the dataset ran out of data in epoch ${epoch + 1}; training stops. Make sure it can ` +
            `produce ${names.steps} × epochs batches (${steps} × ${epochs})`,
        );
        return true;
      }
      if (!warned)
        console.warn(
          `${where}: one pass of the dataset has fewer batches than ${names.steps} (${steps}); each epoch is one pass`,
        );
      warned = true;
      return false;
    },
    validate,
  };
}

/** Validation of one epoch from validationData (tensors or a dataset); null without it. */
function validation(
  model: TrainableModel,
  args: FitDataArgs,
  batchSize: number,
  epochs: number,
  where: string,
  names: StepNames,
): FitData['validate'] {
  const data = args.validationData;
  const vWhere = `${where} (validation)`;
  if (data === undefined) return null;
  if (isDataset(data)) {
    const steps = args.validationSteps ?? null;
    if (steps !== null) checkPositiveInteger(where, names.validationSteps, steps);
    const batches = new DatasetBatches(model, data, where, 'validationData');
    if (batches.oneShot && steps === null && epochs > 1)
      throw oneShotError(where, 'validationData', names.validationSteps);
    return async (epoch) => {
      const logs = await evaluateBatches(model, batches.epoch(steps, epoch), vWhere);
      if (logs === null)
        throw new ValueError(`${where}: validationData yielded no batches in epoch ${epoch + 1}`);
      return logs;
    };
  }
  const tuple = data as unknown;
  if (!Array.isArray(tuple) || tuple.length < 2 || tuple.length > 3)
    throw new ValueError(
      `${where}: validationData must be [x, y], [x, y, sampleWeight] or a dataset of { x, y } batches`,
    );
  const [xv, yv, wv] = tuple as unknown[];
  const val = readData(model, where, xv, yv, ['validationData[0]', 'validationData[1]']);
  val.sampleWeight = readSampleWeight(where, wv, model.outputNames, val.y.length, val.x[0].shape[0]);
  return () => evaluateLists(model, val, batchSize, vWhere);
}

function oneShotError(where: string, what: string, stepsName: string): ValueError {
  return new ValueError(
    `${where}: ${what} is a one-shot iterator (a generator object), which cannot start over each epoch: ` +
      `give ${stepsName} (batches per epoch; each epoch continues where the last one stopped), or pass a ` +
      're-iterable dataset (an array of batches, a DataLoader, or an object whose [Symbol.iterator] or ' +
      '[Symbol.asyncIterator] method returns a fresh generator)',
  );
}
