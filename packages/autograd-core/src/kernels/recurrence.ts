/**
 * The tanh recurrence of a simple RNN, h_t = tanh(p_t + h_{t−1}·U) with h_{−1} = 0, over
 * time-major arrays p, states [T, N, H] and U [H, H], and its backpropagation through
 * time: each a loop of gemm and elementwise kernel calls on typed arrays, one kernel call
 * for the whole sequence (the wasm backend runs the same loop inside WebAssembly).
 */
import { type TypedArray, allocate, dtypeOf } from '../dtype';
import { binaryKernel, unaryKernel } from './elementwise';
import { gemmBlocked } from './matmul';

/** states [T, N, H] = every h_t of the recurrence over p [T, N, H] and U [H, H]. */
export function tanhRecurrenceKernel(
  p: TypedArray,
  u: TypedArray,
  T: number,
  N: number,
  H: number,
  states: TypedArray,
): void {
  const block = N * H;
  const product = allocate(dtypeOf(states), block);
  for (let t = 0; t < T; t++) {
    const at = t * block;
    const z = states.subarray(at, at + block);
    if (t === 0) z.set(p.subarray(0, block));
    else {
      gemmBlocked(false, false, N, H, H, states, at - block, u, 0, product, 0); // h_{t−1}·U
      binaryKernel('add', p.subarray(at, at + block), 1, product, 1, z);
    }
    unaryKernel('tanh', z, z);
  }
}

/**
 * dp [T, N, H] = dL/dp_t and, when `du` is given, du [H, H] = dL/dU, from g = dL/dstates:
 * going back in time, dh_t = g_t + dz_{t+1}·Uᵀ and dz_t = dh_t·(1 − h_t²) = dp_t; then
 * dU = Σ_{t ≥ 1} h_{t−1}ᵀ·dz_t, one product of states 0..T−2 and dp 1..T−1 seen as
 * [(T−1)·N, H] matrices.
 */
export function tanhRecurrenceBackwardKernel(
  g: TypedArray,
  u: TypedArray,
  states: TypedArray,
  T: number,
  N: number,
  H: number,
  dp: TypedArray,
  du: TypedArray | null,
): void {
  const block = N * H;
  const dh = allocate(dtypeOf(states), block);
  for (let t = T - 1; t >= 0; t--) {
    const at = t * block;
    const dzt = dp.subarray(at, at + block);
    binaryKernel('add', dh, 1, g.subarray(at, at + block), 1, dh);
    binaryKernel('tanhGrad', dh, 1, states.subarray(at, at + block), 1, dzt);
    if (t > 0) gemmBlocked(false, true, N, H, H, dp, at, u, 0, dh, 0); // dh_{t−1} = dz_t·Uᵀ
  }
  if (du) gemmBlocked(true, false, H, H, (T - 1) * N, states, 0, dp, block, du, 0);
}
