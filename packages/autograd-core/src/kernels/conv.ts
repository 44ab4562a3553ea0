/**
 * Convolution and pooling kernels on NHWC data. A convolution is im2col (every
 * receptive field laid out as a row) followed by one matmul; col2im is its adjoint.
 */
import type { TypedArray } from '../dtype';
import { ShapeError, ValueError } from '../errors';

/** Geometry of a sliding window over an NHWC input. */
export interface WindowGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
  outH: number;
  outW: number;
}

/**
 * Output size and padding for 'valid' (no padding) or 'same' (output = ceil(in/stride),
 * padding split with the extra on the bottom/right, as TensorFlow does).
 */
export function windowGeometry(
  op: string,
  inputShape: readonly number[],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilation: readonly [number, number],
  padding: 'valid' | 'same',
): WindowGeometry {
  const [batch, inH, inW, channels] = inputShape;
  const [kernelH, kernelW] = kernel;
  const [strideH, strideW] = strides;
  const [dilationH, dilationW] = dilation;
  for (const v of [kernelH, kernelW, strideH, strideW, dilationH, dilationW]) {
    if (!Number.isInteger(v) || v < 1) {
      throw new ValueError(
        `${op}: kernel size, strides and dilation must be positive integers, got kernel [${kernel}] strides [${strides}] dilation [${dilation}]`,
      );
    }
  }
  const effH = (kernelH - 1) * dilationH + 1;
  const effW = (kernelW - 1) * dilationW + 1;
  let outH: number,
    outW: number,
    padTop = 0,
    padLeft = 0;
  if (padding === 'same') {
    outH = Math.ceil(inH / strideH);
    outW = Math.ceil(inW / strideW);
    padTop = Math.floor(Math.max((outH - 1) * strideH + effH - inH, 0) / 2);
    padLeft = Math.floor(Math.max((outW - 1) * strideW + effW - inW, 0) / 2);
  } else if (padding === 'valid') {
    outH = Math.floor((inH - effH) / strideH) + 1;
    outW = Math.floor((inW - effW) / strideW) + 1;
    if (inH < effH || inW < effW) {
      throw new ShapeError(
        `${op}: input [${inputShape}] is smaller than the ${kernelH}x${kernelW} window (dilation [${dilation}]) with 'valid' padding`,
      );
    }
  } else {
    throw new ValueError(`${op}: padding must be 'valid' or 'same', got '${padding}'`);
  }
  return {
    batch,
    inH,
    inW,
    channels,
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
  };
}

/** cols[(n,oy,ox), (ky,kx,c)] = x[n, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, c] (0 outside). */
export function im2col(x: TypedArray, g: WindowGeometry, cols: TypedArray): void {
  const { batch, inH, inW, channels: C, kernelH, kernelW, strideH, strideW } = g;
  const { dilationH, dilationW, padTop, padLeft, outH, outW } = g;
  const rowLength = kernelH * kernelW * C;
  // With no horizontal dilation, one kernel row (kx, c) is kernelW·C contiguous input values.
  const segment = dilationW === 1 ? kernelW * C : 0;
  let row = 0;
  for (let n = 0; n < batch; n++) {
    const imageBase = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, row++) {
        let dst = row * rowLength;
        const ix0 = ox * strideW - padLeft;
        const inside = segment > 0 && ix0 >= 0 && ix0 + kernelW <= inW;
        for (let ky = 0; ky < kernelH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          if (iy < 0 || iy >= inH) {
            cols.fill(0, dst, dst + kernelW * C);
            dst += kernelW * C;
          } else if (inside) {
            const src = imageBase + (iy * inW + ix0) * C;
            for (let j = 0; j < segment; j++) cols[dst + j] = x[src + j];
            dst += segment;
          } else {
            for (let kx = 0; kx < kernelW; kx++, dst += C) {
              const ix = ix0 + kx * dilationW;
              if (ix < 0 || ix >= inW) {
                cols.fill(0, dst, dst + C);
              } else {
                const src = imageBase + (iy * inW + ix) * C;
                for (let c = 0; c < C; c++) cols[dst + c] = x[src + c];
              }
            }
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds each column entry back into the input position it came from. */
export function col2im(cols: TypedArray, g: WindowGeometry, x: TypedArray): void {
  const { batch, inH, inW, channels: C, kernelH, kernelW, strideH, strideW } = g;
  const { dilationH, dilationW, padTop, padLeft, outH, outW } = g;
  x.fill(0);
  const rowLength = kernelH * kernelW * C;
  const segment = dilationW === 1 ? kernelW * C : 0; // as in im2col
  let row = 0;
  for (let n = 0; n < batch; n++) {
    const imageBase = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, row++) {
        let src = row * rowLength;
        const ix0 = ox * strideW - padLeft;
        const inside = segment > 0 && ix0 >= 0 && ix0 + kernelW <= inW;
        for (let ky = 0; ky < kernelH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          if (iy < 0 || iy >= inH) {
            src += kernelW * C;
          } else if (inside) {
            const dst = imageBase + (iy * inW + ix0) * C;
            for (let j = 0; j < segment; j++) x[dst + j] += cols[src + j];
            src += segment;
          } else {
            for (let kx = 0; kx < kernelW; kx++, src += C) {
              const ix = ix0 + kx * dilationW;
              if (ix < 0 || ix >= inW) continue;
              const dst = imageBase + (iy * inW + ix) * C;
              for (let c = 0; c < C; c++) x[dst + c] += cols[src + c];
            }
          }
        }
      }
    }
  }
}

/** Max over each window (padding ignored); `argmax` receives the flat input index of each maximum. */
export function maxPoolKernel(x: TypedArray, g: WindowGeometry, out: TypedArray, argmax: Int32Array): void {
  const { batch, inH, inW, channels: C, kernelH, kernelW, strideH, strideW, padTop, padLeft, outH, outW } = g;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const imageBase = n * inH * inW * C;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = Math.max(oy * strideH - padTop, 0);
      const y1 = Math.min(oy * strideH - padTop + kernelH, inH);
      for (let ox = 0; ox < outW; ox++, o += C) {
        const x0 = Math.max(ox * strideW - padLeft, 0);
        const x1 = Math.min(ox * strideW - padLeft + kernelW, inW);
        // Start from the window's first pixel, then sweep the others over all channels at once.
        const first = imageBase + (y0 * inW + x0) * C;
        for (let c = 0; c < C; c++) {
          out[o + c] = x[first + c];
          argmax[o + c] = first + c;
        }
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
            const pixel = imageBase + (iy * inW + ix) * C;
            for (let c = 0; c < C; c++) {
              const v = x[pixel + c];
              // Strictly greater keeps the first maximum; a NaN wins once and stays (v !== v).
              if (v > out[o + c] || (v !== v && out[o + c] === out[o + c])) {
                out[o + c] = v;
                argmax[o + c] = pixel + c;
              }
            }
          }
        }
      }
    }
  }
}
