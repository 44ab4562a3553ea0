/**
 * 2-D convolution (NHWC input, [kh, kw, C, F] filters) and its two gradients, as
 * im2col/col2im in wasm memory plus the SIMD gemm: the column matrix lives only in a
 * caller-provided scratch area, never in JavaScript. Geometry arguments match
 * WindowGeometry in src/kernels/conv.ts; pointers are byte addresses of f32 data.
 */
import { gemm } from './gemm';

/** Copies `count` floats from `src` to `dst`, four at a time. */
function copyFloats(dst: usize, src: usize, count: i32): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) v128.store(dst + ((<usize>j) << 2), v128.load(src + ((<usize>j) << 2)));
  for (; j < count; j++) store<f32>(dst + ((<usize>j) << 2), load<f32>(src + ((<usize>j) << 2)));
}

/** dst[j] += src[j] for `count` floats, four at a time. */
function addFloats(dst: usize, src: usize, count: i32): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const d = dst + ((<usize>j) << 2);
    v128.store(d, f32x4.add(v128.load(d), v128.load(src + ((<usize>j) << 2))));
  }
  for (; j < count; j++) {
    const d = dst + ((<usize>j) << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + ((<usize>j) << 2)));
  }
}

/** cols[(n,oy,ox), (ky,kx,c)] = x[n, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, c] (0 outside). */
export function im2col(
  x: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  C: i32,
  kernelH: i32,
  kernelW: i32,
  strideH: i32,
  strideW: i32,
  dilationH: i32,
  dilationW: i32,
  padTop: i32,
  padLeft: i32,
  outH: i32,
  outW: i32,
  cols: usize,
): void {
  const rowBytes = (<usize>(kernelH * kernelW * C)) << 2;
  const channelBytes = (<usize>C) << 2;
  const segment = dilationW == 1 ? kernelW * C : 0; // a kernel row is contiguous in x
  let dst = cols;
  for (let n = 0; n < batch; n++) {
    const image = x + ((<usize>(n * inH * inW * C)) << 2);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padLeft;
        const inside = segment > 0 && ix0 >= 0 && ix0 + kernelW <= inW;
        let d = dst;
        for (let ky = 0; ky < kernelH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          if (iy < 0 || iy >= inH) {
            memory.fill(d, 0, <usize>kernelW * channelBytes);
            d += <usize>kernelW * channelBytes;
          } else if (inside) {
            copyFloats(d, image + ((<usize>((iy * inW + ix0) * C)) << 2), segment);
            d += (<usize>segment) << 2;
          } else {
            for (let kx = 0; kx < kernelW; kx++) {
              const ix = ix0 + kx * dilationW;
              if (ix < 0 || ix >= inW) memory.fill(d, 0, channelBytes);
              else copyFloats(d, image + ((<usize>((iy * inW + ix) * C)) << 2), C);
              d += channelBytes;
            }
          }
        }
        dst += rowBytes;
      }
    }
  }
}

/** The adjoint of im2col: x = 0, then each column entry is added back where it came from. */
export function col2im(
  cols: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  C: i32,
  kernelH: i32,
  kernelW: i32,
  strideH: i32,
  strideW: i32,
  dilationH: i32,
  dilationW: i32,
  padTop: i32,
  padLeft: i32,
  outH: i32,
  outW: i32,
  x: usize,
): void {
  memory.fill(x, 0, (<usize>(batch * inH * inW * C)) << 2);
  const rowBytes = (<usize>(kernelH * kernelW * C)) << 2;
  const channelBytes = (<usize>C) << 2;
  const segment = dilationW == 1 ? kernelW * C : 0;
  let src = cols;
  for (let n = 0; n < batch; n++) {
    const image = x + ((<usize>(n * inH * inW * C)) << 2);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padLeft;
        const inside = segment > 0 && ix0 >= 0 && ix0 + kernelW <= inW;
        let s = src;
        for (let ky = 0; ky < kernelH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          if (iy < 0 || iy >= inH) {
            s += <usize>kernelW * channelBytes;
          } else if (inside) {
            addFloats(image + ((<usize>((iy * inW + ix0) * C)) << 2), s, segment);
            s += (<usize>segment) << 2;
          } else {
            for (let kx = 0; kx < kernelW; kx++) {
              const ix = ix0 + kx * dilationW;
              if (ix >= 0 && ix < inW) addFloats(image + ((<usize>((iy * inW + ix) * C)) << 2), s, C);
              s += channelBytes;
            }
          }
        }
        src += rowBytes;
      }
    }
  }
}

/** out [N·outH·outW, F] = im2col(x) · w, with w [kh·kw·C, F]. */
export function conv2d(
  x: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  C: i32,
  kernelH: i32,
  kernelW: i32,
  strideH: i32,
  strideW: i32,
  dilationH: i32,
  dilationW: i32,
  padTop: i32,
  padLeft: i32,
  outH: i32,
  outW: i32,
  w: usize,
  F: i32,
  out: usize,
  cols: usize,
  work: usize,
): void {
  im2col(
    x,
    batch,
    inH,
    inW,
    C,
    kernelH,
    kernelW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop,
    padLeft,
    outH,
    outW,
    cols,
  );
  const rows = batch * outH * outW;
  const depth = kernelH * kernelW * C;
  gemm(false, false, rows, F, depth, cols, depth, w, F, out, F, work);
}

/** dw [kh·kw·C, F] = im2col(x)ᵀ · dy, with dy [N·outH·outW, F]. */
export function conv2dBackpropFilter(
  x: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  C: i32,
  kernelH: i32,
  kernelW: i32,
  strideH: i32,
  strideW: i32,
  dilationH: i32,
  dilationW: i32,
  padTop: i32,
  padLeft: i32,
  outH: i32,
  outW: i32,
  dy: usize,
  F: i32,
  dw: usize,
  cols: usize,
  work: usize,
): void {
  im2col(
    x,
    batch,
    inH,
    inW,
    C,
    kernelH,
    kernelW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop,
    padLeft,
    outH,
    outW,
    cols,
  );
  const rows = batch * outH * outW;
  const depth = kernelH * kernelW * C;
  gemm(true, false, depth, F, rows, cols, depth, dy, F, dw, F, work);
}

/** dx [N, H, W, C] = col2im(dy · wᵀ), with dy [N·outH·outW, F] and w [kh·kw·C, F]. */
export function conv2dBackpropInput(
  dy: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  C: i32,
  kernelH: i32,
  kernelW: i32,
  strideH: i32,
  strideW: i32,
  dilationH: i32,
  dilationW: i32,
  padTop: i32,
  padLeft: i32,
  outH: i32,
  outW: i32,
  w: usize,
  F: i32,
  dx: usize,
  cols: usize,
  work: usize,
): void {
  const rows = batch * outH * outW;
  const depth = kernelH * kernelW * C;
  gemm(false, true, rows, depth, F, dy, F, w, F, cols, depth, work);
  col2im(
    cols,
    batch,
    inH,
    inW,
    C,
    kernelH,
    kernelW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop,
    padLeft,
    outH,
    outW,
    dx,
  );
}
