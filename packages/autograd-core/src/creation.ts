/** Functions that make new tensors: from data, constants, ranges and random draws. */
import { type DType, type TypedArray, allocate, checkDType, dtypeOf } from './dtype';
import { type Shape, checkShape, formatShape, sizeOf } from './shape';
import { Tensor, type NestedArray } from './tensor';
import { random, randomNormal } from './random';
import { checkOptions } from './options';
import { ShapeError, ValueError } from './errors';

export interface TensorOptions {
  /** Element type; float32 unless given (int32 for an Int32Array). */
  dtype?: DType;
  /** Track gradients for this tensor. */
  requiresGrad?: boolean;
}

export interface TensorDataOptions extends TensorOptions {
  /** Shape of flat data (required for a typed array or flat list that is not 1-D). */
  shape?: Shape;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flattenInto(
  data: NestedArray,
  shape: number[],
  axis: number,
  out: TypedArray,
  offset: number,
): number {
  if (axis === shape.length) {
    if (typeof data !== 'number')
      throw new ShapeError(`tensor: ragged nested array (expected a number at depth ${axis})`);
    out[offset] = data;
    return offset + 1;
  }
  if (!Array.isArray(data) || data.length !== shape[axis]) {
    throw new ShapeError(
      `tensor: ragged nested array (expected ${shape[axis]} entries at depth ${axis}, shape ${formatShape(shape)})`,
    );
  }
  for (const item of data) offset = flattenInto(item, shape, axis + 1, out, offset);
  return offset;
}

/** Converts a typed array to `dtype` (a copy unless it already is). */
export function castData(data: TypedArray, dtype: DType): TypedArray {
  if (dtypeOf(data) === dtype) return data;
  const out = allocate(dtype, data.length);
  if (dtype === 'int32') for (let i = 0; i < data.length; i++) out[i] = Math.trunc(data[i]);
  else out.set(data);
  return out;
}

/**
 * Makes a tensor from nested arrays, a flat typed array (with `shape`) or a number.
 * TensorFlow.js's positional form `tensor(values, shape, dtype)` is accepted too.
 * @example tensor([[1, 2], [3, 4]], { requiresGrad: true })
 * @example tensor([1, 2, 3, 4], [2, 2])   // tfjs style: flat values and a shape
 */
export function tensor(
  data: NestedArray | TypedArray | readonly number[],
  optionsOrShape: TensorDataOptions | Shape = {},
  dtype?: DType,
): Tensor {
  const options = tensorOptions('tensor', optionsOrShape, dtype);
  let flat: TypedArray;
  let shape: number[];
  if (ArrayBuffer.isView(data)) {
    const dtype = options.dtype ?? dtypeOf(data as TypedArray);
    flat = castData(data as TypedArray, checkDType(dtype, 'tensor'));
    shape = options.shape ? [...options.shape] : [flat.length];
  } else {
    const dtype = checkDType(options.dtype ?? 'float32', 'tensor');
    const nested = data as NestedArray;
    shape = inferShape(nested);
    flat = allocate(dtype, sizeOf(shape));
    flattenInto(nested, shape, 0, flat, 0);
    if (options.shape) shape = [...options.shape];
  }
  checkShape('tensor', shape);
  if (sizeOf(shape) !== flat.length) {
    throw new ShapeError(`tensor: ${flat.length} values cannot have shape ${formatShape(shape)}`);
  }
  return new Tensor(flat, shape, options.requiresGrad ?? false);
}

/** A scalar (0-d) tensor. */
export function scalar(value: number, options: TensorOptions = {}): Tensor {
  return tensor(value, options);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  checkOptions({ call: 'full', positional: 'dtype', before: 'shape, value, ' }, options, [
    'dtype',
    'requiresGrad',
  ]);
  checkShape('full', shape);
  const data = allocate(checkDType(options.dtype ?? 'float32', 'full'), sizeOf(shape));
  if (value !== 0) data.fill(value);
  return new Tensor(data, shape, options.requiresGrad ?? false);
}

export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...options });
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...options });
}

/** Values start, start+step, … below stop (one argument: 0 … stop-1). */
export function arange(start: number, stop?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0) throw new ValueError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocate(checkDType(options.dtype ?? 'float32', 'arange'), n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n], options.requiresGrad ?? false);
}

/** `num` evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, num: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(num) || num < 0)
    throw new ValueError(`linspace: num must be a non-negative integer, got ${num}`);
  const data = allocate(checkDType(options.dtype ?? 'float32', 'linspace'), num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  return new Tensor(data, [num], options.requiresGrad ?? false);
}

/** The n×n identity matrix (n×m when `m` is given). */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  const t = zeros([n, m], options);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

export interface RandomOptions extends TensorOptions {
  /** Custom generator of uniform floats in [0, 1); the global seeded one by default. */
  generator?: () => number;
}

/** Uniform draws in [low, high) from the seeded generator (see `setSeed`). */
export function rand(shape: Shape, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  checkOptions({ call: 'rand', before: 'shape, ' }, options, [
    'dtype',
    'requiresGrad',
    'generator',
    'low',
    'high',
  ]);
  const t = zeros(shape, { dtype: options.dtype });
  const next = options.generator ?? random;
  const low = options.low ?? 0;
  const span = (options.high ?? 1) - low;
  for (let i = 0; i < t.size; i++) t.data[i] = low + span * next();
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

/** Normal draws (mean 0, std 1 unless given) from the seeded generator. */
export function randn(shape: Shape, options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  checkOptions({ call: 'randn', before: 'shape, ' }, options, [
    'dtype',
    'requiresGrad',
    'generator',
    'mean',
    'std',
  ]);
  const t = zeros(shape, { dtype: options.dtype });
  const next = options.generator ?? random;
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  for (let i = 0; i < t.size; i++) t.data[i] = mean + std * randomNormal(next);
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

/** Integers drawn uniformly from [low, high), int32 by default. */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  if (!(high > low)) throw new ValueError(`randint: high (${high}) must be greater than low (${low})`);
  const t = zeros(shape, { dtype: options.dtype ?? 'int32' });
  const next = options.generator ?? random;
  for (let i = 0; i < t.size; i++) t.data[i] = low + Math.floor(next() * (high - low));
  return t;
}

const TENSOR_OPTIONS = ['shape', 'dtype', 'requiresGrad'];

/** Options of tensor-making functions: an options object, or tfjs's positional (shape, dtype). */
export function tensorOptions(
  call: string,
  optionsOrShape: TensorDataOptions | Shape | undefined,
  dtype: DType | undefined,
): TensorDataOptions {
  if (Array.isArray(optionsOrShape)) return { shape: optionsOrShape as Shape, dtype };
  if (typeof optionsOrShape === 'string') {
    throw new Error(`${call}: write the dtype as an option: ${call}(values, { dtype: '${optionsOrShape}' })`);
  }
  checkOptions({ call, positional: 'shape', before: 'values, ' }, optionsOrShape, TENSOR_OPTIONS);
  if (dtype !== undefined)
    throw new Error(`${call}: a dtype argument after an options object; put it in the options`);
  return (optionsOrShape ?? {}) as TensorDataOptions;
}
