/** evaluate and predict: batched inference-mode passes without a graph. */
import { type Tensor, noGrad, scratchScope, zeros } from '@zen/autograd-core';
import type { Logs } from '../callbacks/callback';
import type { TrainableModel } from './trainable';
import { checkEvaluateArgs, checkEvaluateDatasetArgs, checkPredictArgs } from './options';
import { inBatch } from './errors';
import {
  type DataLists,
  LogAverager,
  checkFinite,
  checkPositiveInteger,
  checkSampleLists,
  readData,
  sliceLists,
  sliceRows,
  toTensorList,
} from './data';
import { type Batch, type Dataset, DatasetBatches, isDataset } from './dataset';
import { type SampleWeight, readSampleWeight } from './sample-weights';

export interface EvaluateArgs {
  /** Samples per forward pass; default 32 (not with a dataset: its batches are used as they come). */
  batchSize?: number;
  /** Per-sample weights of the loss, as fit's (not with a dataset: its elements carry them). */
  sampleWeight?: SampleWeight;
  /** With a dataset: the number of batches to evaluate (default: one pass, to its end). */
  steps?: number;
}

/** tfjs's evaluateDataset options. */
export interface EvaluateDatasetArgs {
  /** Number of batches to evaluate (default: one pass, to the dataset's end). */
  batches?: number;
}

export interface PredictArgs {
  /** Samples per forward pass; default 32. */
  batchSize?: number;
}

/**
 * Mean loss and metrics over (x, y) as evaluate takes them, weighted by batch size; over
 * a dataset (x a dataset, y the options) it returns a promise.
 */
export function evaluateModel(
  model: TrainableModel,
  x: unknown,
  y: unknown,
  args: EvaluateArgs | undefined,
  where: string,
): Logs | Promise<Logs> {
  if (isDataset(x)) return evaluateDatasetWithArgs(model, x, y, args, where);
  const options = args ?? {};
  checkEvaluateArgs(options);
  model.checkCompiled(where);
  const batchSize = options.batchSize ?? 32;
  checkPositiveInteger(where, 'batchSize', batchSize);
  if (options.steps !== undefined)
    throw new Error(
      `${where}: steps is for datasets; with tensors every sample is evaluated (set batchSize)`,
    );
  const data = readData(model, where, x, y);
  const n = data.x[0].shape[0];
  data.sampleWeight = readSampleWeight(where, options.sampleWeight, model.outputNames, data.y.length, n);
  return warnOnNaN(model, evaluateLists(model, data, batchSize, where), where);
}

/** evaluate(dataset, { steps }): the checks, then the pass (a promise, so errors reject it). */
async function evaluateDatasetWithArgs(
  model: TrainableModel,
  dataset: Dataset<unknown>,
  y: unknown,
  args: EvaluateArgs | undefined,
  where: string,
): Promise<Logs> {
  if (args !== undefined)
    throw new Error(`${where}: with a dataset, pass the options second: ${where}(dataset, { steps })`);
  const options = (y ?? {}) as EvaluateArgs;
  checkEvaluateArgs(options);
  for (const key of ['batchSize', 'sampleWeight'] as const) {
    if (options[key] !== undefined)
      throw new Error(
        `${where}: ${key} is not taken with a dataset (its elements are batches${key === 'sampleWeight' ? ' and carry { sampleWeight }' : ''})`,
      );
  }
  return evaluateDataset(model, dataset, options.steps, where, 'steps');
}

/** tfjs's `evaluateDataset(dataset, { batches })`. */
export async function evaluateDatasetModel(
  model: TrainableModel,
  dataset: unknown,
  args: EvaluateDatasetArgs = {},
): Promise<Logs> {
  checkEvaluateDatasetArgs(args);
  if (!isDataset(dataset))
    throw new Error(
      'evaluateDataset: expected a dataset (an iterable or async iterable of { x, y } / { xs, ys } batches)',
    );
  return evaluateDataset(model, dataset, args.batches, 'evaluateDataset', 'batches');
}

async function evaluateDataset(
  model: TrainableModel,
  dataset: Dataset<unknown>,
  steps: number | undefined,
  where: string,
  stepsName: string,
): Promise<Logs> {
  model.checkCompiled(where);
  if (steps !== undefined) checkPositiveInteger(where, stepsName, steps);
  const batches = new DatasetBatches(model, dataset, where, 'the dataset');
  const logs = await evaluateBatches(model, batches.epoch(steps ?? null, 0), where);
  if (logs === null) throw new Error(`${where}: the dataset yielded no batches`);
  return warnOnNaN(model, logs, where);
}

/** Mean loss and metrics over checked lists of inputs and targets (and sample weights). */
export function evaluateLists(
  model: TrainableModel,
  data: DataLists,
  batchSize: number,
  where: string,
): Logs {
  const n = data.x[0].shape[0];
  const totals = new LogAverager(model.resetMetricStates());
  noGrad(() => {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const batch = {
        ...sliceLists(data, start, end),
        size: end - start,
        describeRow: (r: number) => `of sample ${start + r}`,
      };
      testBatch(model, totals, batch, where, data);
    }
  });
  return totals.means();
}

/** Mean loss and metrics over batches from a dataset; null when there were none. */
export async function evaluateBatches(
  model: TrainableModel,
  batches: AsyncIterable<Batch>,
  where: string,
): Promise<Logs | null> {
  const totals = new LogAverager(model.resetMetricStates());
  let count = 0;
  for await (const batch of batches) {
    testBatch(model, totals, batch, where, null);
    count++;
  }
  return count > 0 ? totals.means() : null;
}

/** One test step, its logs added to the running means. */
function testBatch(
  model: TrainableModel,
  totals: LogAverager,
  batch: Batch,
  where: string,
  whole: DataLists | null,
): void {
  const weights = batch.sampleWeight ? { sampleWeight: batch.sampleWeight, classWeight: null } : undefined;
  totals.add(
    inBatch(where, batch, whole, () => model.testStep(batch.x, batch.y, where, weights)),
    batch.size,
  );
}

/** A NaN loss from evaluate is worth a warning that says where to look. */
function warnOnNaN(model: TrainableModel, logs: Logs, where: string): Logs {
  if (!Number.isNaN(logs.loss)) return logs;
  const bad = model.namedWeights().find(({ weight }) => !allFinite(weight.value.data));
  const weights = bad
    ? `weight '${bad.name}' holds NaN or Infinity (did a fit diverge? lower the learning rate, or add a TerminateOnNaN callback)`
    : 'the weights are finite';
  console.warn(
    `${where}: the loss is NaN. Check the model: ${weights}. x and y were checked and are finite, so check ` +
      'also that the loss suits the targets and outputs (probabilities for cross-entropies on probabilities, ' +
      'no log or division of zero in a custom loss or layer)',
  );
  return logs;
}

function allFinite(d: ArrayLike<number>): boolean {
  for (let i = 0; i < d.length; i++) if (d[i] - d[i] !== 0) return false;
  return true;
}

/** The model's outputs for every row of x, computed batch by batch: one tensor per output. */
export function predictModel(model: TrainableModel, x: unknown, args: PredictArgs): Tensor[] {
  checkPredictArgs(args);
  const xs = toTensorList('predict', 'x', x, model.inputNames);
  const batchSize = args.batchSize ?? 32;
  checkPositiveInteger('predict', 'batchSize', batchSize);
  if (xs.length > 1) checkSampleLists('predict', xs.slice(0, 1), xs.slice(1), 'x[0]', 'x[1..]');
  xs.forEach((t, i) => checkFinite('predict', xs.length > 1 ? `x[${i}]` : 'x', t));
  const n = xs[0].shape[0];
  return noGrad(() => {
    let outs: Tensor[] | null = null;
    for (let start = 0; start < Math.max(n, 1); start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const predictBatch = () => {
        const batch = model.predictStep(
          xs.map((t) => sliceRows(t, start, end)),
          'predict',
        );
        outs ??= batch.map((b) => zeros([n, ...b.shape.slice(1)], { dtype: b.dtype }));
        batch.forEach((b, i) => {
          const rowSize = end > start ? b.size / (end - start) : 0;
          outs![i].data.set(b.data, start * rowSize);
        });
      };
      // Later batches run in a scratch scope (as tfjs's predict disposes each batch's
      // tensors); the first runs outside one, because it also allocates the outputs.
      if (outs === null) predictBatch();
      else scratchScope(predictBatch);
    }
    return outs!;
  });
}
