/** Matrix multiplication (2-D and batched with broadcast batch axes) and its rules. */
import { type Op, defineOp } from '../engine';
import { promote } from '../dtype';
import { broadcastShapes, formatShape, sizeOf, stridesOf } from '../shape';
import { type Tensor, emptyTensor, outputTensor } from '../tensor';
import { getBackend } from '../backend';
import type { OperandToken } from '../kernels/matmul';
import { sumTangents } from './util';
import { ShapeError } from '../errors';

interface MatmulAttrs {
  transA: boolean;
  transB: boolean;
  /**
   * The token under which a 2-D plain product x·W lets the backend keep what it derives
   * from x, for the weight gradient's xᵀ·G (see `OperandToken`); set by the forward pass.
   */
  reuseA?: OperandToken;
}

/** Rows and columns of op(X) for the last two axes of X. */
function dims(x: Tensor, trans: boolean): [number, number] {
  const r = x.shape[x.ndim - 2];
  const c = x.shape[x.ndim - 1];
  return trans ? [c, r] : [r, c];
}

/** Offsets of each batch matrix of `x` within the broadcast batch shape. */
function batchOffsets(x: Tensor, batchShape: readonly number[]): Int32Array {
  const own = x.shape.slice(0, -2);
  const lead = batchShape.length - own.length;
  const matrixSize = x.shape[x.ndim - 2] * x.shape[x.ndim - 1];
  const ownStrides = stridesOf(own);
  const total = sizeOf(batchShape);
  const offsets = new Int32Array(total);
  const outStrides = stridesOf(batchShape);
  for (let b = 0; b < total; b++) {
    let offset = 0;
    for (let ax = lead; ax < batchShape.length; ax++) {
      const index = Math.floor(b / outStrides[ax]) % batchShape[ax];
      if (own[ax - lead] !== 1) offset += index * ownStrides[ax - lead];
    }
    offsets[b] = offset * matrixSize;
  }
  return offsets;
}

function matmulForward(a: Tensor, b: Tensor, attrs: MatmulAttrs): Tensor {
  const { transA, transB } = attrs;
  const [m, k] = dims(a, transA);
  const [k2, n] = dims(b, transB);
  if (k !== k2) {
    throw new ShapeError(
      `matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)} (inner dimensions ${k} and ${k2} differ)`,
    );
  }
  const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  // Every gemm writes its block of C in full (zeros when k is 0: kept zeroed to be safe).
  const out = (k > 0 ? outputTensor : emptyTensor)([...batchShape, m, n], promote(a.dtype, b.dtype));
  const gemm = getBackend().gemm;
  if (batchShape.length === 0) {
    // A plain product's A is multiplied again, transposed, by the weight gradient's rule.
    if (!transA && !transB && attrs.reuseA === undefined) attrs.reuseA = {};
    gemm(transA, transB, m, n, k, a.data, 0, b.data, 0, out.data, 0, attrs.reuseA);
    return out;
  }
  const aOffsets = batchOffsets(a, batchShape);
  const bOffsets = batchOffsets(b, batchShape);
  for (let i = 0; i < aOffsets.length; i++) {
    gemm(transA, transB, m, n, k, a.data, aOffsets[i], b.data, bOffsets[i], out.data, i * m * n);
  }
  return out;
}

/*
 * C = A'·B' with A' = op(A), B' = op(B). Reverse mode: dA' = G·B'ᵀ and dB' = A'ᵀ·G
 * (for plain operands dA = G·Bᵀ, dB = Aᵀ·G); a transposed operand takes the transpose
 * of its rule. Each rule is again a matmul with transpose flags, so no copy is made.
 */
const matmulOp: Op<MatmulAttrs> = defineOp<MatmulAttrs>({
  name: 'matmul',
  forward: ([a, b], attrs) => matmulForward(a, b, attrs),
  vjp: (g, [a, b], _o, { transA, transB, reuseA }, needs) => [
    needs[0] ? (transA ? matmulT(b, g, transB, true) : matmulT(g, b, false, !transB)) : null,
    needs[1] ? (transB ? matmulT(g, a, true, transA) : matmulT(a, g, !transA, false, reuseA)) : null,
  ],
  jvp: ([ta, tb], [a, b], _o, { transA, transB }) =>
    sumTangents([ta ? matmulT(ta, b, transA, transB) : null, tb ? matmulT(a, tb, transA, transB) : null]),
});

/**
 * op(a)·op(b), transposing the last two axes of an operand when its flag is set. `reuseA`:
 * the token of a product that multiplied the same `a` (see `OperandToken`).
 */
export function matmulT(
  a: Tensor,
  b: Tensor,
  transA: boolean,
  transB: boolean,
  reuseA?: OperandToken,
): Tensor {
  return matmulOp([a, b], reuseA ? { transA, transB, reuseA } : { transA, transB });
}

/**
 * Matrix product. 2-D: [m,k]·[k,n] → [m,n]; batched: leading axes broadcast;
 * a 1-D operand is treated as a row (left) or column (right) vector, as numpy.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)} (scalars are not matrices)`,
    );
  }
  const a2 = a.ndim === 1 ? a.reshape([1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? b.reshape([b.shape[0], 1]) : b;
  if (a2.shape[a2.ndim - 1] !== b2.shape[b2.ndim - 2]) {
    throw new ShapeError(
      `matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)} ` +
        `(inner dimensions ${a2.shape[a2.ndim - 1]} and ${b2.shape[b2.ndim - 2]} differ)`,
    );
  }
  let out = matmulT(a2, b2, false, false);
  if (b.ndim === 1) out = out.squeeze(out.ndim - 1);
  if (a.ndim === 1) out = out.squeeze(out.ndim - (b.ndim === 1 ? 1 : 2));
  return out;
}
