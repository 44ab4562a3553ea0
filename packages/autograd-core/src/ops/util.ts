/** Small helpers shared by op definitions. */
import { type DType, type TypedArray, allocate } from '../dtype';
import { type Shape, shapesEqual, sizeOf } from '../shape';
import { Tensor, type TensorLike } from '../tensor';
import { getBackend } from '../backend';
import { ValueError } from '../errors';
import { isGradEnabled } from '../engine';

/**
 * Whether first-order gradients may skip the differentiable ops (a fused kernel, a deferred
 * product): nothing records a graph of the gradient, and no forward-mode tangent rides on
 * any of `tensors` (else the ops must carry it along).
 */
export function firstOrderOnly(tensors: readonly Tensor[]): boolean {
  return !isGradEnabled() && tensors.every((t) => !t.tangents || t.tangents.size === 0);
}

/** Wraps a number as a 0-d tensor of a dtype that suits `like` (float for non-integers). */
export function asTensor(x: TensorLike, like?: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') throw new ValueError(`expected a Tensor or a number, got ${typeof x}`);
  let dtype: DType = like ? like.dtype : 'float32';
  if (dtype === 'int32' && !Number.isInteger(x)) dtype = 'float32';
  const data = allocate(dtype, 1);
  data[0] = x;
  return new Tensor(data, []);
}

/** The data of `t` laid out in broadcast `shape` (the same array when no expansion is needed). */
export function expandData(t: Tensor, shape: Shape): TypedArray {
  if (shapesEqual(t.shape, shape)) return t.data;
  const out = allocate(t.dtype, sizeOf(shape));
  getBackend().broadcast(t.data, t.shape, shape, out);
  return out;
}

/** Sum of tangents, treating null as zero (null when all are). */
export function sumTangents(parts: readonly (Tensor | null)[]): Tensor {
  let total: Tensor | null = null;
  for (const p of parts) if (p) total = total ? total.add(p) : p;
  if (!total) throw new Error('internal: jvp called without any tangent');
  return total;
}
