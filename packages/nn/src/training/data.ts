/** Checking and slicing training data: sample counts, non-finite values, batches of rows. */
import { Tensor, gather, getBackend } from '@zen/autograd-core';
import { formatSymbolicShape } from '../shapes';
import { describeValue } from '../describe';
import type { TrainableModel } from './trainable';

/** Throws unless `t` is a Tensor with a batch axis. */
export function checkTensor(where: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor))
    throw new Error(`${where}: ${name} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (t.ndim === 0) throw new Error(`${where}: ${name} must have a batch (sample) axis, got a scalar`);
}

/**
 * x or y as a list of tensors in input/output order: from one tensor, an array, or an
 * object keyed by the `names` (empty `names`: any count, no object form).
 */
export function toTensorList(
  where: string,
  what: string,
  value: unknown,
  names: readonly string[],
): Tensor[] {
  const kind = what === 'x' ? 'input' : 'output';
  let list: unknown[];
  if (value instanceof Tensor) list = [value];
  else if (Array.isArray(value) && value.every((t) => t instanceof Tensor)) list = value;
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    if (names.length === 0)
      throw new Error(`${where}: ${what} given by name, but the model's ${kind}s have no names`);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!names.includes(key))
        throw new Error(
          `${where}: ${what} has an entry '${key}' that is not an ${kind} (${kind}s: ${names.join(', ')})`,
        );
    }
    list = names.map((n) => {
      if (!(n in record))
        throw new Error(`${where}: ${what} has no entry for ${kind} '${n}' (${kind}s: ${names.join(', ')})`);
      return record[n];
    });
  } else {
    throw new Error(
      `${where}: ${what} must be a Tensor, an array of Tensors or an object of Tensors, got ${describeValue(value)}`,
    );
  }
  if (names.length > 0 && list.length !== names.length) {
    throw new Error(
      `${where}: the model has ${names.length} ${kind}s (${names.join(', ')}) but ${what} holds ${list.length} tensor${list.length === 1 ? '' : 's'}`,
    );
  }
  list.forEach((t, i) =>
    checkTensor(where, list.length > 1 || names.length > 1 ? `${what}['${names[i] ?? i}']` : what, t),
  );
  return list as Tensor[];
}

/** Throws unless every tensor of xs and ys has the same (non-zero) number of samples. */
export function checkSampleLists(
  where: string,
  xs: readonly Tensor[],
  ys: readonly Tensor[],
  xName = 'x',
  yName = 'y',
): void {
  const named = [
    ...xs.map((t, i) => [xs.length > 1 ? `${xName}[${i}]` : xName, t] as const),
    ...ys.map((t, i) => [ys.length > 1 ? `${yName}[${i}]` : yName, t] as const),
  ];
  const [firstName, first] = named[0];
  for (const [name, t] of named.slice(1)) checkSamples(where, first, t, firstName, name);
  if (named.length === 1) checkSamples(where, first, first, firstName, firstName);
}

/** Inputs and targets as lists in input/output order. */
export interface DataLists {
  x: Tensor[];
  y: Tensor[];
  /** Per-output sample weights (sample-weights.ts), or null when the losses are not weighted. */
  sampleWeight?: (Tensor | null)[] | null;
}

/**
 * Reads x and y (a tensor, a list or an object by name) into lists, checking counts and
 * values (unless `checkValues` is false: the caller checks them as it reads them).
 */
export function readData(
  model: TrainableModel,
  where: string,
  x: unknown,
  y: unknown,
  names = ['x', 'y'],
  checkValues = true,
): DataLists {
  const xs = toTensorList(where, names[0], x, model.inputNames);
  const ys = toTensorList(where, names[1], y, model.outputNames);
  checkSampleLists(where, xs, ys, names[0], names[1]);
  if (!checkValues) return { x: xs, y: ys };
  xs.forEach((t, i) => checkFinite(where, xs.length > 1 ? `${names[0]}[${i}]` : names[0], t));
  ys.forEach((t, i) => checkFinite(where, ys.length > 1 ? `${names[1]}[${i}]` : names[1], t));
  return { x: xs, y: ys };
}

/** Rows [start, end) of every tensor. */
export function sliceLists(data: DataLists, start: number, end: number): DataLists {
  const rows = (t: Tensor) => sliceRows(t, start, end);
  return {
    x: data.x.map(rows),
    y: data.y.map(rows),
    sampleWeight: data.sampleWeight?.map((w) => w && rows(w)),
  };
}

/** Throws unless x and y are tensors with the same (non-zero) number of samples. */
export function checkSamples(where: string, x: unknown, y: unknown, xName = 'x', yName = 'y'): void {
  checkTensor(where, xName, x);
  checkTensor(where, yName, y);
  if (x.shape[0] !== y.shape[0]) {
    throw new Error(
      `${where}: ${xName} has ${x.shape[0]} samples (shape ${formatSymbolicShape(x.shape)}) but ${yName} has ` +
        `${y.shape[0]} (shape ${formatSymbolicShape(y.shape)}); they must match`,
    );
  }
  if (x.shape[0] === 0) throw new Error(`${where}: ${xName} and ${yName} hold no samples`);
}

/**
 * Throws naming the sample when `t` holds NaN or ±Infinity. `sampleOf(row)`: the index in
 * the user's data of t's row (t a slice or a gathered batch of it); the row itself by default.
 */
export function checkFinite(
  where: string,
  name: string,
  t: Tensor,
  sampleOf: (row: number) => number = (row) => row,
): void {
  const i = getBackend().indexOfNonFinite(t.data);
  if (i < 0) return;
  const v = t.data[i];
  const rowSize = t.size / t.shape[0];
  const sample = sampleOf(Math.floor(i / rowSize));
  throw new Error(
    `${where}: ${name} contains ${Number.isNaN(v) ? 'NaN' : v} at sample ${sample} (flat index ${sample * rowSize + (i % rowSize)})`,
  );
}

/** Rows [start, end) as a view sharing `t`'s data (no copy). */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  if (start === 0 && end === t.shape[0]) return t;
  const rowSize = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  return new Tensor(t.data.subarray(start * rowSize, end * rowSize), [end - start, ...t.shape.slice(1)]);
}

/** The rows `order[start..end)` copied into a new tensor (a gather, not recorded for gradients). */
export function takeRows(t: Tensor, order: Int32Array, start: number, end: number): Tensor {
  return gather(t.detach(), new Tensor(order.subarray(start, end), [end - start]));
}

/** Checks a positive integer option. */
export function checkPositiveInteger(where: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${where}: ${name} must be a positive integer, got ${value}`);
  }
}

/** Running weighted means of named values (epoch loss and metrics). */
export class LogAverager {
  private sums = new Map<string, number>();
  private weight = 0;
  private latest = new Map<string, number>();

  /** `exact`: keys of stateful metrics, whose latest value already covers every batch. */
  constructor(private readonly exact: ReadonlySet<string> = new Set()) {}

  add(values: Record<string, number>, weight: number): void {
    for (const [key, v] of Object.entries(values)) {
      if (this.exact.has(key)) this.latest.set(key, v);
      else this.sums.set(key, (this.sums.get(key) ?? 0) + v * weight);
    }
    this.weight += weight;
  }

  means(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, total] of this.sums) out[key] = total / this.weight;
    for (const [key, value] of this.latest) out[key] = value;
    return out;
  }
}
