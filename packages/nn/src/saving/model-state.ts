/**
 * What a saved model holds besides its topology: its weights by name, and (manifest group
 * 'optimizer') the optimiser's update count and per-parameter arrays and the model's random
 * stream, so training resumes exactly where it stopped.
 */
import { FormatError, RANDOM_STREAM_STATE_SIZE } from '@zen/autograd-core';
import type { RandomStream, Tensor } from '@zen/autograd-core';
import type { LayerWeight } from '../layers/layer';
import type { Optimizer, OptimizerState } from '../optimizers/optimizer';
import { OPTIMIZER_GROUP, type StoredDType, type WeightEntry } from './format';
import type { NamedArray } from './weights-codec';
import { decodeInto } from './weights-codec';

/** The parts of a model saving and loading use. */
export interface SavableModel {
  readonly className: string;
  name: string;
  readonly built: boolean;
  /** Every weight once, under a unique path ('dense/kernel', 'encoder/dense/kernel'), in a fixed order. */
  namedWeights(): { name: string; weight: LayerWeight }[];
  /** `{ className, config }` for modelConfig (rebuilt through the model registry); throws for models that cannot be described. */
  modelConfig(): { className: string; config: Record<string, unknown> };
  readonly optimizer: Optimizer | null;
  readonly randomStream: RandomStream;
  parameters(): Tensor[];
  getTrainingConfig(): Record<string, unknown> | null;
}

export const ITERATIONS_ENTRY = `${OPTIMIZER_GROUP}/iterations`;
export const RANDOM_STREAM_ENTRY = `${OPTIMIZER_GROUP}/random_stream`;

/** The stored dtype of a tensor (integer weights do not exist; anything not float64 is float32). */
export function storedDType(t: Tensor): StoredDType {
  return t.dtype === 'float64' ? 'float64' : 'float32';
}

/** Every weight of the model as 'layer/weight', in order. */
export function namedWeights(
  model: Pick<SavableModel, 'namedWeights'>,
): { name: string; weight: LayerWeight }[] {
  return model.namedWeights();
}

/** The model's weights as arrays to store. */
export function weightArrays(model: Pick<SavableModel, 'namedWeights'>): NamedArray[] {
  return namedWeights(model).map(({ name, weight }) => ({
    name,
    shape: weight.value.shape,
    dtype: storedDType(weight.value),
    values: weight.value.data,
    trainable: weight.trainable,
  }));
}

/** The name of a parameter's optimiser array. */
function slotEntryName(weightName: string, slot: string): string {
  return `${OPTIMIZER_GROUP}/${weightName}/${slot}`;
}

/** The random stream and (when compiled) the optimiser state, as arrays of group 'optimizer'. */
export function optimizerArrays(model: SavableModel): NamedArray[] {
  const group = OPTIMIZER_GROUP;
  const out: NamedArray[] = [];
  const optimizer = model.optimizer;
  if (optimizer) {
    const params = model.parameters();
    const nameOf = new Map(namedWeights(model).map(({ name, weight }) => [weight.value, name]));
    const state = optimizer.getState(params);
    out.push({
      name: ITERATIONS_ENTRY,
      shape: [],
      dtype: 'float64',
      values: [state.iterations],
      trainable: false,
      group,
    });
    for (const { index, name, values } of state.slots) {
      const param = params[index];
      out.push({
        name: slotEntryName(nameOf.get(param) ?? `parameter_${index}`, name),
        shape: param.shape,
        dtype: storedDType(param),
        values,
        trainable: false,
        group,
      });
    }
  }
  const stream = model.randomStream.getState();
  out.push({
    name: RANDOM_STREAM_ENTRY,
    shape: [stream.length],
    dtype: 'float64',
    values: stream,
    trainable: false,
    group,
  });
  return out;
}

/**
 * Restores the random stream and the optimiser state from the group-'optimizer' entries
 * (already checked to lie inside the file). Refuses entries naming unknown weights or
 * state, or shapes that do not match, naming `file`.
 */
export function restoreOptimizerState(
  model: SavableModel,
  entries: readonly WeightEntry[],
  view: DataView,
  file: string,
): void {
  const fail = (entry: WeightEntry, problem: string) =>
    new FormatError(`loadModel: ${file}: optimizer entry '${entry.name}' ${problem}`);
  const params = model.parameters();
  const byName = new Map(namedWeights(model).map(({ name, weight }) => [name, weight.value]));
  const optimizer = model.optimizer;
  const state: OptimizerState = { iterations: 0, slots: [] };
  let sawIterations = false;
  for (const entry of entries) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    const values = new Float64Array(size);
    if (entry.name === RANDOM_STREAM_ENTRY) {
      if (size !== RANDOM_STREAM_STATE_SIZE)
        throw fail(entry, `has ${size} values; a random stream state has ${RANDOM_STREAM_STATE_SIZE}`);
      decodeInto(view, entry, values);
      model.randomStream.setState(values, `loadModel: ${file}: optimizer entry '${entry.name}'`);
      continue;
    }
    if (!optimizer) throw fail(entry, 'is present but model.json has no compiled optimizer (trainingConfig)');
    if (entry.name === ITERATIONS_ENTRY) {
      if (size !== 1) throw fail(entry, `must hold one value, has shape [${entry.shape}]`);
      decodeInto(view, entry, values);
      if (!Number.isInteger(values[0]) || values[0] < 0)
        throw fail(entry, `must be a non-negative integer, got ${values[0]}`);
      state.iterations = values[0];
      sawIterations = true;
      continue;
    }
    const cut = entry.name.lastIndexOf('/');
    const weightName = entry.name.slice(OPTIMIZER_GROUP.length + 1, cut);
    const slot = entry.name.slice(cut + 1);
    const param = byName.get(weightName);
    const index = param ? params.indexOf(param) : -1;
    if (!entry.name.startsWith(`${OPTIMIZER_GROUP}/`) || cut <= OPTIMIZER_GROUP.length || !param || index < 0)
      throw fail(entry, 'names no trainable weight of the model');
    if (optimizer.slotNames && !optimizer.slotNames.includes(slot))
      throw fail(
        entry,
        `names state '${slot}', which ${optimizer.className} does not keep (${optimizer.slotNames.join(', ')})`,
      );
    const same = entry.shape.length === param.ndim && entry.shape.every((d, i) => d === param.shape[i]);
    if (!same)
      throw fail(entry, `has shape [${entry.shape}] but weight '${weightName}' has [${param.shape}]`);
    if (entry.dtype !== storedDType(param))
      throw fail(entry, `is ${entry.dtype} but weight '${weightName}' is ${storedDType(param)}`);
    decodeInto(view, entry, values);
    state.slots.push({ index, name: slot, values });
  }
  if (optimizer && (sawIterations || state.slots.length > 0)) {
    if (!sawIterations)
      throw new FormatError(`loadModel: ${file}: the optimizer state has no '${ITERATIONS_ENTRY}' entry`);
    optimizer.setState(params, state);
  }
}
