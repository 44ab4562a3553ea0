/** evaluate and predict: batched inference-mode passes without a graph. */
import { type Tensor, noGrad, zeros } from '@zen/autograd-core';
import type { Logs } from '../callbacks/callback';
import type { TrainableModel } from './trainable';
import { checkEvaluateArgs, checkPredictArgs } from './options';
import { withDataShapes } from './errors';
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

export interface EvaluateArgs {
  /** Samples per forward pass; default 32. */
  batchSize?: number;
}

export interface PredictArgs {
  /** Samples per forward pass; default 32. */
  batchSize?: number;
}

/** Mean loss and metrics over (x, y) as evaluate takes them, weighted by batch size. */
export function evaluateModel(
  model: TrainableModel,
  x: unknown,
  y: unknown,
  args: EvaluateArgs,
  where: string,
): Logs {
  checkEvaluateArgs(args);
  model.checkCompiled(where);
  const batchSize = args.batchSize ?? 32;
  checkPositiveInteger(where, 'batchSize', batchSize);
  return evaluateLists(model, readData(model, where, x, y), batchSize, where);
}

/** Mean loss and metrics over checked lists of inputs and targets. */
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
      const batch = sliceLists(data, start, end);
      totals.add(
        withDataShapes(where, data.x, data.y, () => model.testStep(batch.x, batch.y, where)),
        end - start,
      );
    }
  });
  return totals.means();
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
      const batch = model.predictStep(
        xs.map((t) => sliceRows(t, start, end)),
        'predict',
      );
      outs ??= batch.map((b) => zeros([n, ...b.shape.slice(1)], { dtype: b.dtype }));
      batch.forEach((b, i) => {
        const rowSize = end > start ? b.size / (end - start) : 0;
        outs![i].data.set(b.data, start * rowSize);
      });
    }
    return outs!;
  });
}
