/** Element types a Tensor can hold. `float32` is the default; `float64` is for gradient checks. */
import { DTypeError } from './errors';
import { SCRATCH_MIN_FLOATS, scratch } from './scratch-state';
export type DType = 'float32' | 'float64' | 'int32';

/** The typed arrays behind tensors. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** Throws unless `dtype` is a known dtype. */
export function checkDType(dtype: string, where: string): DType {
  if (!DTYPES.includes(dtype as DType)) {
    throw new DTypeError(`${where}: unknown dtype '${dtype}' (expected one of ${DTYPES.join(', ')})`);
  }
  return dtype as DType;
}

/**
 * A zero-filled typed array of `size` elements of `dtype`. Inside a scratch scope
 * (scratch.ts), float32 arrays come from the backend's scratch arena.
 */
export function allocate(dtype: DType, size: number): TypedArray {
  return allocateFrom(dtype, size, true);
}

/**
 * An array for a result that a kernel writes in full: as `allocate`, except that inside a
 * scratch scope a float32 array is not zeroed first (it holds a previous step's values until
 * the kernel overwrites them).
 */
export function allocateUninitialized(dtype: DType, size: number): TypedArray {
  return allocateFrom(dtype, size, false);
}

function allocateFrom(dtype: DType, size: number, zeroed: boolean): TypedArray {
  switch (dtype) {
    case 'float32': {
      const arena = scratch.arena;
      if (arena !== null && size >= SCRATCH_MIN_FLOATS) {
        const lent = arena.allocate(size, zeroed);
        if (lent !== null) return lent;
      }
      return new Float32Array(size);
    }
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
  }
}

/** The dtype a typed array stores. */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'float32';
}

export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

/** Type promotion for binary ops: float64 > float32 > int32. */
export function promote(a: DType, b: DType): DType {
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}

/** The float dtype an op with a non-integer result produces for an input of `dtype`. */
export function floatDType(dtype: DType): DType {
  return dtype === 'float64' ? 'float64' : 'float32';
}
