/**
 * Elementwise kernels on typed arrays. Each op has one tight loop, selected by a
 * switch outside the loop (no per-element closures). Binary kernels take a step of
 * 0 or 1 per operand, so one loop serves equal shapes and scalar broadcasting;
 * other broadcasts are expanded first with `broadcastCopy`.
 */
import type { TypedArray } from '../dtype';
import { erf, erf32 } from './erf';

export type BinaryKernel =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'equal'
  | 'notEqual'
  | 'greater'
  | 'greaterEqual'
  | 'less'
  | 'lessEqual'
  | 'gatePositive'
  | 'tanhGrad'
  | 'sigmoidGrad';

/**
 * out[i] = a[i·sa] ∘ b[i·sb] for i < n, where sa, sb ∈ {0, 1}. Comparisons are written
 * +(x > y) rather than x > y ? 1 : 0: V8 compiles that without a branch, several times
 * faster on unpredictable data (ReLU masks).
 */
export function binaryKernel(
  op: BinaryKernel,
  a: TypedArray,
  sa: number,
  b: TypedArray,
  sb: number,
  out: TypedArray,
): void {
  const n = out.length;
  let i = 0;
  let ia = 0;
  let ib = 0;
  switch (op) {
    case 'add':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = a[ia] + b[ib];
      return;
    case 'sub':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = a[ia] - b[ib];
      return;
    case 'mul':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = a[ia] * b[ib];
      return;
    case 'div':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = a[ia] / b[ib];
      return;
    case 'pow':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = Math.pow(a[ia], b[ib]);
      return;
    // NaN in either operand propagates (as numpy and TensorFlow), so clip cannot hide it.
    case 'maximum':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = a[ia] >= b[ib] || a[ia] !== a[ia] ? a[ia] : b[ib];
      return;
    case 'minimum':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = a[ia] <= b[ib] || a[ia] !== a[ia] ? a[ia] : b[ib];
      return;
    case 'equal':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = +(a[ia] === b[ib]);
      return;
    case 'notEqual':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = +(a[ia] !== b[ib]);
      return;
    case 'greater':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = +(a[ia] > b[ib]);
      return;
    case 'greaterEqual':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = +(a[ia] >= b[ib]);
      return;
    case 'less':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = +(a[ia] < b[ib]);
      return;
    case 'lessEqual':
      for (; i < n; i++, ia += sa, ib += sb) out[i] = +(a[ia] <= b[ib]);
      return;
    case 'gatePositive': // a where b > 0 (the ReLU gradient), as a · [b > 0]
      for (; i < n; i++, ia += sa, ib += sb) out[i] = a[ia] * +(b[ib] > 0);
      return;
    case 'tanhGrad': // g·(1 − y²), tanh's gradient from its output y = tanh x
      for (; i < n; i++, ia += sa, ib += sb) out[i] = a[ia] * (1 - b[ib] * b[ib]);
      return;
    case 'sigmoidGrad': // g·y(1 − y), the sigmoid's gradient from its output y = σ(x)
      for (; i < n; i++, ia += sa, ib += sb) out[i] = a[ia] * (b[ib] * (1 - b[ib]));
      return;
  }
}

export type UnaryKernel =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'square'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'softplus'
  | 'erf'
  | 'step';

/**
 * max(x, 0) on float32 bits, without branches: a set sign bit clears the value unless
 * the value is NaN, which passes through (as in PyTorch and tfjs); −0 and −∞ give +0.
 */
function reluFloat32(a: Float32Array, out: Float32Array): void {
  const bits = new Int32Array(a.buffer, a.byteOffset, a.length);
  const outBits = new Int32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    const negative = b >> 31; // −1 when the sign bit is set
    const nan = (0x7f800000 - (b & 0x7fffffff)) >> 31; // −1 when the exponent is all ones and the mantissa not 0
    outBits[i] = b & ~(negative & ~nan); // negatives (not NaN) become +0; NaN passes through
  }
}

/** out[i] = f(a[i]). */
export function unaryKernel(op: UnaryKernel, a: TypedArray, out: TypedArray): void {
  const n = out.length;
  let i = 0;
  switch (op) {
    case 'neg':
      for (; i < n; i++) out[i] = -a[i];
      return;
    case 'abs':
      for (; i < n; i++) out[i] = Math.abs(a[i]);
      return;
    case 'sign':
      for (; i < n; i++) out[i] = +(a[i] > 0) - +(a[i] < 0);
      return;
    case 'exp':
      for (; i < n; i++) out[i] = Math.exp(a[i]);
      return;
    case 'log':
      for (; i < n; i++) out[i] = Math.log(a[i]);
      return;
    case 'sqrt':
      for (; i < n; i++) out[i] = Math.sqrt(a[i]);
      return;
    case 'square':
      for (; i < n; i++) out[i] = a[i] * a[i];
      return;
    case 'sin':
      for (; i < n; i++) out[i] = Math.sin(a[i]);
      return;
    case 'cos':
      for (; i < n; i++) out[i] = Math.cos(a[i]);
      return;
    case 'tan':
      for (; i < n; i++) out[i] = Math.tan(a[i]);
      return;
    case 'tanh':
      for (; i < n; i++) out[i] = Math.tanh(a[i]);
      return;
    case 'sigmoid':
      // Split by sign so exp never overflows: σ(x) = 1/(1+e^-x) = e^x/(1+e^x).
      for (; i < n; i++) {
        const x = a[i];
        if (x >= 0) out[i] = 1 / (1 + Math.exp(-x));
        else {
          const e = Math.exp(x);
          out[i] = e / (1 + e);
        }
      }
      return;
    case 'relu':
      if (a instanceof Float32Array && out instanceof Float32Array) reluFloat32(a, out);
      else
        for (; i < n; i++) {
          const v = a[i];
          out[i] = v > 0 || v !== v ? v : 0; // NaN propagates, as in PyTorch and tfjs
        }
      return;
    case 'softplus':
      // log(1 + e^x) = max(x, 0) + log1p(e^-|x|), finite for any x.
      for (; i < n; i++) {
        const x = a[i];
        out[i] = (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
      }
      return;
    case 'erf':
      if (out instanceof Float32Array) for (; i < n; i++) out[i] = erf32(a[i]);
      else for (; i < n; i++) out[i] = erf(a[i]);
      return;
    case 'step':
      for (; i < n; i++) out[i] = +(a[i] > 0);
      return;
  }
}

/** Whether `src` fills the trailing axes of the output exactly and repeats only along leading ones. */
function repeatsAsBlock(srcShape: readonly number[], outShape: readonly number[]): boolean {
  const offset = outShape.length - srcShape.length;
  let i = srcShape.length - 1;
  while (i >= 0 && srcShape[i] === outShape[i + offset]) i--;
  for (; i >= 0; i--) if (srcShape[i] !== 1) return false;
  return true;
}

/**
 * Copies `src` (shape `srcShape`, broadcastable) into `out` of shape `outShape`,
 * repeating along axes where the source has size 1 or is missing.
 */
export function broadcastCopy(
  src: TypedArray,
  srcShape: readonly number[],
  outShape: readonly number[],
  out: TypedArray,
): void {
  if (repeatsAsBlock(srcShape, outShape) && src.length > 0) {
    // The common bias case ([C] over [N, H, W, C]): tile the whole source by doubling copies.
    out.set(src.subarray(0, Math.min(src.length, out.length)), 0);
    for (let filled = src.length; filled < out.length; filled *= 2) {
      out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
    }
    return;
  }
  const nd = outShape.length;
  const offset = nd - srcShape.length;
  // Source strides aligned to the output's axes; 0 where the source repeats.
  const strides = new Array<number>(nd).fill(0);
  let s = 1;
  for (let i = srcShape.length - 1; i >= 0; i--) {
    strides[i + offset] = srcShape[i] === 1 ? 0 : s;
    s *= srcShape[i];
  }
  if (nd === 0) {
    out[0] = src[0];
    return;
  }
  const inner = outShape[nd - 1];
  const innerStride = strides[nd - 1];
  const counter = new Array<number>(nd).fill(0);
  let srcBase = 0;
  for (let o = 0; o < out.length; o += inner) {
    if (innerStride === 1) out.set(src.subarray(srcBase, srcBase + inner), o);
    else out.fill(src[srcBase], o, o + inner);
    // Advance the odometer over the outer axes.
    for (let ax = nd - 2; ax >= 0; ax--) {
      counter[ax]++;
      srcBase += strides[ax];
      if (counter[ax] < outShape[ax]) break;
      srcBase -= strides[ax] * outShape[ax];
      counter[ax] = 0;
    }
  }
}

/** Activations `biasActivationKernel` can apply in the same pass as the bias add. */
export type BiasActivationKernel = 'linear' | 'relu' | 'sigmoid' | 'tanh';

/**
 * out[r, c] = act(z[r, c] + bias[c]) for z viewed as rows of `bias.length` channels:
 * a layer's bias add and activation in one pass, with one output allocation.
 */
export function biasActivationKernel(
  activation: BiasActivationKernel,
  z: TypedArray,
  bias: TypedArray,
  out: TypedArray,
): void {
  const channels = bias.length;
  const n = out.length;
  switch (activation) {
    case 'linear':
      for (let base = 0; base < n; base += channels)
        for (let c = 0; c < channels; c++) out[base + c] = z[base + c] + bias[c];
      return;
    case 'relu':
      for (let base = 0; base < n; base += channels)
        for (let c = 0; c < channels; c++) {
          const v = z[base + c] + bias[c];
          out[base + c] = v > 0 || v !== v ? v : 0; // NaN propagates
        }
      return;
    case 'sigmoid':
      // Split by sign so exp never overflows (as the sigmoid kernel).
      for (let base = 0; base < n; base += channels)
        for (let c = 0; c < channels; c++) {
          const v = z[base + c] + bias[c];
          if (v >= 0) out[base + c] = 1 / (1 + Math.exp(-v));
          else {
            const e = Math.exp(v);
            out[base + c] = e / (1 + e);
          }
        }
      return;
    case 'tanh':
      for (let base = 0; base < n; base += channels)
        for (let c = 0; c < channels; c++) out[base + c] = Math.tanh(z[base + c] + bias[c]);
      return;
  }
}

/** out[i] = condition[i] !== 0 ? a[i] : b[i] (all four of one length). */
export function whereKernel(condition: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) out[i] = condition[i] !== 0 ? a[i] : b[i];
}
