/**
 * 2-D convolution (NHWC input, [kh, kw, C, F] filters) and its two gradients, as
 * im2col/col2im in wasm memory plus the SIMD gemm: the column matrix lives only in a
 * caller-provided scratch area, never in JavaScript. Pointers are byte addresses of f32
 * data; the window geometry is passed as the address of a Geometry block.
 */
import { gemm } from './gemm';

/**
 * The window geometry of a convolution or pooling: 14 consecutive i32 values at the
 * address the caller passes, in this order (WindowGeometry in src/kernels/conv.ts,
 * written by WasmHeap.writeGeometry). Kernels copy the fields their inner loops use
 * into locals.
 */
@unmanaged
export class Geometry {
  batch: i32;
  inH: i32;
  inW: i32;
  channels: i32;
  kernelH: i32;
  kernelW: i32;
  strideH: i32;
  strideW: i32;
  dilationH: i32;
  dilationW: i32;
  padTop: i32;
  padLeft: i32;
  outH: i32;
  outW: i32;

  /** Rows of the column matrix: one per output pixel. */
  get columnRows(): i32 {
    return this.batch * this.outH * this.outW;
  }

  /** Columns of the column matrix: one per tap (ky, kx, c) of a window. */
  get columnDepth(): i32 {
    return this.kernelH * this.kernelW * this.channels;
  }

  /** Bytes of one input image. */
  get imageBytes(): usize {
    return (<usize>(this.inH * this.inW * this.channels)) << 2;
  }

  /** Bytes between the input rows under consecutive output rows. */
  get rowStepBytes(): usize {
    return (<usize>(this.strideH * this.inW * this.channels)) << 2;
  }

  /** Bytes between the input pixels under consecutive output pixels of a row. */
  get pixelStepBytes(): usize {
    return (<usize>(this.strideW * this.channels)) << 2;
  }
}

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

/**
 * Moves data between x (NHWC) and the column matrix cols[(n,oy,ox), (ky,kx,c)] =
 * x[n, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, c] (0 outside the image): a gather
 * (im2col) copies x into cols; a scatter (col2im, the adjoint) adds cols back into x.
 */
function moveColumns(x: usize, geometry: usize, cols: usize, scatter: bool): void {
  const g = changetype<Geometry>(geometry);
  const rowBytes = (<usize>g.columnDepth) << 2;
  const inH = g.inH;
  const inW = g.inW;
  const C = g.channels;
  const kernelH = g.kernelH;
  const kernelW = g.kernelW;
  const strideW = g.strideW;
  const dilationH = g.dilationH;
  const dilationW = g.dilationW;
  const padLeft = g.padLeft;
  const outW = g.outW;
  const channelBytes = (<usize>C) << 2;
  const segment = dilationW == 1 ? kernelW * C : 0; // a kernel row is contiguous in x
  let row = cols;
  for (let n = 0; n < g.batch; n++) {
    const image = x + ((<usize>(n * inH * inW * C)) << 2);
    for (let oy = 0; oy < g.outH; oy++) {
      const iy0 = oy * g.strideH - g.padTop;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padLeft;
        const inside = segment > 0 && ix0 >= 0 && ix0 + kernelW <= inW;
        let d = row;
        for (let ky = 0; ky < kernelH; ky++) {
          const iy = iy0 + ky * dilationH;
          if (iy < 0 || iy >= inH) {
            if (!scatter) memory.fill(d, 0, <usize>kernelW * channelBytes);
            d += <usize>kernelW * channelBytes;
          } else if (inside) {
            moveFloats(image + ((<usize>((iy * inW + ix0) * C)) << 2), d, segment, scatter);
            d += (<usize>segment) << 2;
          } else {
            for (let kx = 0; kx < kernelW; kx++) {
              const ix = ix0 + kx * dilationW;
              if (ix >= 0 && ix < inW)
                moveFloats(image + ((<usize>((iy * inW + ix) * C)) << 2), d, C, scatter);
              else if (!scatter) memory.fill(d, 0, channelBytes);
              d += channelBytes;
            }
          }
        }
        row += rowBytes;
      }
    }
  }
}

/** `count` floats from x to the column at `column` (gather), or added back (scatter). */
function moveFloats(image: usize, column: usize, count: i32, scatter: bool): void {
  if (scatter) addFloats(image, column, count);
  else copyFloats(column, image, count);
}

/** cols[(n,oy,ox), (ky,kx,c)] = x[n, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, c] (0 outside). */
export function im2col(x: usize, geometry: usize, cols: usize): void {
  moveColumns(x, geometry, cols, false);
}

/** The adjoint of im2col: x = 0, then each column entry is added back where it came from. */
export function col2im(cols: usize, geometry: usize, x: usize): void {
  const g = changetype<Geometry>(geometry);
  memory.fill(x, 0, (<usize>(g.batch * g.inH * g.inW * g.channels)) << 2);
  moveColumns(x, geometry, cols, true);
}

/** out [N·outH·outW, F] = im2col(x) · w, with w [kh·kw·C, F]. */
export function conv2d(
  x: usize,
  geometry: usize,
  w: usize,
  F: i32,
  out: usize,
  cols: usize,
  work: usize,
): void {
  im2col(x, geometry, cols);
  const g = changetype<Geometry>(geometry);
  const depth = g.columnDepth;
  gemm(false, false, g.columnRows, F, depth, cols, depth, w, F, out, F, work);
}

/** dw [kh·kw·C, F] = im2col(x)ᵀ · dy, with dy [N·outH·outW, F]. */
export function conv2dBackpropFilter(
  x: usize,
  geometry: usize,
  dy: usize,
  F: i32,
  dw: usize,
  cols: usize,
  work: usize,
): void {
  im2col(x, geometry, cols);
  const g = changetype<Geometry>(geometry);
  const depth = g.columnDepth;
  gemm(true, false, depth, F, g.columnRows, cols, depth, dy, F, dw, F, work);
}

/** dx [N, H, W, C] = col2im(dy · wᵀ), with dy [N·outH·outW, F] and w [kh·kw·C, F]. */
export function conv2dBackpropInput(
  dy: usize,
  geometry: usize,
  w: usize,
  F: i32,
  dx: usize,
  cols: usize,
  work: usize,
): void {
  const g = changetype<Geometry>(geometry);
  const depth = g.columnDepth;
  gemm(false, true, g.columnRows, depth, F, dy, F, w, F, cols, depth, work);
  col2im(cols, geometry, dx);
}

/*
 * Direct ("implicit gemm") kernels for convolutions whose windows all lie inside the
 * image (no padding): the column matrix is never built. Tap t = (ky, kx, c) of output
 * pixel p reads x at base(p) + offset(t), so a kernel step is a gemm step with A read
 * straight from x through a table of tap offsets. With few channels (a first layer on
 * grey images) this is several times faster than im2col + gemm.
 */

/**
 * Byte offset of each tap (ky, kx, c) from its window's corner, into `offsets`; returns
 * the first cache-line-aligned byte after the table.
 */
function tapOffsets(g: Geometry, offsets: usize): usize {
  const inW = g.inW;
  const C = g.channels;
  const kernelW = g.kernelW;
  let t = 0;
  for (let ky = 0; ky < g.kernelH; ky++) {
    for (let kx = 0; kx < kernelW; kx++) {
      for (let c = 0; c < C; c++, t++) {
        store<i32>(offsets + ((<usize>t) << 2), ((ky * g.dilationH * inW + kx * g.dilationW) * C + c) << 2);
      }
    }
  }
  return (offsets + ((<usize>t) << 2) + 63) & ~(<usize>63);
}

/**
 * Byte offset of each output pixel's window corner from its image's start, [outH·outW + 3]
 * i32 at `at`: pixel k of an image, then the first 3 of the images that follow, so that a
 * tile of four pixels counted through the batch reads its corners from one place.
 */
function cornerTable(g: Geometry, at: usize): void {
  const perImage = g.outH * g.outW;
  for (let k = 0; k < perImage + 3; k++) {
    const pixel = k % perImage;
    const oy = <usize>(pixel / g.outW);
    const ox = <usize>(pixel % g.outW);
    const corner = <usize>(k / perImage) * g.imageBytes + oy * g.rowStepBytes + ox * g.pixelStepBytes;
    store<i32>(at + ((<usize>k) << 2), <i32>corner);
  }
}

/**
 * Bytes of scratch the direct kernels need: tap offsets, a packed filter panel, an edge tile,
 * and (forward) the window corner of each of an image's `outPixels` output pixels.
 */
export function convDirectScratchBytes(kernelH: i32, kernelW: i32, C: i32, outPixels: i32): usize {
  const taps = <usize>(kernelH * kernelW * C);
  return (taps << 2) + 64 + (taps << 5) + 4 * 8 * 4 + ((<usize>(outPixels + 3)) << 2);
}

/**
 * out [N, outH, outW, F] = act(conv2d(x, w) + bias) for windows inside the image: four
 * output pixels (consecutive through the batch) × eight filters per step, in 8 f32x4 accumulators, w packed per
 * panel. (V8 keeps a 4×8 tile in registers; a 6×8 tile, 12 accumulators, spills and runs
 * about a quarter slower.) The bias (none when 0) is added to each finished sum and act
 * applied as biasActivate does (0 linear, 1 relu), so the results are the same bits.
 */
export function conv2dDirect(
  x: usize,
  geometry: usize,
  w: usize,
  F: i32,
  out: usize,
  scratch: usize,
  bias: usize,
  act: i32,
): void {
  const g = changetype<Geometry>(geometry);
  const taps = g.columnDepth;
  const offsets = scratch;
  const panel = tapOffsets(g, offsets); // then a packed panel of filters, then an edge tile
  const tile = panel + ((<usize>taps) << 5);
  const corners = tile + 4 * 8 * 4;
  cornerTable(g, corners);
  const perImage = g.outH * g.outW;
  const imageBytes = g.imageBytes;
  const pixels = g.batch * perImage;
  const relu = act == 1;
  const zero = f32x4.splat(0);
  for (let q = 0; q < F; q += 8) {
    const width = min(8, F - q);
    // This panel's bias, zero-padded past F (through the edge tile, which is free until the first store).
    v128.store(tile, zero);
    v128.store(tile, zero, 16);
    if (bias)
      for (let j = 0; j < width; j++)
        store<f32>(tile + ((<usize>j) << 2), load<f32>(bias + ((<usize>(q + j)) << 2)));
    const bias0 = v128.load(tile);
    const bias1 = v128.load(tile, 16);
    // This panel of filters, [tap][8], zero-padded past F.
    for (let t = 0; t < taps; t++) {
      const d = panel + ((<usize>t) << 5);
      v128.store(d, f32x4.splat(0));
      v128.store(d, f32x4.splat(0), 16);
      for (let j = 0; j < width; j++)
        store<f32>(d + ((<usize>j) << 2), load<f32>(w + ((<usize>(t * F + q + j)) << 2)));
    }
    // Four pixels per tile, counted through the whole batch (no ragged tile at each row's end).
    let image = x;
    let i = 0;
    for (let p = 0; p < pixels; p += 4) {
      const height = min(4, pixels - p);
      // The table runs 3 entries into the following images, so a tile never looks past it.
      const c = corners + ((<usize>i) << 2);
      const a0 = image + <usize>load<i32>(c);
      const a1 = height > 1 ? image + <usize>load<i32>(c, 4) : a0;
      const a2 = height > 2 ? image + <usize>load<i32>(c, 8) : a1;
      const a3 = height > 3 ? image + <usize>load<i32>(c, 12) : a2;
      for (i += 4; i >= perImage; i -= perImage) image += imageBytes;
      let c00 = f32x4.splat(0),
        c01 = f32x4.splat(0),
        c10 = f32x4.splat(0),
        c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0),
        c21 = f32x4.splat(0),
        c30 = f32x4.splat(0),
        c31 = f32x4.splat(0);
      let bp = panel;
      for (let t = 0; t < taps; t++) {
        const off = <usize>load<i32>(offsets + ((<usize>t) << 2));
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let v = v128.load32_splat(a0 + off);
        c00 = f32x4.add(c00, f32x4.mul(v, b0));
        c01 = f32x4.add(c01, f32x4.mul(v, b1));
        v = v128.load32_splat(a1 + off);
        c10 = f32x4.add(c10, f32x4.mul(v, b0));
        c11 = f32x4.add(c11, f32x4.mul(v, b1));
        v = v128.load32_splat(a2 + off);
        c20 = f32x4.add(c20, f32x4.mul(v, b0));
        c21 = f32x4.add(c21, f32x4.mul(v, b1));
        v = v128.load32_splat(a3 + off);
        c30 = f32x4.add(c30, f32x4.mul(v, b0));
        c31 = f32x4.add(c31, f32x4.mul(v, b1));
        bp += 32;
      }
      if (bias || relu) {
        c00 = biasActivated(c00, bias0, relu);
        c01 = biasActivated(c01, bias1, relu);
        c10 = biasActivated(c10, bias0, relu);
        c11 = biasActivated(c11, bias1, relu);
        c20 = biasActivated(c20, bias0, relu);
        c21 = biasActivated(c21, bias1, relu);
        c30 = biasActivated(c30, bias0, relu);
        c31 = biasActivated(c31, bias1, relu);
      }
      // Output pixels are F floats apart: store `height` of them, `width` filters each.
      storeRows(
        c00,
        c01,
        c10,
        c11,
        c20,
        c21,
        c30,
        c31,
        out + ((<usize>(p * F + q)) << 2),
        F,
        height,
        width,
        tile,
      );
    }
  }
}

/** act(sum + bias) as biasActivate computes it (relu: NaN propagates, −0 gives +0). */
function biasActivated(sum: v128, bias: v128, relu: bool): v128 {
  const v = f32x4.add(sum, bias);
  return relu ? f32x4.max(v, f32x4.splat(0)) : v;
}

/**
 * dx [N, H, W, C] for windows inside the image with C a multiple of 4, without a column
 * matrix: dx = 0, then for each tap (ky, kx), eight channels c at a time and each output
 * pixel p, dx[base(p) + offset(ky, kx), c] += Σ_f dy[p, f]·w[ky, kx, c, f], four pixels
 * (consecutive through the batch) per tile, added one after the other. `scratch` holds a packed panel of F × 8 filter values, then the pixels'
 * window corners (outH·outW + 3 i32).
 */
export function conv2dBackpropInputDirect(
  dy: usize,
  geometry: usize,
  w: usize,
  F: i32,
  dx: usize,
  scratch: usize,
): void {
  const g = changetype<Geometry>(geometry);
  const C = g.channels;
  const dyPixel = (<usize>F) << 2;
  const corners = scratch + ((<usize>F) << 5); // after the filter panel
  cornerTable(g, corners);
  const perImage = g.outH * g.outW;
  const imageBytes = g.imageBytes;
  const pixels = g.batch * perImage;
  memory.fill(dx, 0, <usize>g.batch * g.imageBytes);
  for (let ky = 0; ky < g.kernelH; ky++) {
    for (let kx = 0; kx < g.kernelW; kx++) {
      const tap = ky * g.kernelW + kx;
      const offset = (<usize>((ky * g.dilationH * g.inW + kx * g.dilationW) * C)) << 2;
      for (let c0 = 0; c0 < C; c0 += 8) {
        const width = min(8, C - c0); // 4 or 8
        // panel[f][j] = w[ky, kx, c0 + j, f], zero past the channels.
        for (let f = 0; f < F; f++) {
          const d = scratch + ((<usize>f) << 5);
          v128.store(d, f32x4.splat(0));
          v128.store(d, f32x4.splat(0), 16);
          for (let j = 0; j < width; j++)
            store<f32>(d + ((<usize>j) << 2), load<f32>(w + ((<usize>((tap * C + c0 + j) * F + f)) << 2)));
        }
        // Four pixels per tile, counted through the whole batch (as the forward kernel).
        let image = dx + offset + ((<usize>c0) << 2);
        let i = 0;
        for (let p = 0; p < pixels; p += 4) {
          const height = min(4, pixels - p);
          const d0 = dy + <usize>p * dyPixel;
          const d1 = height > 1 ? d0 + dyPixel : d0;
          const d2 = height > 2 ? d1 + dyPixel : d1;
          const d3 = height > 3 ? d2 + dyPixel : d2;
          let c00 = f32x4.splat(0),
            c01 = f32x4.splat(0),
            c10 = f32x4.splat(0),
            c11 = f32x4.splat(0);
          let c20 = f32x4.splat(0),
            c21 = f32x4.splat(0),
            c30 = f32x4.splat(0),
            c31 = f32x4.splat(0);
          let bp = scratch;
          for (let f = 0; f < F; f++) {
            const at = (<usize>f) << 2;
            const b0 = v128.load(bp);
            const b1 = v128.load(bp, 16);
            let v = v128.load32_splat(d0 + at);
            c00 = f32x4.add(c00, f32x4.mul(v, b0));
            c01 = f32x4.add(c01, f32x4.mul(v, b1));
            v = v128.load32_splat(d1 + at);
            c10 = f32x4.add(c10, f32x4.mul(v, b0));
            c11 = f32x4.add(c11, f32x4.mul(v, b1));
            v = v128.load32_splat(d2 + at);
            c20 = f32x4.add(c20, f32x4.mul(v, b0));
            c21 = f32x4.add(c21, f32x4.mul(v, b1));
            v = v128.load32_splat(d3 + at);
            c30 = f32x4.add(c30, f32x4.mul(v, b0));
            c31 = f32x4.add(c31, f32x4.mul(v, b1));
            bp += 32;
          }
          const at = corners + ((<usize>i) << 2);
          addPixel(image + <usize>load<i32>(at), c00, c01, width);
          if (height > 1) addPixel(image + <usize>load<i32>(at, 4), c10, c11, width);
          if (height > 2) addPixel(image + <usize>load<i32>(at, 8), c20, c21, width);
          if (height > 3) addPixel(image + <usize>load<i32>(at, 12), c30, c31, width);
          for (i += 4; i >= perImage; i -= perImage) image += imageBytes;
        }
      }
    }
  }
}

/** dst[0..width) += (lo, hi) for width 4 or 8. */
function addPixel(dst: usize, lo: v128, hi: v128, width: i32): void {
  v128.store(dst, f32x4.add(v128.load(dst), lo));
  if (width == 8) v128.store(dst, f32x4.add(v128.load(dst, 16), hi), 16);
}

/** Writes rows i < height of a 4×8 tile to dst + i·stride floats, `width` columns each (via `tile` when narrow). */
function storeRows(
  c00: v128,
  c01: v128,
  c10: v128,
  c11: v128,
  c20: v128,
  c21: v128,
  c30: v128,
  c31: v128,
  dst: usize,
  stride: i32,
  height: i32,
  width: i32,
  tile: usize,
): void {
  const step = (<usize>stride) << 2;
  if (width == 8) {
    v128.store(dst, c00);
    v128.store(dst, c01, 16);
    if (height > 1) {
      v128.store(dst + step, c10);
      v128.store(dst + step, c11, 16);
    }
    if (height > 2) {
      v128.store(dst + 2 * step, c20);
      v128.store(dst + 2 * step, c21, 16);
    }
    if (height > 3) {
      v128.store(dst + 3 * step, c30);
      v128.store(dst + 3 * step, c31, 16);
    }
    return;
  }
  v128.store(tile, c00, 0);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      store<f32>(dst + <usize>i * step + ((<usize>j) << 2), load<f32>(tile + ((<usize>(i * 8 + j)) << 2)));
    }
  }
}

/**
 * dw [kh·kw·C, F] = Σ over output pixels p of x[base(p) + offset(t)] · dy[p, f], for
 * windows inside the image: four taps × eight filters per tile, summed over every pixel.
 */
export function conv2dBackpropFilterDirect(
  x: usize,
  geometry: usize,
  dy: usize,
  F: i32,
  dw: usize,
  scratch: usize,
): void {
  const g = changetype<Geometry>(geometry);
  const taps = g.columnDepth;
  const offsets = scratch;
  const tile = tapOffsets(g, offsets);
  const pixelStep = g.pixelStepBytes;
  const outW = g.outW;
  const dyStep = (<usize>F) << 2;
  for (let t0 = 0; t0 < taps; t0 += 4) {
    const height = min(4, taps - t0);
    const last = height - 1;
    const o0 = <usize>load<i32>(offsets + ((<usize>t0) << 2));
    const o1 = <usize>load<i32>(offsets + ((<usize>(t0 + min(1, last))) << 2));
    const o2 = <usize>load<i32>(offsets + ((<usize>(t0 + min(2, last))) << 2));
    const o3 = <usize>load<i32>(offsets + ((<usize>(t0 + min(3, last))) << 2));
    for (let q = 0; q < F; q += 8) {
      const width = min(8, F - q);
      let c00 = f32x4.splat(0),
        c01 = f32x4.splat(0),
        c10 = f32x4.splat(0),
        c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0),
        c21 = f32x4.splat(0),
        c30 = f32x4.splat(0),
        c31 = f32x4.splat(0);
      // Lanes past F read the next pixel's values (or the guard after dy); they are not stored.
      let d = dy + ((<usize>q) << 2);
      for (let n = 0; n < g.batch; n++) {
        for (let oy = 0; oy < g.outH; oy++) {
          let a = x + <usize>n * g.imageBytes + <usize>oy * g.rowStepBytes;
          for (let ox = 0; ox < outW; ox++) {
            const b0 = v128.load(d);
            const b1 = v128.load(d, 16);
            let v = v128.load32_splat(a + o0);
            c00 = f32x4.add(c00, f32x4.mul(v, b0));
            c01 = f32x4.add(c01, f32x4.mul(v, b1));
            v = v128.load32_splat(a + o1);
            c10 = f32x4.add(c10, f32x4.mul(v, b0));
            c11 = f32x4.add(c11, f32x4.mul(v, b1));
            v = v128.load32_splat(a + o2);
            c20 = f32x4.add(c20, f32x4.mul(v, b0));
            c21 = f32x4.add(c21, f32x4.mul(v, b1));
            v = v128.load32_splat(a + o3);
            c30 = f32x4.add(c30, f32x4.mul(v, b0));
            c31 = f32x4.add(c31, f32x4.mul(v, b1));
            a += pixelStep;
            d += dyStep;
          }
        }
      }
      storeRows(
        c00,
        c01,
        c10,
        c11,
        c20,
        c21,
        c30,
        c31,
        dw + ((<usize>(t0 * F + q)) << 2),
        F,
        height,
        width,
        tile,
      );
    }
  }
}
