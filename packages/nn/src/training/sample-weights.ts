/**
 * fit's and evaluate's `sampleWeight` and `classWeight` (Keras semantics): per-sample
 * weights of each output's loss, and a map class → weight that gives every sample the
 * weight of its class (its sparse label, the argmax of its one-hot row, or its 0/1 label
 * for a single sigmoid unit). When both are given the weights multiply (Keras). Metrics
 * are not weighted (Keras's `metrics`). The weighted loss is reduced as loss-weights.ts says.
 */
import { Tensor, ValueError } from '@zen/autograd-core';
import { TargetError, rowOf } from '../loss-targets';
import { checkWeightValues } from '../loss-weights';
import { describeValue } from '../describe';
import { formatSymbolicShape } from '../shapes';

/** `classWeight`: class index → weight; classes left out weigh 1. */
export type ClassWeight = Record<number, number>;

/** fit's and evaluate's `sampleWeight`: one tensor for every output, one per output in order, or by output name. */
export type SampleWeight = Tensor | Tensor[] | Record<string, Tensor>;

/** The weights of one batch as a train or test step takes them. */
export interface StepWeights {
  /** One [N] (or [N, T]) tensor per output, or null where an output is not weighted. */
  sampleWeight: (Tensor | null)[] | null;
  classWeight: ClassWeight | null;
}

/**
 * Reads `sampleWeight` into one tensor (or null) per output and checks each: one weight
 * per sample of the data (`samples`), finite and non-negative. `describeRow` names a
 * sample of the user's data in messages.
 */
export function readSampleWeight(
  where: string,
  value: unknown,
  outputNames: readonly string[],
  outputCount: number,
  samples: number,
): (Tensor | null)[] | null {
  if (value === undefined || value === null) return null;
  let list: (Tensor | null)[];
  if (value instanceof Tensor) list = Array.from({ length: outputCount }, () => value);
  else if (Array.isArray(value)) {
    if (value.length !== outputCount)
      throw new ValueError(
        `${where}: sampleWeight lists ${value.length} tensors but the model has ${outputCount} outputs`,
      );
    list = value as (Tensor | null)[];
  } else if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, Tensor>;
    for (const key of Object.keys(record))
      if (!outputNames.includes(key))
        throw new ValueError(
          `${where}: sampleWeight names '${key}', which is not an output (outputs: ${outputNames.join(', ') || 'unnamed'})`,
        );
    list = outputNames.map((n) => record[n] ?? null);
  } else {
    throw new ValueError(
      `${where}: sampleWeight must be a Tensor (one weight per sample), an array or an object by output name, got ${describeValue(value)}`,
    );
  }
  list.forEach((w, i) => {
    if (w === null || w === undefined) return;
    const name = outputCount > 1 ? `sampleWeight[${i}]` : 'sampleWeight';
    if (!(w instanceof Tensor))
      throw new ValueError(`${where}: ${name} must be a Tensor, got ${describeValue(w)}`);
    if (w.ndim === 0 || w.shape[0] !== samples) {
      throw new ValueError(
        `${where}: ${name} has shape ${formatSymbolicShape(w.shape)} but the data has ${samples} samples: ` +
          `give one weight per sample (shape [${samples}])`,
      );
    }
    checkWeightValues(where, name, w, (j) => `sample ${rowOf(w, j)}`);
  });
  return list.map((w) => w ?? null);
}

/** Checks `classWeight` (a map class index → finite non-negative weight) for a model with `outputCount` outputs. */
export function checkClassWeight(where: string, value: unknown, outputCount: number): ClassWeight | null {
  if (value === undefined || value === null) return null;
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    Object.getPrototypeOf(value) !== Object.prototype
  ) {
    throw new ValueError(
      `${where}: classWeight must be an object mapping class indices to weights, e.g. { 0: 1, 1: 5 }, got ${describeValue(value)}`,
    );
  }
  if (outputCount > 1)
    throw new ValueError(
      `${where}: classWeight is for models with one output (as Keras); weight the samples of each output with sampleWeight`,
    );
  for (const [key, w] of Object.entries(value as Record<string, unknown>)) {
    if (!/^(0|[1-9]\d*)$/.test(key))
      throw new ValueError(`${where}: classWeight has a key '${key}' that is not a class index (0, 1, 2, …)`);
    if (typeof w !== 'number' || !(w >= 0 && w < Infinity))
      throw new ValueError(
        `${where}: classWeight[${key}] is ${String(w)}; weights must be finite and non-negative`,
      );
  }
  return value as ClassWeight;
}

/**
 * The per-sample weights of output `i` for one batch (undefined when it is not weighted):
 * its sampleWeight, times the weight of each target's class when classWeight is given.
 * `yPred` (probabilities or logits) tells the number of classes.
 */
export function outputWeights(
  weights: StepWeights | undefined,
  i: number,
  yTrue: Tensor,
  yPred: Tensor,
  where: string,
): Tensor | undefined {
  if (!weights) return undefined;
  const sample = weights.sampleWeight?.[i] ?? undefined;
  if (!weights.classWeight) return sample;
  const perClass = classWeights(weights.classWeight, yTrue, yPred, where);
  if (!sample) return perClass;
  // A per-sample weight [N] multiplies every class weight of its sample ([N] or [N, T]).
  const rows = sample.shape[0];
  const flat = sample.reshape([rows, ...perClass.shape.slice(1).map(() => 1)]);
  return perClass.mul(flat.dtype === perClass.dtype ? flat : flat.astype(perClass.dtype));
}

/** Each target's class weight: shape of the labels (yTrue without its one-hot class axis). */
function classWeights(classWeight: ClassWeight, yTrue: Tensor, yPred: Tensor, where: string): Tensor {
  const units = yPred.shape[yPred.ndim - 1];
  const classes = units === 1 ? 2 : units; // one sigmoid unit: labels 0 and 1
  for (const key of Object.keys(classWeight)) {
    if (Number(key) >= classes) {
      throw new ValueError(
        `${where}: classWeight names class ${key}, but the model's output (shape ${formatSymbolicShape(yPred.shape)}) ` +
          `has ${classes} classes (0 to ${classes - 1})`,
      );
    }
  }
  const table = new Float64Array(classes).fill(1);
  for (const [key, w] of Object.entries(classWeight)) table[Number(key)] = w;
  const oneHot = units > 1 && yTrue.size === yPred.size;
  const labelShape = oneHot ? yTrue.shape.slice(0, -1) : yPred.shape.slice(0, -1);
  const count = labelShape.reduce((n, dim) => n * dim, 1);
  if (yTrue.size !== count * (oneHot ? units : 1)) {
    throw new ValueError(
      `${where}: y of shape ${formatSymbolicShape(yTrue.shape)} does not match the output of shape ` +
        `${formatSymbolicShape(yPred.shape)} (classWeight needs one label or one-hot row per prediction)`,
    );
  }
  const out = new Tensor(new Float64Array(count), labelShape).astype(yPred.dtype);
  const d = yTrue.data;
  const o = out.data;
  for (let j = 0; j < o.length; j++) {
    let label: number;
    if (oneHot) {
      label = 0;
      for (let c = 1; c < units; c++) if (d[j * units + c] > d[j * units + label]) label = c;
    } else {
      label = d[j];
      if (!(Number.isInteger(label) && label >= 0 && label < classes)) {
        throw new TargetError(
          `${where}: classWeight needs class labels, but target ${label}`,
          `is not an integer class in [0, ${classes})`,
          rowOf(yTrue, j),
          j,
        );
      }
    }
    o[j] = table[label];
  }
  return out;
}
