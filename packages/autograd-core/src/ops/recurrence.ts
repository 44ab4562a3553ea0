/**
 * The tanh recurrence of a simple RNN as one op: h_t = tanh(p_t + h_{t−1}·U) with
 * h_{−1} = 0, over a time-major projected input p [T, N, H] and U [H, H]; the output holds
 * every state, [T, N, H]. Forward and first-order backward are loops of kernel calls on
 * typed arrays (no tensor, node or op dispatch per time step). Recorded passes
 * (createGraph) and passes that carry forward-mode tangents use the same recurrence
 * written with Tensor ops, so gradients of any order work.
 */
import { type Op, defineOp, isGradEnabled } from '../engine';
import { allocate } from '../dtype';
import { formatShape } from '../shape';
import { type Tensor, emptyTensor } from '../tensor';
import { getBackend } from '../backend';
import { zeros } from '../creation';
import { stack } from './shape';
import { ShapeError } from '../errors';

const withoutTangents = (t: Tensor) => !t.tangents || t.tangents.size === 0;

/** State t of [T, N, H] as [N, H]. */
function step(states: Tensor, t: number): Tensor {
  const [, n, h] = states.shape;
  return states.slice([t, 0, 0], [1, n, h]).reshape([n, h]);
}

/** dL/dp and dL/dU from dL/dstates, by backpropagation through time in kernel calls. */
function backwardInKernels(g: Tensor, u: Tensor, states: Tensor, needU: boolean): [Tensor, Tensor | null] {
  const [T, N, H] = states.shape;
  const k = getBackend();
  const block = N * H;
  const hs = states.data;
  const dp = emptyTensor(states.shape, states.dtype);
  const dz = dp.data;
  const du = needU ? emptyTensor(u.shape, u.dtype) : null;
  const dh = allocate(states.dtype, block);
  const product = allocate(states.dtype, H * H);
  for (let t = T - 1; t >= 0; t--) {
    const at = t * block;
    const dzt = dz.subarray(at, at + block);
    k.binary('add', dh, 1, g.data.subarray(at, at + block), 1, dh); // dh_t += dL/dh_t from the output
    k.binary('tanhGrad', dh, 1, hs.subarray(at, at + block), 1, dzt); // dz_t = dh_t·(1 − h_t²) = dL/dp_t
    if (t === 0) break;
    if (du) {
      // dU += h_{t−1}ᵀ·dz_t
      k.gemm(true, false, H, H, N, hs, at - block, dz, at, t === T - 1 ? du.data : product, 0);
      if (t !== T - 1) k.binary('add', du.data, 1, product, 1, du.data);
    }
    k.gemm(false, true, N, H, H, dz, at, u.data, 0, dh, 0); // dh_{t−1} = dz_t·Uᵀ
  }
  if (du && T === 1) du.data.fill(0);
  return [dp, du];
}

const recurrenceOp: Op<undefined> = defineOp({
  name: 'tanhRecurrence',
  forward: ([p, u]) => {
    const [T, N, H] = p.shape;
    const k = getBackend();
    const block = N * H;
    const out = emptyTensor(p.shape, p.dtype);
    const hs = out.data;
    const product = allocate(p.dtype, block);
    for (let t = 0; t < T; t++) {
      const at = t * block;
      const z = hs.subarray(at, at + block);
      if (t === 0) z.set(p.data.subarray(0, block));
      else {
        k.gemm(false, false, N, H, H, hs, at - block, u.data, 0, product, 0); // h_{t−1}·U
        k.binary('add', p.data.subarray(at, at + block), 1, product, 1, z);
      }
      k.unary('tanh', z, z);
    }
    return out;
  },
  vjp: (g, [p, u], states, _attrs, needs) => {
    const fused =
      !isGradEnabled() &&
      [g, p, u, states].every(withoutTangents) &&
      g.dtype === states.dtype &&
      u.dtype === states.dtype;
    if (fused) {
      const [dp, du] = backwardInKernels(g, u, states, needs[1]);
      return [needs[0] ? dp : null, du];
    }
    const [T] = states.shape;
    const ut = u.transpose();
    const dps: Tensor[] = [];
    let du: Tensor | null = null;
    let dh: Tensor | null = null;
    for (let t = T - 1; t >= 0; t--) {
      const gt = step(g, t);
      const ht = step(states, t);
      dh = dh ? dh.add(gt) : gt;
      const dz = dh.mul(ht.square().neg().add(1));
      dps[t] = dz;
      if (t === 0) break;
      const previous = step(states, t - 1);
      if (needs[1]) {
        const contribution = previous.transpose().matmul(dz);
        du = du ? du.add(contribution) : contribution;
      }
      dh = dz.matmul(ut);
    }
    return [needs[0] ? stack(dps, 0) : null, needs[1] ? (du ?? zeros(u.shape, { dtype: u.dtype })) : null];
  },
  // d h_t = (1 − h_t²)·(dp_t + dh_{t−1}·U + h_{t−1}·dU)
  jvp: ([tp, tu], [, u], states) => {
    const [T, N, H] = states.shape;
    const tangents: Tensor[] = [];
    let previous: Tensor | null = null;
    for (let t = 0; t < T; t++) {
      let s: Tensor = tp ? step(tp, t) : zeros([N, H], { dtype: states.dtype });
      if (t > 0) {
        s = s.add(previous!.matmul(u));
        if (tu) s = s.add(step(states, t - 1).matmul(tu));
      }
      previous = s.mul(step(states, t).square().neg().add(1));
      tangents.push(previous);
    }
    return stack(tangents, 0);
  },
});

/**
 * Every state of h_t = tanh(p_t + h_{t−1}·U), h_{−1} = 0, for a time-major projected input
 * p [T, N, H] (a simple RNN's x_t·W + b) and recurrent kernel U [H, H]: [T, N, H].
 */
export function tanhRecurrence(p: Tensor, u: Tensor): Tensor {
  const [, , H] = p.shape;
  if (p.ndim !== 3 || u.ndim !== 2 || u.shape[0] !== H || u.shape[1] !== H || p.shape[0] === 0) {
    throw new ShapeError(
      `tanhRecurrence: expects p [T, N, H] with T ≥ 1 and U [H, H], got p ${formatShape(p.shape)} and U ${formatShape(u.shape)}`,
    );
  }
  return recurrenceOp([p, u], undefined);
}
