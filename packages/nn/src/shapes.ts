/** Shapes as layers see them: the batch axis (and other unknown axes) may be `null`. */

/** A shape whose unknown axes (usually the batch) are `null`, as Keras's `None`. */
export type SymbolicShape = readonly (number | null)[];

/** `[null,28,28,1]`. */
export function formatSymbolicShape(shape: SymbolicShape): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(',')}]`;
}

/** The product of the known axes after the first (the size of one sample), or null if one is unknown. */
export function sampleSize(shape: SymbolicShape): number | null {
  let n = 1;
  for (let i = 1; i < shape.length; i++) {
    const d = shape[i];
    if (d === null) return null;
    n *= d;
  }
  return n;
}

/** Output length of a sliding window along one axis ('valid' or 'same'), as conv2d computes it. */
export function windowOutputLength(
  length: number | null,
  kernel: number,
  stride: number,
  dilation: number,
  padding: 'valid' | 'same',
): number | null {
  if (length === null) return null;
  if (padding === 'same') return Math.ceil(length / stride);
  const effective = (kernel - 1) * dilation + 1;
  return Math.max(0, Math.floor((length - effective) / stride) + 1);
}

/** A pair from a number or a pair. */
export function toPair(v: number | readonly number[], what: string): [number, number] {
  const pair: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!pair.every((d) => Number.isInteger(d) && d > 0) || (typeof v !== 'number' && v.length !== 2)) {
    throw new Error(`${what} must be a positive integer or a pair of them, got ${JSON.stringify(v)}`);
  }
  return pair;
}

/** One shape, or a list of them (the inputs of a layer with several inputs). */
export type ShapeOrShapes = SymbolicShape | SymbolicShape[];

/** Whether `shape` is a list of shapes rather than one shape. */
export function isShapeList(shape: ShapeOrShapes): shape is SymbolicShape[] {
  return shape.length > 0 && Array.isArray(shape[0]);
}
