/**
 * Layer normalisation over the last axis as one op (PyTorch's `F.layer_norm`):
 * y = (x − mean)/√(var + ε)·γ + β. The forward kernel keeps each row's mean and
 * reciprocal standard deviation; the unrecorded backward pass is one kernel too. Recorded
 * passes (createGraph, forward mode) use the same rules written with Tensor ops, so
 * gradients of gradients work.
 */
import { type Op, defineOp, isGradEnabled } from '../engine';
import { type TypedArray, allocate, floatDType } from '../dtype';
import { formatShape } from '../shape';
import { type Tensor, emptyTensor, outputTensor } from '../tensor';
import { getBackend } from '../backend';
import { ones, zeros } from '../creation';
import { sumTangents } from './util';
import { ShapeError, ValueError } from '../errors';

interface LayerNormAttrs {
  epsilon: number;
  /** Filled by the forward pass: each row's mean and 1/√(var + ε). */
  saved: { mean: TypedArray; rstd: TypedArray } | null;
}

function rowsOf(x: Tensor): [number, number] {
  const n = x.shape[x.ndim - 1];
  return [n === 0 ? 0 : x.size / n, n];
}

/** x̂ = (x − mean)·r and r, as differentiable functions of x (recorded rules). */
function normalized(x: Tensor, epsilon: number): { xhat: Tensor; rstd: Tensor } {
  const centred = x.sub(x.mean(-1, true));
  const rstd = centred.square().mean(-1, true).add(epsilon).sqrt().reciprocal();
  return { xhat: centred.mul(rstd), rstd };
}

/** r·(t − mean(t) − x̂·mean(t·x̂)): the normalisation's Jacobian (symmetric) applied to t. */
function throughNormalization(t: Tensor, xhat: Tensor, rstd: Tensor): Tensor {
  return rstd.mul(t.sub(t.mean(-1, true)).sub(xhat.mul(t.mul(xhat).mean(-1, true))));
}

const layerNormOp: Op<LayerNormAttrs> = defineOp<LayerNormAttrs>({
  name: 'layerNorm',
  forward: ([x, gamma, beta], attrs) => {
    const [rows, n] = rowsOf(x);
    const out = outputTensor(x.shape, x.dtype);
    const mean = allocate(x.dtype, rows);
    const rstd = allocate(x.dtype, rows);
    getBackend().layerNorm(x.data, gamma.data, beta.data, rows, n, attrs.epsilon, out.data, mean, rstd);
    attrs.saved = { mean, rstd };
    return out;
  },
  vjp: (g, [x, gamma], _out, attrs, needs) => {
    if (!isGradEnabled() && attrs.saved) {
      const [rows, n] = rowsOf(x);
      const grad = g.dtype === x.dtype ? g : g.astype(x.dtype);
      const dx = needs[0] ? outputTensor(x.shape, x.dtype) : null;
      const dgamma = needs[1] ? emptyTensor(gamma.shape, x.dtype) : null;
      const dbeta = needs[2] ? emptyTensor(gamma.shape, x.dtype) : null;
      const { mean, rstd } = attrs.saved;
      getBackend().layerNormBackward(x.data, gamma.data, grad.data, mean, rstd, rows, n, {
        dx: dx?.data ?? null,
        dgamma: dgamma?.data ?? null,
        dbeta: dbeta?.data ?? null,
      });
      return [dx, dgamma, dbeta];
    }
    const { xhat, rstd } = normalized(x, attrs.epsilon);
    return [
      needs[0] ? throughNormalization(g.mul(gamma), xhat, rstd) : null,
      needs[1] ? g.mul(xhat) : null, // the engine sums over the rows
      needs[2] ? g : null,
    ];
  },
  jvp: ([tx, tgamma, tbeta], [x, gamma], _out, attrs) => {
    const { xhat, rstd } = normalized(x, attrs.epsilon);
    return sumTangents([
      tx ? throughNormalization(tx, xhat, rstd).mul(gamma) : null,
      tgamma ? xhat.mul(tgamma) : null,
      tbeta,
    ]);
  },
});

export interface LayerNormOptions {
  /** Added to the variance; default 1e-5. */
  epsilon?: number;
}

/**
 * (x − mean)/√(var + ε)·γ + β over the last axis of x, with γ and β of that axis's length
 * (null: 1 and 0).
 * @example layerNorm(x, gamma, beta, { epsilon: 1e-5 }) // x [batch, T, C], gamma and beta [C]
 */
export function layerNorm(
  x: Tensor,
  gamma: Tensor | null = null,
  beta: Tensor | null = null,
  options: LayerNormOptions = {},
): Tensor {
  const epsilon = options.epsilon ?? 1e-5;
  if (!(epsilon >= 0)) throw new ValueError(`layerNorm: epsilon must be non-negative, got ${epsilon}`);
  const n = x.shape[x.ndim - 1];
  for (const [what, t] of [
    ['gamma', gamma],
    ['beta', beta],
  ] as const) {
    if (x.ndim === 0 || (t && (t.ndim !== 1 || t.shape[0] !== n))) {
      throw new ShapeError(
        `layerNorm: ${what} ${t ? formatShape(t.shape) : ''} must be 1-D and match the last axis of x ${formatShape(x.shape)}`,
      );
    }
  }
  const dtype = floatDType(x.dtype);
  const as = (t: Tensor) => (t.dtype === dtype ? t : t.astype(dtype));
  return layerNormOp([as(x), as(gamma ?? ones([n], { dtype })), as(beta ?? zeros([n], { dtype }))], {
    epsilon,
    saved: null,
  });
}
