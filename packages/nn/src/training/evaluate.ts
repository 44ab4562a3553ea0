/** evaluate and predict: batched inference-mode passes without a graph. */
import { Tensor, noGrad, zeros } from '@zen/autograd-core';
import type { Sequential } from '../models/sequential';
import { Logs } from '../callbacks/callback';
import { checkEvaluateArgs, checkPredictArgs } from './options';
import { withDataShapes } from './errors';
import { LogAverager, checkFinite, checkPositiveInteger, checkSamples, checkTensor, sliceRows } from './data';

export interface EvaluateArgs {
  /** Samples per forward pass; default 32. */
  batchSize?: number;
}

export interface PredictArgs {
  /** Samples per forward pass; default 32. */
  batchSize?: number;
}

/** Mean loss and metrics over (x, y), weighted by batch size. */
export function evaluateModel(
  model: Sequential,
  x: Tensor,
  y: Tensor,
  args: EvaluateArgs,
  where: string,
  checkData = true,
): Logs {
  checkEvaluateArgs(args);
  model.requireCompiled(where);
  const batchSize = args.batchSize ?? 32;
  checkPositiveInteger(where, 'batchSize', batchSize);
  if (checkData) {
    checkSamples(where, x, y);
    checkFinite(where, 'x', x);
    checkFinite(where, 'y', y);
  }
  const n = x.shape[0];
  const totals = new LogAverager(model.resetMetricStates());
  noGrad(() => {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const xb = sliceRows(x, start, end);
      const yb = sliceRows(y, start, end);
      withDataShapes(where, x, y, () => {
        const { loss, predictions } = model.computeLoss(xb, yb, false, where);
        totals.add({ loss: loss.item(), ...model.computeMetrics(yb, predictions) }, end - start);
      });
    }
  });
  return totals.means();
}

/** The model's outputs for every row of x, computed batch by batch into one tensor. */
export function predictModel(model: Sequential, x: Tensor, args: PredictArgs): Tensor {
  checkPredictArgs(args);
  checkTensor('predict', 'x', x);
  const batchSize = args.batchSize ?? 32;
  checkPositiveInteger('predict', 'batchSize', batchSize);
  checkFinite('predict', 'x', x);
  const n = x.shape[0];
  return noGrad(() => {
    let out: Tensor | null = null;
    let rowSize = 0;
    for (let start = 0; start < Math.max(n, 1); start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const batch = model.call(sliceRows(x, start, end), { training: false });
      if (!out) {
        rowSize = end > start ? batch.size / (end - start) : 0;
        out = zeros([n, ...batch.shape.slice(1)], { dtype: batch.dtype });
      }
      out.data.set(batch.data, start * rowSize);
    }
    return out!;
  });
}
