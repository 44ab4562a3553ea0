/** Checking and slicing training data: sample counts, non-finite values, batches of rows. */
import { Tensor, zeros } from '@zen/autograd-core';
import { formatSymbolicShape } from '../shapes';

/** Throws unless `t` is a Tensor with a batch axis. */
export function checkTensor(where: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor))
    throw new Error(`${where}: ${name} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (t.ndim === 0) throw new Error(`${where}: ${name} must have a batch (sample) axis, got a scalar`);
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

/** Throws naming the sample when `t` holds NaN or ±Infinity. */
export function checkFinite(where: string, name: string, t: Tensor): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v - v !== 0) {
      const rowSize = t.size / t.shape[0];
      throw new Error(
        `${where}: ${name} contains ${Number.isNaN(v) ? 'NaN' : v} at sample ${Math.floor(i / rowSize)} (flat index ${i})`,
      );
    }
  }
}

/** Rows [start, end) as a view sharing `t`'s data (no copy). */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  if (start === 0 && end === t.shape[0]) return t;
  const rowSize = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  return new Tensor(t.data.subarray(start * rowSize, end * rowSize), [end - start, ...t.shape.slice(1)]);
}

/** The rows `order[start..end)` copied into a new tensor. */
export function takeRows(t: Tensor, order: Int32Array, start: number, end: number): Tensor {
  const rowSize = t.size / t.shape[0];
  const out = zeros([end - start, ...t.shape.slice(1)], { dtype: t.dtype });
  const src = t.data;
  const dst = out.data;
  for (let i = start; i < end; i++) {
    const from = order[i] * rowSize;
    dst.set(src.subarray(from, from + rowSize), (i - start) * rowSize);
  }
  return out;
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
