/**
 * A dense layer's affine map as one op: x·W + b over the last axis of x. One kernel call
 * (the wasm backend adds the bias to the product before copying it out) and one output,
 * instead of a product, a bias pass and two outputs. The rules are matrix products and a
 * sum, so higher derivatives and forward mode work as for the composite.
 */
import { type Op, defineOp } from '../engine';
import { floatDType, promote } from '../dtype';
import { formatShape } from '../shape';
import { type Tensor, outputTensor } from '../tensor';
import { getBackend } from '../backend';
import { matmulT } from './matmul';
import { firstOrderOnly, sumTangents } from './util';
import { ShapeError } from '../errors';

/** x as rows [M, K] of its last axis. */
function rows(x: Tensor): Tensor {
  return x.ndim === 2 ? x : x.reshape([-1, x.shape[x.ndim - 1]]);
}

/** A [M, N] result back in x's leading shape. */
function unrows(y: Tensor, x: Tensor): Tensor {
  return x.ndim === 2 ? y : y.reshape([...x.shape.slice(0, -1), y.shape[1]]);
}

/**
 * dW = x2ᵀ·g2 for rows x2 [M, K] and g2 [M, N]. When nothing records and no tangent flows,
 * the backend may finish it later on a helper thread (kernels/deferred.ts): the engine
 * settles it before it reads the gradient.
 */
function weightGradient(x2: Tensor, g2: Tensor): Tensor {
  const backend = getBackend();
  // Only a backend with helper threads defers: elsewhere the output would be allocated for nothing.
  if (firstOrderOnly([x2, g2]) && x2.dtype === g2.dtype && backend.threads > 1) {
    const [m, k] = x2.shape;
    const n = g2.shape[1];
    const dw = outputTensor([k, n], g2.dtype);
    if (backend.deferWeightGradient(m, n, k, x2.data, g2.data, dw.data)) return dw;
  }
  return matmulT(x2, g2, true, false);
}

const linearOp: Op<undefined> = defineOp({
  name: 'linear',
  forward: ([x, w, b]) => {
    const k = x.shape[x.ndim - 1];
    const n = w.shape[1];
    const m = x.shape.slice(0, -1).reduce((product, d) => product * d, 1);
    const out = outputTensor(
      [...x.shape.slice(0, -1), n],
      floatDType(promote(promote(x.dtype, w.dtype), b.dtype)),
    );
    const same = x.dtype === out.dtype && w.dtype === out.dtype && b.dtype === out.dtype;
    const [xd, wd, bd] = same ? [x.data, w.data, b.data] : [x, w, b].map((t) => t.astype(out.dtype).data);
    getBackend().gemmBias(m, n, k, xd, wd, bd, out.data);
    return out;
  },
  // dx = G·Wᵀ, dW = xᵀ·G, db = Σ_rows G, with G the gradient as rows [M, N]; dW first, so
  // a helper thread may compute it while this thread computes dx.
  vjp: (g, [x, w], _out, _attrs, needs) => {
    const g2 = rows(g);
    const dw = needs[1] ? weightGradient(rows(x), g2) : null;
    return [needs[0] ? unrows(matmulT(g2, w, false, true), x) : null, dw, needs[2] ? g2.sum(0) : null];
  },
  jvp: ([tx, tw, tb], [x, w]) =>
    sumTangents([
      tx ? unrows(matmulT(rows(tx), w, false, false), x) : null,
      tw ? unrows(matmulT(rows(x), tw, false, false), x) : null,
      tb,
    ]),
});

/**
 * x·W + b over the last axis: x [..., K], W [K, N], b [N] → [..., N] (a Dense layer
 * before its activation), one op and one kernel call.
 * @example linear(x, kernel, bias).gelu()
 */
export function linear(x: Tensor, w: Tensor, b: Tensor): Tensor {
  if (
    x.ndim < 1 ||
    w.ndim !== 2 ||
    b.ndim !== 1 ||
    x.shape[x.ndim - 1] !== w.shape[0] ||
    b.shape[0] !== w.shape[1]
  ) {
    throw new ShapeError(
      `linear: x ${formatShape(x.shape)}, kernel ${formatShape(w.shape)} and bias ${formatShape(b.shape)} ` +
        'do not fit (x [..., K], kernel [K, N], bias [N])',
    );
  }
  return linearOp([x, w, b], undefined);
}
