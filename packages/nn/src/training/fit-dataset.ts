/** tfjs's `model.fitDataset(dataset, args)`: fit on a dataset with tfjs's option names. */
import type { History } from '../callbacks/history';
import type { CallbackLike } from '../callbacks/callback';
import type { TrainableModel } from './trainable';
import { type FitArgs, fitModel } from './fit';
import { checkFitDatasetArgs } from './options';
import { isDataset } from './dataset';
import type { ValidationData } from './fit-data';
import type { YieldEvery } from './event-loop';
import type { ClassWeight } from './sample-weights';

/** tfjs's ModelFitDatasetArgs. */
export interface FitDatasetArgs {
  /** Index of the last epoch + 1 (default 1). */
  epochs?: number;
  /** Batches per epoch (default: one pass of the dataset). A one-shot iterator needs it for several epochs. */
  batchesPerEpoch?: number;
  /** A dataset, or [xs, ys] tensors, evaluated after every epoch. */
  validationData?: ValidationData;
  /** Batches per validation with a validation dataset (default: one pass). */
  validationBatches?: number;
  callbacks?: CallbackLike[];
  verbose?: 0 | 1 | 2;
  initialEpoch?: number;
  yieldEvery?: YieldEvery;
  classWeight?: ClassWeight;
}

export function fitDatasetModel(
  model: TrainableModel,
  dataset: unknown,
  args: FitDatasetArgs = {},
): Promise<History> {
  checkFitDatasetArgs(args);
  if (!isDataset(dataset))
    throw new Error(
      'fitDataset: expected a dataset (an iterable or async iterable of { xs, ys } or { x, y } batches); for tensors use fit(x, y, options)',
    );
  const { batchesPerEpoch, validationBatches, ...rest } = args;
  const fitArgs: FitArgs = { ...rest };
  if (batchesPerEpoch !== undefined) fitArgs.stepsPerEpoch = batchesPerEpoch;
  if (validationBatches !== undefined) fitArgs.validationSteps = validationBatches;
  return fitModel(model, dataset, fitArgs, undefined, 'fitDataset', {
    steps: 'batchesPerEpoch',
    validationSteps: 'validationBatches',
  });
}
