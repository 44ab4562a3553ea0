/** Shape and layout ops: reshape, transpose, broadcast, slice, pad, concat, stack, split, gather. */
import { BoxGradient, type Op, defineOp } from '../engine';
import { type DType, allocate, promote } from '../dtype';
import { type Shape, broadcastShapes, formatShape, normalizeAxis, shapesEqual, sizeOf } from '../shape';
import { Tensor, emptyTensor, outputTensor } from '../tensor';
import { getBackend } from '../backend';
import { castData } from '../creation';
import { ShapeError, ValueError } from '../errors';

const reshapeOp: Op<{ shape: number[] }> = defineOp<{ shape: number[] }>({
  name: 'reshape',
  forward: ([x], { shape }) => new Tensor(x.data, shape), // a view: same data, new shape
  vjp: (g, [x]) => [g.reshape(x.shape)],
  jvp: ([t], _x, _o, { shape }) => t!.reshape(shape),
  viewsGradient: true,
});

/** The same elements in a new shape; one entry may be -1 (inferred). Shares data with `x`. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const resolved = [...shape];
  const unknown = resolved.indexOf(-1);
  if (unknown >= 0) {
    const known = resolved.reduce((n, d, i) => (i === unknown ? n : n * d), 1);
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`,
      );
    }
    resolved[unknown] = x.size / known;
  }
  if (resolved.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(resolved) !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`,
    );
  }
  if (shapesEqual(resolved, x.shape)) return x;
  return reshapeOp([x], { shape: resolved });
}

/** Collapses axes from `startAxis` on into one (all axes by default, as Zen's flatten). */
export function flatten(x: Tensor, startAxis = 0): Tensor {
  const start = x.ndim === 0 ? 0 : normalizeAxis('flatten', startAxis, x.ndim);
  return reshape(x, [...x.shape.slice(0, start), -1]);
}

/** Inserts an axis of length 1 at `axis`. */
export function expandDims(x: Tensor, axis: number): Tensor {
  const ax = normalizeAxis('expandDims', axis, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(ax, 0, 1);
  return reshape(x, shape);
}

/** Removes axes of length 1 (the given ones, or all). */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  const axes =
    axis === undefined
      ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
      : (typeof axis === 'number' ? [axis] : axis).map((a) => normalizeAxis('squeeze', a, x.ndim));
  for (const a of axes) {
    if (x.shape[a] !== 1)
      throw new ShapeError(`squeeze: axis ${a} of ${formatShape(x.shape)} has length ${x.shape[a]}, not 1`);
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}

const permuteOp: Op<{ perm: number[] }> = defineOp<{ perm: number[] }>({
  name: 'transpose',
  forward: ([x], { perm }) => {
    const out = emptyTensor(
      perm.map((p) => x.shape[p]),
      x.dtype,
    );
    getBackend().permute(x.data, x.shape, perm, out.data);
    return out;
  },
  vjp: (g, _x, _o, { perm }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [transpose(g, inverse)];
  },
  jvp: ([t], _x, _o, attrs) => permuteOp([t!], attrs),
});

/** Reorders axes (reverses them when `perm` is omitted, as numpy). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm
    ? perm.map((a) => normalizeAxis('transpose', a, x.ndim))
    : x.shape.map((_, i) => x.ndim - 1 - i);
  if (p.length !== x.ndim || new Set(p).size !== p.length) {
    throw new ShapeError(
      `transpose: [${perm}] is not a permutation of the ${x.ndim} axes of ${formatShape(x.shape)}`,
    );
  }
  if (p.every((a, i) => a === i)) return x;
  return permuteOp([x], { perm: p });
}

/** Alias of transpose with explicit axes (PyTorch's name). */
export const permute = (x: Tensor, perm: readonly number[]): Tensor => transpose(x, perm);

/** Swaps the last two axes (matrix transpose of each matrix in a batch). */
export function matrixTranspose(x: Tensor): Tensor {
  if (x.ndim < 2) throw new ShapeError(`matrixTranspose: need at least 2 axes, got ${formatShape(x.shape)}`);
  const perm = x.shape.map((_, i) => i);
  perm[x.ndim - 1] = x.ndim - 2;
  perm[x.ndim - 2] = x.ndim - 1;
  return transpose(x, perm);
}

const broadcastToOp: Op<{ shape: number[] }> = defineOp<{ shape: number[] }>({
  name: 'broadcastTo',
  forward: ([x], { shape }) => {
    const out = emptyTensor(shape, x.dtype);
    getBackend().broadcast(x.data, x.shape, shape, out.data);
    return out;
  },
  vjp: (g, [x]) => [sumToShape(g, x.shape)],
  jvp: ([t], _x, _o, attrs) => broadcastToOp([t!], attrs),
});

/** Repeats `x` along axes of length 1 (and new leading axes) to reach `shape`. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const target = broadcastShapes('broadcastTo', x.shape, shape);
  if (!shapesEqual(target, shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  if (shapesEqual(x.shape, shape)) return x;
  return broadcastToOp([x], { shape: [...shape] });
}

/** Sums a broadcast result back down to `shape` (the adjoint of broadcastTo). */
export function sumToShape(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const lead = x.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  }
  return x.sum(axes, true).reshape(shape);
}

interface BoxAttrs {
  begin: number[];
  size: number[];
}

const sliceOp: Op<BoxAttrs> = defineOp<BoxAttrs>({
  name: 'slice',
  forward: ([x], { begin, size }) => {
    const out = emptyTensor(size, x.dtype);
    getBackend().copyBox(x.data, x.shape, begin, out.data, size, new Array(size.length).fill(0), size);
    return out;
  },
  // The gradient is g inside the slice's box and zero elsewhere.
  vjp: (g, _x, _o, { begin }) => [new BoxGradient(g, begin)],
  jvp: ([t], _x, _o, attrs) => sliceOp([t!], attrs),
});

/** Places `x` into zeros of `shape` at offset `before` (the adjoint of slice). */
const padOp: Op<{ before: number[]; shape: number[] }> = defineOp<{ before: number[]; shape: number[] }>({
  name: 'pad',
  forward: ([x], { before, shape }) => {
    const out = emptyTensor(shape, x.dtype);
    getBackend().copyBox(x.data, x.shape, new Array(x.ndim).fill(0), out.data, shape, before, x.shape);
    return out;
  },
  vjp: (g, [x], _o, { before }) => [sliceOp([g], { begin: before, size: [...x.shape] })],
  jvp: ([t], _x, _o, attrs) => padOp([t!], attrs),
});

/**
 * The box starting at `begin` with extent `size` (-1: to the end), as tf.slice.
 * @example slice(x, [0, 1], [2, -1])
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  if (begin.length !== x.ndim || (size && size.length !== x.ndim)) {
    throw new ShapeError(
      `slice: begin [${begin}] and size [${size ?? ''}] need one entry per axis of ${formatShape(x.shape)}`,
    );
  }
  const b = begin.map((v, i) => (v < 0 ? v + x.shape[i] : v));
  const s = b.map((v, i) => (!size || size[i] === -1 ? x.shape[i] - v : size[i]));
  b.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || s[i] < 0 || v + s[i] > x.shape[i]) {
      throw new ShapeError(
        `slice: box begin [${begin}] size [${size ?? ''}] does not fit in ${formatShape(x.shape)}`,
      );
    }
  });
  if (s.every((v, i) => v === x.shape[i])) return x;
  return sliceOp([x], { begin: b, size: s });
}

/** Zero-pads each axis by [before, after] elements. */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[]): Tensor {
  if (paddings.length !== x.ndim) {
    throw new ShapeError(
      `pad: need ${x.ndim} [before, after] pairs for ${formatShape(x.shape)}, got ${paddings.length}`,
    );
  }
  const before = paddings.map((p) => p[0]);
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  if (before.concat(paddings.map((p) => p[1])).some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ValueError(`pad: paddings must be non-negative integers, got ${JSON.stringify(paddings)}`);
  }
  return padOp([x], { before, shape });
}

/** @internal Places `x` into zeros of `shape` at offset `begin` (a differentiable pad). */
export function padInto(x: Tensor, begin: readonly number[], shape: Shape): Tensor {
  return padOp([x], { before: [...begin], shape: [...shape] });
}

/** Joins tensors along an existing axis; their other axes must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('concat: need at least one tensor');
  const first = tensors[0];
  const ax = normalizeAxis('concat', axis, first.ndim);
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(
        `concat: shapes ${tensors.map((u) => formatShape(u.shape)).join(', ')} differ outside axis ${ax}`,
      );
    }
  }
  if (tensors.length === 1) return first;
  return concatOp(tensors, { axis: ax });
}

/** Where each piece of a concat starts along the axis. */
function concatOffsets(tensors: readonly Tensor[], axis: number): number[] {
  const offsets: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    offsets.push(offset);
    offset += t.shape[axis];
  }
  return offsets;
}

const concatOp: Op<{ axis: number }> = defineOp<{ axis: number }>({
  name: 'concat',
  forward: (tensors, { axis }) => {
    const shape = [...tensors[0].shape];
    shape[axis] = tensors.reduce((n, t) => n + t.shape[axis], 0);
    const out = emptyTensor(
      shape,
      tensors.reduce<DType>((d, t) => promote(d, t.dtype), 'int32'),
    );
    const offsets = concatOffsets(tensors, axis);
    tensors.forEach((t, i) => {
      const dstStart = new Array<number>(t.ndim).fill(0);
      dstStart[axis] = offsets[i];
      getBackend().copyBox(t.data, t.shape, new Array(t.ndim).fill(0), out.data, shape, dstStart, t.shape);
    });
    return out;
  },
  // Each piece's gradient is its slice of g.
  vjp: (g, tensors, _o, { axis }, needs) => {
    const offsets = concatOffsets(tensors, axis);
    return tensors.map((t, i) => {
      if (!needs[i]) return null;
      const begin = new Array<number>(t.ndim).fill(0);
      begin[axis] = offsets[i];
      return slice(g, begin, t.shape);
    });
  },
  jvp: (tangents, tensors, _o, attrs) =>
    concatOp(
      tangents.map((t, i) => t ?? emptyTensor(tensors[i].shape, tensors[i].dtype)),
      attrs,
    ),
});

/** Stacks same-shaped tensors along a new axis (Zen's `stack`). */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('stack: need at least one tensor');
  const first = tensors[0];
  for (const t of tensors) {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: all shapes must match, got ${tensors.map((u) => formatShape(u.shape)).join(', ')}`,
      );
    }
  }
  const ax = normalizeAxis('stack', axis, first.ndim + 1);
  return concat(
    tensors.map((t) => expandDims(t, ax)),
    ax,
  );
}

/** Splits along `axis` into equal parts (a number) or parts of the given sizes. */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const ax = normalizeAxis('split', axis, x.ndim);
  const n = x.shape[ax];
  let parts: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0 || n % sizes !== 0) {
      throw new ShapeError(`split: axis ${ax} of length ${n} cannot be split into ${sizes} equal parts`);
    }
    parts = new Array(sizes).fill(n / sizes);
  } else {
    parts = [...sizes];
    if (parts.reduce((a, b) => a + b, 0) !== n) {
      throw new ShapeError(`split: sizes [${parts}] do not add up to ${n}, the length of axis ${ax}`);
    }
  }
  let offset = 0;
  return parts.map((len) => {
    const begin = new Array<number>(x.ndim).fill(0);
    begin[ax] = offset;
    const size = [...x.shape];
    size[ax] = len;
    offset += len;
    return slice(x, begin, size);
  });
}

interface GatherAttrs {
  axis: number;
  length: number; // length of the indexed axis in the source
}

function checkIndices(op: string, indices: Tensor, length: number): void {
  const d = indices.data;
  for (let i = 0; i < d.length; i++) {
    if (!(d[i] >= 0 && d[i] < length) || !Number.isInteger(d[i])) {
      throw new ValueError(`${op}: index ${d[i]} at position ${i} is out of range [0, ${length})`);
    }
  }
}

/**
 * A list of indices as a tensor. Kept in float64 until `checkIndices` has seen it, so a
 * fractional or huge index is reported instead of being truncated or wrapped by Int32Array.
 */
function indexTensor(indices: Tensor | readonly number[]): Tensor {
  return indices instanceof Tensor ? indices : new Tensor(Float64Array.from(indices), [indices.length]);
}

/** Views a tensor around `axis` as [outer, length, inner]. */
function around(shape: readonly number[], axis: number): [number, number] {
  return [sizeOf(shape.slice(0, axis)), sizeOf(shape.slice(axis + 1))];
}

const gatherOp: Op<GatherAttrs> = defineOp<GatherAttrs>({
  name: 'gather',
  forward: ([x, indices], { axis, length }) => {
    const [outer, inner] = around(x.shape, axis);
    // gatherAxis writes every element: in a scratch scope the memory is not cleared first.
    const out = outputTensor(
      [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)],
      x.dtype,
    );
    getBackend().gatherAxis(x.data, outer, length, inner, indices.data, out.data);
    return out;
  },
  vjp: (g, [, indices], _o, attrs) => [scatterAddOp([g, indices], attrs), null],
  jvp: ([t], [, indices], _o, attrs) => gatherOp([t!, indices], attrs),
});

// Adds slices of g back at the gathered positions (repeated indices accumulate).
const scatterAddOp: Op<GatherAttrs> = defineOp<GatherAttrs>({
  name: 'scatterAdd',
  forward: ([g, indices], { axis, length }) => {
    const shape = [...g.shape.slice(0, axis), length, ...g.shape.slice(axis + indices.ndim)];
    const [outer, inner] = around(shape, axis);
    const out = emptyTensor(shape, g.dtype);
    getBackend().scatterAddAxis(g.data, outer, length, inner, indices.data, out.data);
    return out;
  },
  vjp: (g, [, indices], _o, attrs) => [gatherOp([g, indices], attrs), null],
  jvp: ([t], [, indices], _o, attrs) => scatterAddOp([t!, indices], attrs),
});

/**
 * Picks entries along `axis` at integer `indices` (any shape, which replaces that axis).
 * The gradient scatter-adds back, so repeated indices accumulate.
 */
export function gather(x: Tensor, indices: Tensor | readonly number[], axis = 0): Tensor {
  const ax = normalizeAxis('gather', axis, x.ndim);
  const idx = indexTensor(indices);
  checkIndices('gather', idx, x.shape[ax]);
  return gatherOp([x, idx.detach()], { axis: ax, length: x.shape[ax] });
}

/** Rows (or entries along `axis`) at the given indices: gather with a 1-D index list. */
export function indexSelect(x: Tensor, axis: number, indices: Tensor | readonly number[]): Tensor {
  const idx = indexTensor(indices);
  if (idx.ndim !== 1) throw new ShapeError(`indexSelect: indices must be 1-D, got ${formatShape(idx.shape)}`);
  return gather(x, idx, axis);
}

const astypeOp: Op<{ dtype: DType }> = defineOp<{ dtype: DType }>({
  name: 'astype',
  forward: ([x], { dtype }) =>
    new Tensor(castData(x.data, dtype) === x.data ? x.data.slice() : castData(x.data, dtype), x.shape),
  vjp: (g, [x]) => [x.dtype === 'int32' ? null : astype(g, x.dtype)],
  jvp: ([t], _x, _o, { dtype }) => astype(t!, dtype),
});

/** The values converted to `dtype` (differentiable between float types). */
export function astype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return astypeOp([x], { dtype });
}

/** One-hot rows: int labels [N] → [N, depth] float32 (no gradient). */
export function oneHot(
  labels: Tensor | readonly number[],
  depth: number,
  options: { dtype?: DType } = {},
): Tensor {
  const l = indexTensor(labels);
  checkIndices('oneHot', l, depth);
  const out = allocate(options.dtype ?? 'float32', l.size * depth);
  getBackend().oneHot(l.data, depth, out);
  return new Tensor(out, [...l.shape, depth]);
}
