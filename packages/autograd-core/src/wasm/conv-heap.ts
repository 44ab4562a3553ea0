/**
 * One convolution kernel on operands already in wasm memory: the direct kernel when
 * every window lies inside the image (forward and filter gradient), else im2col/col2im
 * around the gemm with the column matrix in the scratch area.
 */
import type { WindowGeometry } from '../kernels/conv';
import { columnsShape } from '../kernels/convolution';
import type { WasmHeap } from './heap';
import type { LoadedKernels } from './runtime';

export type ConvKernel = 'conv2d' | 'conv2dBackpropFilter' | 'conv2dBackpropInput';

/** Whether every window lies inside the image (no padding reached): the direct kernels apply. */
export function windowsInside(g: WindowGeometry): boolean {
  const lastRow = (g.outH - 1) * g.strideH + (g.kernelH - 1) * g.dilationH;
  const lastColumn = (g.outW - 1) * g.strideW + (g.kernelW - 1) * g.dilationW;
  return g.padTop === 0 && g.padLeft === 0 && lastRow < g.inH && lastColumn < g.inW;
}

const isDirect = (kernel: ConvKernel, g: WindowGeometry) =>
  kernel !== 'conv2dBackpropInput' && windowsInside(g);

/** Floats of scratch `kernel` needs for geometry `g`. */
export function convScratchFloats(kernels: LoadedKernels, kernel: ConvKernel, g: WindowGeometry): number {
  if (isDirect(kernel, g))
    return kernels.exports.convDirectScratchBytes(g.kernelH, g.kernelW, g.channels) / 4;
  const [rows, depth] = columnsShape(g);
  return rows * depth;
}

/**
 * result = kernel(first, second) on byte addresses in `heap` (x and filters, x and dy,
 * or dy and filters). The direct filter kernel may read a few floats past dy: memory
 * must follow it (any values).
 */
export function convInHeap(
  kernels: LoadedKernels,
  heap: WasmHeap,
  kernel: ConvKernel,
  first: number,
  second: number,
  g: WindowGeometry,
  outChannels: number,
  result: number,
  scratch: number,
): void {
  const geometry = heap.writeGeometry(g);
  if (isDirect(kernel, g)) {
    const direct = kernel === 'conv2d' ? 'conv2dDirect' : 'conv2dBackpropFilterDirect';
    kernels.exports[direct](first, geometry, second, outChannels, result, scratch);
  } else {
    kernels.exports[kernel](first, geometry, second, outChannels, result, scratch, heap.workspaces[0]);
  }
}
