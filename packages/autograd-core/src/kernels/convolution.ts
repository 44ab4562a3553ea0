/**
 * 2-D convolution and its two gradients on typed arrays, for any gemm: im2col then one
 * matrix product (forward and filter gradient), or a product then col2im (input
 * gradient). Shapes: x [N, H, W, C], filters [kh·kw·C, F] row-major (= [kh, kw, C, F]),
 * dy and the output [N·outH·outW, F] (= [N, outH, outW, F]).
 */
import { type TypedArray, allocate, dtypeOf } from '../dtype';
import { type WindowGeometry, col2im, im2col } from './conv';
import type { GemmKernel } from './matmul';

/** Rows (output pixels) and depth (kernel taps × channels) of the column matrix. */
export function columnsShape(g: WindowGeometry): [number, number] {
  return [g.batch * g.outH * g.outW, g.kernelH * g.kernelW * g.channels];
}

/** out = im2col(x) · filters. */
export function conv2dByGemm(
  gemm: GemmKernel,
  x: TypedArray,
  filters: TypedArray,
  g: WindowGeometry,
  outChannels: number,
  out: TypedArray,
): void {
  const [rows, depth] = columnsShape(g);
  const cols = allocate(dtypeOf(x), rows * depth);
  im2col(x, g, cols);
  gemm(false, false, rows, outChannels, depth, cols, 0, filters, 0, out, 0);
}

/** dFilters = im2col(x)ᵀ · dy. */
export function conv2dBackpropFilterByGemm(
  gemm: GemmKernel,
  x: TypedArray,
  dy: TypedArray,
  g: WindowGeometry,
  outChannels: number,
  dFilters: TypedArray,
): void {
  const [rows, depth] = columnsShape(g);
  const cols = allocate(dtypeOf(x), rows * depth);
  im2col(x, g, cols);
  gemm(true, false, depth, outChannels, rows, cols, 0, dy, 0, dFilters, 0);
}

/** dx = col2im(dy · filtersᵀ). */
export function conv2dBackpropInputByGemm(
  gemm: GemmKernel,
  dy: TypedArray,
  filters: TypedArray,
  g: WindowGeometry,
  outChannels: number,
  dx: TypedArray,
): void {
  const [rows, depth] = columnsShape(g);
  const cols = allocate(dtypeOf(dy), rows * depth);
  gemm(false, true, rows, depth, outChannels, dy, 0, filters, 0, cols, 0);
  col2im(cols, g, dx);
}
