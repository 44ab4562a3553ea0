/**
 * A mostly-zero operand listed once for its two products: a layer's input x in x·W (the
 * forward pass) and in xᵀ·dy (the weight gradient). The forward product lists x's
 * columns (assembly/sparse-gemm.ts: listNonzeroColumns) and adds each row of W, read once,
 * into the rows of C whose x is nonzero there; the gradient's product reads the same lists
 * as the rows of xᵀ, instead of listing them again. The listing lives in the step's scratch
 * arena beside x and is found by the caller's token, for the same array of x, until the
 * arena is reset. A listing depends on x's values, which stay as they were: x is an op's
 * output in the arena, and the gradient's product reads x's values anyway.
 */
import type { TypedArray } from '../dtype';
import type { OperandToken } from '../kernels/matmul';
import type { LoadedKernels } from './runtime';
import type { WasmScratchArena } from './scratch';

interface Listing {
  a: TypedArray;
  aOffset: number;
  /** A's rows (the depth of x·W) and columns (the rows of xᵀ). */
  rows: number;
  columns: number;
  /** The row stride its offsets were made for (C's in x·W, dy's in xᵀ·dy: both n). */
  n: number;
  work: number;
  epoch: number;
}

export class ListedOperands {
  private readonly listings = new WeakMap<OperandToken, Listing>();

  constructor(
    private readonly kernels: LoadedKernels,
    private readonly arena: WasmScratchArena | null,
  ) {}

  /**
   * C (m×n) = A·B for A m×k at aPtr and B k×n at bPtr (both packed), listing A's columns
   * under `token`; false (nothing done) when A is not in the arena, is too dense, or B is
   * not all finite (dropping a zero term is exact only beside a finite value).
   */
  plain(
    token: OperandToken,
    a: TypedArray,
    aOffset: number,
    aPtr: number,
    m: number,
    n: number,
    k: number,
    bPtr: number,
    cPtr: number,
  ): boolean {
    const { exports } = this.kernels;
    const arena = this.arena;
    if (arena === null || !arena.owns(a) || exports.indexOfNonFinite(bPtr, k * n) >= 0) return false;
    const work = arena.allocate(exports.sparseRowsBytes(k, m) / 4, false);
    if (work === null) return false;
    const workPtr = work.byteOffset;
    if (!exports.listNonzeroColumns(k, m, aPtr, k, n, workPtr)) return false;
    exports.scatterColumnsTimesB(m, k, n, workPtr, bPtr, n, cPtr, n);
    this.listings.set(token, { a, aOffset, rows: m, columns: k, n, work: workPtr, epoch: arena.epoch });
    return true;
  }

  /**
   * C (m×n) = Aᵀ·B from the listing `plain` made under `token` for the same A (k×m) and
   * B k×n at bPtr; false (nothing done) when there is none or B is not all finite.
   */
  transposed(
    token: OperandToken,
    a: TypedArray,
    aOffset: number,
    m: number,
    n: number,
    k: number,
    bPtr: number,
    cPtr: number,
  ): boolean {
    const listing = this.listings.get(token);
    const { exports } = this.kernels;
    if (
      listing === undefined ||
      listing.a !== a ||
      listing.aOffset !== aOffset ||
      listing.rows !== k ||
      listing.columns !== m ||
      listing.n !== n ||
      listing.epoch !== this.arena?.epoch ||
      exports.indexOfNonFinite(bPtr, k * n) >= 0
    )
      return false;
    exports.sparseRowsTimesB(m, n, 0, m, listing.work, bPtr, cPtr, n);
    return true;
  }
}
