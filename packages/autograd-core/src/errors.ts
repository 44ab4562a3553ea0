/**
 * Error classes, so callers can tell a shape mistake from a corrupt file
 * (`err instanceof ShapeError`). Messages name the op or layer and the shapes or
 * the file and field involved.
 */

/** The base of every error Zen-TS throws on purpose. */
export class ZenError extends Error {
  override name = 'ZenError';
}

/** Shapes that do not fit the op or layer (ranks, lengths, broadcasting, axes). */
export class ShapeError extends ZenError {
  override name = 'ShapeError';
}

/** A dtype the op cannot take (or an unknown dtype name). */
export class DTypeError extends ZenError {
  override name = 'DTypeError';
}

/** An argument out of its range or of the wrong kind (rates, names, options). */
export class ValueError extends ZenError {
  override name = 'ValueError';
}

/** A file or serialised object that is malformed or of an unknown version. */
export class FormatError extends ZenError {
  override name = 'FormatError';
}
