/** Reductions along axes (sum, mean, max, min, variance, logSumExp, argmax) and their rules. */
import { type Op, defineOp } from '../engine';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape';
import { type Axis, type Tensor, emptyTensor } from '../tensor';
import type { ReduceKernel } from '../kernels/reduce';
import { getBackend } from '../backend';
import { ShapeError } from '../errors';

interface ReduceAttrs {
  axes: number[]; // sorted, normalised
  keepDims: boolean;
}

/** Shape after reducing `axes`: kept as 1s or dropped. */
function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/**
 * Runs a one-axis kernel over each run of adjacent axes in turn (last run first so
 * indices stay valid); a run such as the [N, H, W] of a bias gradient is one pass.
 */
function reduceForward(kernel: ReduceKernel, x: Tensor, { axes, keepDims }: ReduceAttrs, op: string): Tensor {
  let data = x.data;
  const shape = [...x.shape];
  for (let i = axes.length - 1; i >= 0; i--) {
    let first = i;
    if (kernel === 'sum' || kernel === 'max' || kernel === 'min') {
      while (first > 0 && axes[first - 1] === axes[first] - 1) first--;
    }
    const ax = axes[first];
    const last = axes[i];
    const n = sizeOf(shape.slice(ax, last + 1));
    if (n === 0 && kernel !== 'sum') {
      const empty = axes.slice(first, i + 1).find((a) => x.shape[a] === 0);
      throw new ShapeError(`${op}: cannot reduce an empty axis ${empty} of shape [${x.shape}]`);
    }
    const outer = sizeOf(shape.slice(0, ax));
    const inner = sizeOf(shape.slice(last + 1));
    for (let a = ax; a <= last; a++) shape[a] = 1;
    const out = emptyTensor(shape, x.dtype).data;
    getBackend().reduceAxis(kernel, data, outer, n, inner, out);
    data = out;
    i = first;
  }
  const result = emptyTensor(reducedShape(x.shape, axes, keepDims), x.dtype);
  result.data.set(data);
  return result;
}

/** Brings a reduced gradient back to the input's shape (re-insert the axes, then broadcast). */
function expandReduced(g: Tensor, inputShape: readonly number[], attrs: ReduceAttrs): Tensor {
  const kept = attrs.keepDims ? g : g.reshape(reducedShape(inputShape, attrs.axes, true));
  return kept.broadcastTo(inputShape);
}

const sumOp: Op<ReduceAttrs> = defineOp<ReduceAttrs>({
  name: 'sum',
  forward: ([x], attrs) => reduceForward('sum', x, attrs, 'sum'),
  vjp: (g, [x], _o, attrs) => [expandReduced(g, x.shape, attrs)],
  jvp: ([t], _x, _o, attrs) => sumOp([t!], attrs),
});

// The gradient of max goes to the elements equal to the maximum, shared equally between ties.
function extremumReduce(kernel: 'max' | 'min') {
  const selector = (x: Tensor, out: Tensor, attrs: ReduceAttrs): Tensor => {
    const mask = x.equal(expandReduced(out.detach(), x.shape, attrs)).astype(out.dtype);
    const count = sumOp([mask], { axes: attrs.axes, keepDims: true });
    return mask.div(count);
  };
  const op = defineOp<ReduceAttrs>({
    name: kernel,
    forward: ([x], attrs) => reduceForward(kernel, x, attrs, kernel),
    vjp: (g, [x], out, attrs) => [expandReduced(g, x.shape, attrs).mul(selector(x, out, attrs))],
    jvp: ([t], [x], out, attrs) => sumOp([t!.mul(selector(x, out, attrs))], attrs),
  });
  return op;
}
const maxOp = extremumReduce('max');
const minOp = extremumReduce('min');

function attrsFor(op: string, x: Tensor, axis: Axis | undefined, keepDims: boolean): ReduceAttrs {
  return { axes: normalizeAxes(op, axis, x.ndim), keepDims };
}

/** Sum over `axis` (all axes when omitted). */
export function sum(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  return sumOp([x], attrsFor('sum', x, axis, keepDims));
}

/** Mean over `axis` (all axes when omitted). */
export function mean(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  const attrs = attrsFor('mean', x, axis, keepDims);
  const count = attrs.axes.reduce((n, a) => n * x.shape[a], 1);
  const total = sumOp([x.dtype === 'int32' ? x.astype('float32') : x], attrs);
  return total.div(count);
}

/** Maximum over `axis`; the gradient is shared between tied maxima. */
export function max(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  return maxOp([x], attrsFor('max', x, axis, keepDims));
}

/** Minimum over `axis`. */
export function min(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  return minOp([x], attrsFor('min', x, axis, keepDims));
}

/** Population variance (divides by N, as numpy and Keras) over `axis`. */
export function variance(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  const centred = x.sub(mean(x, axis, true));
  return mean(centred.square(), axis, keepDims);
}

/** log Σ e^x over `axis`, computed as m + log Σ e^(x − m) with m = max x so it never overflows. */
export function logSumExp(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  const m = max(x, axis, true).detach(); // any constant shift is exact, so m needs no gradient
  const shifted = sum(x.sub(m).exp(), axis, true).log().add(m);
  return keepDims
    ? shifted
    : shifted.reshape(reducedShape(x.shape, normalizeAxes('logSumExp', axis, x.ndim), false));
}

function argReduce(kernel: 'argmax' | 'argmin', x: Tensor, axis?: number): Tensor {
  const flat = axis === undefined ? x.reshape([x.size]) : x;
  const ax = axis === undefined ? 0 : normalizeAxis(kernel, axis, x.ndim);
  const n = flat.shape[ax];
  if (n === 0) throw new ShapeError(`${kernel}: cannot take ${kernel} of an empty axis`);
  const outer = sizeOf(flat.shape.slice(0, ax));
  const inner = sizeOf(flat.shape.slice(ax + 1));
  const out = emptyTensor(reducedShape(flat.shape, [ax], false), 'int32');
  getBackend().reduceAxis(kernel, flat.data, outer, n, inner, out.data);
  return out;
}

/** Index of the largest value along `axis` (of the flattened tensor when omitted); int32, no gradient. */
export const argmax = (x: Tensor, axis?: number): Tensor => argReduce('argmax', x, axis);
/** Index of the smallest value along `axis`; int32, no gradient. */
export const argmin = (x: Tensor, axis?: number): Tensor => argReduce('argmin', x, axis);
