/** Data-movement kernels: axis permutation and copying rectangular boxes between tensors. */
import type { TypedArray } from '../dtype';
import { stridesOf } from '../shape';

/** out = src with axes reordered so that out axis i is src axis perm[i]. */
export function permuteKernel(
  src: TypedArray,
  srcShape: readonly number[],
  perm: readonly number[],
  out: TypedArray,
): void {
  const nd = perm.length;
  if (nd === 0) {
    out[0] = src[0];
    return;
  }
  const srcStrides = stridesOf(srcShape);
  const outShape = perm.map((p) => srcShape[p]);
  const strides = perm.map((p) => srcStrides[p]); // source stride of each output axis
  if (nd === 2 && perm[0] === 1) {
    // Plain matrix transpose, blocked for cache reuse.
    const rows = outShape[0];
    const cols = outShape[1];
    const B = 32;
    for (let i0 = 0; i0 < rows; i0 += B)
      for (let j0 = 0; j0 < cols; j0 += B) {
        const iEnd = Math.min(i0 + B, rows);
        const jEnd = Math.min(j0 + B, cols);
        for (let i = i0; i < iEnd; i++) for (let j = j0; j < jEnd; j++) out[i * cols + j] = src[j * rows + i];
      }
    return;
  }
  const inner = outShape[nd - 1];
  const innerStride = strides[nd - 1];
  const counter = new Array<number>(nd).fill(0);
  let base = 0;
  for (let o = 0; o < out.length; o += inner) {
    for (let j = 0, s = base; j < inner; j++, s += innerStride) out[o + j] = src[s];
    for (let ax = nd - 2; ax >= 0; ax--) {
      counter[ax]++;
      base += strides[ax];
      if (counter[ax] < outShape[ax]) break;
      base -= strides[ax] * outShape[ax];
      counter[ax] = 0;
    }
  }
}

/** Runs at least this long are copied with TypedArray.set; shorter ones by a loop (set's call costs more). */
const COPY_BY_SET = 64;

/** dst[d..d+n) += src[s..s+n) on float32 arrays (a loop of one element type, which V8 keeps monomorphic). */
function addRun32(src: Float32Array, s: number, dst: Float32Array, d: number, n: number): void {
  for (let j = 0; j < n; j++) dst[d + j] += src[s + j];
}

/**
 * Copies (or, with mode 'add', adds) a box of shape `box` from `src` (starting at
 * `srcStart`) into `dst` (starting at `dstStart`). Slicing, padding, concat, split and
 * the accumulation of slice gradients all reduce to this.
 */
export function copyBox(
  src: TypedArray,
  srcShape: readonly number[],
  srcStart: readonly number[],
  dst: TypedArray,
  dstShape: readonly number[],
  dstStart: readonly number[],
  box: readonly number[],
  mode: 'copy' | 'add' = 'copy',
): void {
  let nd = box.length;
  if (nd === 0) {
    dst[0] = mode === 'add' ? dst[0] + src[0] : src[0];
    return;
  }
  for (const d of box) if (d === 0) return;
  const srcStrides = stridesOf(srcShape);
  const dstStrides = stridesOf(dstShape);
  let s = 0;
  let d = 0;
  for (let i = 0; i < nd; i++) {
    s += srcStart[i] * srcStrides[i];
    d += dstStart[i] * dstStrides[i];
  }
  // Trailing axes the box spans whole in both arrays are one contiguous run: fold them in.
  let inner = box[nd - 1];
  while (nd > 1 && box[nd - 1] === srcShape[nd - 1] && box[nd - 1] === dstShape[nd - 1]) {
    nd--;
    inner *= box[nd - 1];
  }
  const counter = new Array<number>(nd).fill(0);
  for (;;) {
    if (mode === 'copy') {
      if (inner >= COPY_BY_SET) dst.set(src.subarray(s, s + inner), d);
      else for (let j = 0; j < inner; j++) dst[d + j] = src[s + j];
    } else if (src instanceof Float32Array && dst instanceof Float32Array) addRun32(src, s, dst, d, inner);
    else for (let j = 0; j < inner; j++) dst[d + j] += src[s + j];
    let ax = nd - 2;
    for (; ax >= 0; ax--) {
      counter[ax]++;
      s += srcStrides[ax];
      d += dstStrides[ax];
      if (counter[ax] < box[ax]) break;
      s -= srcStrides[ax] * box[ax];
      d -= dstStrides[ax] * box[ax];
      counter[ax] = 0;
    }
    if (ax < 0) return;
  }
}
