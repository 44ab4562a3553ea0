/** Elementwise preprocessing of inputs. */
import { Tensor } from '@zen/autograd-core';

export interface NormalizeOptions {
  /**
   * Value(s) to subtract: one number, or one per entry of the last axis (per channel).
   * The mean of all elements of `x` when omitted.
   */
  mean?: number | readonly number[];
  /** Value(s) to divide by, like `mean`; the standard deviation of all elements of `x` when omitted. */
  std?: number | readonly number[];
}

/**
 * (x − mean) / std as a new float Tensor (float64 stays float64, anything else becomes
 * float32). Compute mean and std on the training set and pass the same values for the
 * test set, so both are scaled alike.
 * @example normalize(images, { mean: 0.1307, std: 0.3081 }) // the usual MNIST statistics
 */
export function normalize(x: Tensor, options: NormalizeOptions = {}): Tensor {
  const channels = x.ndim === 0 ? 1 : x.shape[x.ndim - 1];
  const mean = perChannel('mean', options.mean ?? meanOf(x), channels, x);
  const std = perChannel('std', options.std ?? stdOf(x), channels, x);
  std.forEach((s) => {
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new Error(
        `normalize: std must be positive and finite, got ${s}${options.std === undefined ? ' (x is constant)' : ''}`,
      );
    }
  });

  const out = x.dtype === 'float64' ? new Float64Array(x.size) : new Float32Array(x.size);
  const src = x.data;
  for (let i = 0, c = 0; i < out.length; i++) {
    out[i] = (src[i] - mean[c]) / std[c];
    if (++c === channels) c = 0;
  }
  return new Tensor(out, x.shape);
}

function perChannel(
  what: string,
  value: number | readonly number[],
  channels: number,
  x: Tensor,
): Float64Array {
  if (typeof value === 'number') return new Float64Array(channels).fill(value);
  if (value.length !== channels) {
    throw new Error(
      `normalize: ${what} has ${value.length} values but x [${x.shape.join(', ')}] has ${channels} channels (last axis)`,
    );
  }
  return Float64Array.from(value);
}

function meanOf(x: Tensor): number {
  if (x.size === 0) throw new Error('normalize: x is empty, so its mean is undefined');
  let total = 0;
  for (let i = 0; i < x.size; i++) total += x.data[i];
  return total / x.size;
}

/** Population standard deviation of all elements of `x`. */
function stdOf(x: Tensor): number {
  const center = meanOf(x);
  let total = 0;
  for (let i = 0; i < x.size; i++) total += (x.data[i] - center) ** 2;
  return Math.sqrt(total / x.size);
}
