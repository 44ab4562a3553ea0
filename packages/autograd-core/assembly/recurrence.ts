/**
 * A simple RNN's tanh recurrence, h_t = tanh(p_t + h_{t−1}·U) with h_{−1} = 0, and its
 * backpropagation through time, each in one call: the loop of src/kernels/recurrence.ts
 * (the reference) over [T, N, H] arrays of f32, with the products by the SIMD gemm and
 * no return to JavaScript per time step. U (or Uᵀ) is packed for the gemm once per call,
 * not once per step. `work` is a gemm workspace; `scratch` holds N·H floats and then
 * `packedWholeBBytes(H, H)` bytes.
 */
import { gemm, gemmRows, packWholeB } from './gemm';
import { tanhSigmoidFloat32 } from './tanh-sigmoid';

/** out[i] = a[i] + b[i] for i < n, one f32 rounding each (as the TypeScript kernel); out may be a or b. */
function addFloats(a: usize, b: usize, out: usize, n: i32): void {
  const vectors = n & ~3;
  for (let i = 0; i < vectors; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(out + at, f32x4.add(v128.load(a + at), v128.load(b + at)));
  }
  for (let i = vectors; i < n; i++) {
    const at = (<usize>i) << 2;
    store<f32>(out + at, load<f32>(a + at) + load<f32>(b + at));
  }
}

/**
 * dz[i] = dh[i]·(1 − h[i]²), tanh's gradient from its output, in f64 rounded once to f32:
 * the same operations, hence the same bits, as the TypeScript kernel's double arithmetic.
 */
function tanhGrad(dh: usize, h: usize, dz: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const at = (<usize>i) << 2;
    const y = <f64>load<f32>(h + at);
    store<f32>(dz + at, <f32>(<f64>load<f32>(dh + at) * (1.0 - y * y)));
  }
}

/** states [T, N, H] = every h_t for p [T, N, H] and U [H, H]. */
export function tanhRecurrenceForward(
  p: usize,
  u: usize,
  T: i32,
  N: i32,
  H: i32,
  states: usize,
  scratch: usize,
  work: usize,
): void {
  const block = N * H;
  const blockBytes = (<usize>block) << 2;
  const product = scratch;
  const packedU = scratch + blockBytes;
  packWholeB(false, H, H, u, H, packedU);
  memory.copy(states, p, blockBytes);
  tanhSigmoidFloat32(0, states, states, block);
  for (let t = 1; t < T; t++) {
    const z = states + <usize>t * blockBytes;
    gemmRows(false, N, H, H, z - blockBytes, H, packedU, product, H, 0, N, work); // h_{t−1}·U
    addFloats(p + <usize>t * blockBytes, product, z, block);
    tanhSigmoidFloat32(0, z, z, block);
  }
}

/**
 * dp [T, N, H] and, when `du` ≠ 0, du [H, H] from g = dL/dstates: back in time,
 * dh_t = g_t + dz_{t+1}·Uᵀ and dz_t = dh_t·(1 − h_t²) = dp_t; then dU = Σ_{t ≥ 1} h_{t−1}ᵀ·dz_t
 * as one product of states 0..T−2 and dp 1..T−1 seen as [(T−1)·N, H] matrices.
 */
export function tanhRecurrenceBackward(
  g: usize,
  u: usize,
  states: usize,
  T: i32,
  N: i32,
  H: i32,
  dp: usize,
  du: usize,
  scratch: usize,
  work: usize,
): void {
  const block = N * H;
  const blockBytes = (<usize>block) << 2;
  const dh = scratch;
  const packedUt = scratch + blockBytes;
  packWholeB(true, H, H, u, H, packedUt);
  memory.fill(dh, 0, blockBytes);
  for (let t = T - 1; t >= 0; t--) {
    const at = <usize>t * blockBytes;
    addFloats(dh, g + at, dh, block);
    tanhGrad(dh, states + at, dp + at, block);
    if (t > 0) gemmRows(false, N, H, H, dp + at, H, packedUt, dh, H, 0, N, work); // dh_{t−1} = dz_t·Uᵀ
  }
  if (du) gemm(true, false, H, H, (T - 1) * N, states, H, dp + blockBytes, H, du, H, work);
}
