/** Deterministic test inputs described by small specs (shape, value range, constraints). */
import { type DType, type Tensor, makeGenerator, tensor } from '@zen/autograd-core';

export interface InputSpec {
  shape: number[];
  /** Values drawn uniformly from [low, high] (default [-2, 2]). */
  range?: [number, number];
  /** Magnitudes in [0.3, 2] with random signs: keeps kinks at 0 out of reach of finite differences. */
  awayFromZero?: boolean;
  /** All values distinct and at least 0.1 apart (for max/min reductions and pooling). */
  distinct?: boolean;
  /** Fixed values, row-major. */
  values?: number[];
  /** Element type (default float64). */
  dtype?: DType;
  /** Not differentiated: indices, masks (closed over by the function under test). */
  constant?: boolean;
}

/** Makes the tensor a spec describes; `seed` makes every draw reproducible. */
export function makeInput(spec: InputSpec, seed: string): Tensor {
  const next = makeGenerator(seed);
  const n = spec.shape.reduce((a, d) => a * d, 1);
  let values: number[];
  if (spec.values) {
    values = spec.values;
  } else if (spec.distinct) {
    // A shuffled ladder −1.5 … with steps of ≥ 0.1, plus jitter below half a step.
    const step = Math.max(0.1, 3 / n);
    values = Array.from({ length: n }, (_, i) => -1.5 + i * step + 0.3 * step * next());
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [values[i], values[j]] = [values[j], values[i]];
    }
  } else if (spec.awayFromZero) {
    values = Array.from({ length: n }, () => (next() < 0.5 ? -1 : 1) * (0.3 + 1.7 * next()));
  } else {
    const [low, high] = spec.range ?? [-2, 2];
    values = Array.from({ length: n }, () => low + (high - low) * next());
  }
  return tensor(values, { shape: spec.shape, dtype: spec.dtype ?? 'float64' });
}

/** A random float64 tensor in [−1, 1) (directions for JVP/VJP checks). */
export function randomLike(shape: readonly number[], seed: string): Tensor {
  const next = makeGenerator(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  return tensor(
    Array.from({ length: n }, () => 2 * next() - 1),
    { shape, dtype: 'float64' },
  );
}
