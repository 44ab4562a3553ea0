/** Option names of compile, fit, evaluate and predict (checked on every call: unknown keys are errors). */
import { checkOptions } from '@zen/autograd-core';
import { optionNames } from '../options';
import type { CompileArgs } from '../models/model';
import type { FitArgs } from './fit';
import type { EvaluateArgs, EvaluateDatasetArgs, PredictArgs } from './evaluate';
import type { FitDatasetArgs } from './fit-dataset';
import type { TrainOnBatchArgs } from './train-on-batch';
import type { LossConfig } from './loss-spec';

const COMPILE = optionNames<CompileArgs>()(['optimizer', 'loss', 'lossWeights', 'metrics']);
const FIT = optionNames<FitArgs>()([
  'epochs',
  'batchSize',
  'shuffle',
  'validationSplit',
  'validationData',
  'callbacks',
  'verbose',
  'initialEpoch',
  'yieldEvery',
  'sampleWeight',
  'classWeight',
  'stepsPerEpoch',
  'validationSteps',
]);
const FIT_DATASET = optionNames<FitDatasetArgs>()([
  'epochs',
  'batchesPerEpoch',
  'validationData',
  'validationBatches',
  'callbacks',
  'verbose',
  'initialEpoch',
  'yieldEvery',
  'classWeight',
]);
const EVALUATE = optionNames<EvaluateArgs>()(['batchSize', 'sampleWeight', 'steps']);
const TRAIN_ON_BATCH = optionNames<TrainOnBatchArgs>()(['sampleWeight', 'classWeight']);
const EVALUATE_DATASET = optionNames<EvaluateDatasetArgs>()(['batches']);
const PREDICT = optionNames<PredictArgs>()(['batchSize']);
const LOSS_CONFIG = optionNames<LossConfig>()(['name', 'fromLogits', 'labelSmoothing', 'delta']);

export function checkCompileArgs(args: unknown): void {
  checkOptions({ call: 'model.compile', positional: 'optimizer' }, args, COMPILE);
}

export function checkFitArgs(args: unknown, call = 'model.fit'): void {
  checkOptions({ call, positional: 'epochs', before: 'x, y, ' }, args, FIT);
}

export function checkFitDatasetArgs(args: unknown): void {
  checkOptions({ call: 'model.fitDataset', positional: 'epochs', before: 'dataset, ' }, args, FIT_DATASET);
}

export function checkTrainOnBatchArgs(args: unknown): void {
  checkOptions(
    { call: 'model.trainOnBatch', positional: 'sampleWeight', before: 'x, y, ' },
    args,
    TRAIN_ON_BATCH,
  );
}

export function checkEvaluateArgs(args: unknown): void {
  checkOptions({ call: 'model.evaluate', positional: 'batchSize', before: 'x, y, ' }, args, EVALUATE);
}

export function checkEvaluateDatasetArgs(args: unknown): void {
  checkOptions(
    { call: 'model.evaluateDataset', positional: 'batches', before: 'dataset, ' },
    args,
    EVALUATE_DATASET,
  );
}

export function checkPredictArgs(args: unknown): void {
  checkOptions({ call: 'model.predict', positional: 'batchSize', before: 'x, ' }, args, PREDICT);
}

export function checkLossConfig(config: unknown): void {
  checkOptions({ call: 'model.compile: loss config', positional: 'name' }, config, LOSS_CONFIG);
}
