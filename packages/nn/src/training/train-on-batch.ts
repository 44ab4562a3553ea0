/** model.trainOnBatch(x, y, { sampleWeight, classWeight }): one update on one batch (Keras's train_on_batch). */
import type { Logs } from '../callbacks/callback';
import type { TrainableModel } from './trainable';
import { readData } from './data';
import { checkTrainOnBatchArgs } from './options';
import { type ClassWeight, type SampleWeight, checkClassWeight, readSampleWeight } from './sample-weights';

export interface TrainOnBatchArgs {
  /** One weight per sample of the batch (per output: an array or an object by output name). */
  sampleWeight?: SampleWeight;
  /** Weight of each class, `{ 0: 1, 1: 5 }` (single-output models). */
  classWeight?: ClassWeight;
}

export function trainOnBatchModel(
  model: TrainableModel,
  x: unknown,
  y: unknown,
  args: TrainOnBatchArgs = {},
): Logs {
  const where = 'trainOnBatch';
  checkTrainOnBatchArgs(args);
  model.checkCompiled(where);
  const data = readData(model, where, x, y);
  const samples = data.x[0].shape[0];
  const sampleWeight = readSampleWeight(where, args.sampleWeight, model.outputNames, data.y.length, samples);
  const classWeight = checkClassWeight(where, args.classWeight, data.y.length);
  const weights = sampleWeight || classWeight ? { sampleWeight, classWeight } : undefined;
  return model.randomStream.run(() => model.trainStep(data.x, data.y, where, weights));
}
