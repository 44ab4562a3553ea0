/**
 * The tanh recurrence of a simple RNN as one op: h_t = tanh(p_t + h_{t−1}·U) with
 * h_{−1} = 0, over a time-major projected input p [T, N, H] and U [H, H]; the output holds
 * every state, [T, N, H]. Forward and first-order backward are one kernel call each over
 * the whole sequence (kernels/recurrence.ts; no tensor, node or op dispatch per time step). Recorded passes
 * (createGraph) and passes that carry forward-mode tangents use the same recurrence
 * written with Tensor ops, so gradients of any order work.
 */
import { type Op, defineOp } from '../engine';
import { formatShape } from '../shape';
import { type Tensor, outputTensor } from '../tensor';
import { getBackend } from '../backend';
import { zeros } from '../creation';
import { stack } from './shape';
import { ShapeError } from '../errors';
import { firstOrderOnly } from './util';

/** State t of [T, N, H] as [N, H]. */
function step(states: Tensor, t: number): Tensor {
  const [, n, h] = states.shape;
  return states.slice([t, 0, 0], [1, n, h]).reshape([n, h]);
}

const recurrenceOp: Op<undefined> = defineOp({
  name: 'tanhRecurrence',
  forward: ([p, u]) => {
    const [T, N, H] = p.shape;
    const out = outputTensor(p.shape, p.dtype);
    getBackend().tanhRecurrence(p.data, u.data, T, N, H, out.data);
    return out;
  },
  vjp: (g, [p, u], states, _attrs, needs) => {
    const fused = firstOrderOnly([g, p, u, states]) && g.dtype === states.dtype && u.dtype === states.dtype;
    if (fused) {
      const [T, N, H] = states.shape;
      const dp = outputTensor(states.shape, states.dtype);
      const du = needs[1] ? outputTensor(u.shape, u.dtype) : null;
      getBackend().tanhRecurrenceBackward(g.data, u.data, states.data, T, N, H, dp.data, du?.data ?? null);
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
