/**
 * One convolution kernel on operands already in wasm memory: the direct kernel when
 * every window lies inside the image (the input gradient's also needs channels in fours), else im2col/col2im
 * around the gemm with the column matrix in the scratch area. A large batch is cut into
 * blocks of whole images that the helper threads share (threads.ts): each block has its
 * own geometry and scratch; the filter gradient is the sum of per-block partial sums.
 */
import type { WindowGeometry } from '../kernels/conv';
import { columnsShape } from '../kernels/convolution';
import { type WasmHeap, alignUp } from './heap';
import type { LoadedKernels } from './runtime';
import type { Block, KernelThreads } from './threads';
import { GEOMETRY_FLOATS, blockGeometries, imageBlockCount, imageRanges } from './image-blocks';
import { biasActivateInHeap } from './bias-activation-heap';

export type ConvKernel = 'conv2d' | 'conv2dBackpropFilter' | 'conv2dBackpropInput';

/** A forward convolution's epilogue, out = act(out + bias): bias byte address and activation code (0 linear, 1 relu). */
export interface ConvEpilogue {
  bias: number;
  act: number;
}

/** Whether every window lies inside the image (no padding reached): the direct kernels apply. */
export function windowsInside(g: WindowGeometry): boolean {
  const lastRow = (g.outH - 1) * g.strideH + (g.kernelH - 1) * g.dilationH;
  const lastColumn = (g.outW - 1) * g.strideW + (g.kernelW - 1) * g.dilationW;
  return g.padTop === 0 && g.padLeft === 0 && lastRow < g.inH && lastColumn < g.inW;
}

/** Whether `kernel` has a direct form for `g` (the input gradient's needs C a multiple of 4). */
const isDirect = (kernel: ConvKernel, g: WindowGeometry) =>
  windowsInside(g) && (kernel !== 'conv2dBackpropInput' || g.channels % 4 === 0);

const DIRECT_KERNELS = {
  conv2d: 'conv2dDirect',
  conv2dBackpropFilter: 'conv2dBackpropFilterDirect',
  conv2dBackpropInput: 'conv2dBackpropInputDirect',
} as const;

/**
 * Convolutions with fewer multiply-adds than `minMacs` stay one block: sharing costs more
 * than it saves. From 2¹⁸ the benchmark CNN's convolutions (3–9 M multiply-adds) are shared:
 * with the second core free that trains 1.25× faster than keeping them on one thread (quiet
 * machine, alternating runs: 25.6–27.1k against 20.5–21.5k samples/s), although on a machine
 * busy with other work the wake-ups cost more than they save (about 1.1× slower there).
 * Tests set it to share small cases.
 */
export const convThreading = { minMacs: 1 << 18 };

const floatsOf = (bytes: number) => alignUp(bytes) / 4;

/** Runs the convolution kernels on operands in `heap`, sharing large batches with `threads`. */
export interface ConvRunner {
  /** Floats of scratch `kernel` needs for geometry `g` and F filters. */
  scratchFloats(kernel: ConvKernel, g: WindowGeometry, outChannels: number): number;
  /**
   * result = kernel(first, second) on byte addresses (x and filters, x and dy, or dy and
   * filters). The direct filter kernel may read a few floats past dy: memory must follow
   * it (any values). A forward `epilogue` is applied to the result (inside the direct
   * kernel, else by a bias-activation pass).
   */
  run(
    kernel: ConvKernel,
    first: number,
    second: number,
    g: WindowGeometry,
    outChannels: number,
    result: number,
    scratch: number,
    epilogue?: ConvEpilogue,
  ): void;
}

export function convRunner(kernels: LoadedKernels, heap: WasmHeap, threads: KernelThreads): ConvRunner {
  const wasm = kernels.exports;
  const macsOf = (g: WindowGeometry, F: number) =>
    g.batch * g.outH * g.outW * g.kernelH * g.kernelW * g.channels * F;

  const blockCount = (g: WindowGeometry, F: number) =>
    imageBlockCount(threads, g.batch, macsOf(g, F) >= convThreading.minMacs);

  /** Floats of one call's own scratch: the direct kernels' tables, or the column matrix of the images. */
  const callScratch = (kernel: ConvKernel, g: WindowGeometry, F: number) => {
    // A panel of F × 8 filter values and the pixels' window corners.
    if (isDirect(kernel, g) && kernel === 'conv2dBackpropInput') return F * 8 + g.outH * g.outW + 3;
    if (isDirect(kernel, g))
      return floatsOf(wasm.convDirectScratchBytes(g.kernelH, g.kernelW, g.channels, g.outH * g.outW));
    const [rows, depth] = columnsShape(g);
    return rows * depth;
  };
  const filterFloats = (g: WindowGeometry, F: number) => floatsOf(g.kernelH * g.kernelW * g.channels * F * 4);

  const scratchFloats = (kernel: ConvKernel, g: WindowGeometry, F: number): number => {
    const blocks = blockCount(g, F);
    if (blocks === 1) return callScratch(kernel, g, F);
    const partials = kernel === 'conv2dBackpropFilter' ? (blocks - 1) * filterFloats(g, F) : 0;
    const own = isDirect(kernel, g) ? blocks * callScratch(kernel, g, F) : callScratch(kernel, g, F);
    return blocks * GEOMETRY_FLOATS + partials + own;
  };

  /** The kernel call on the images from `start` on that `geometry` describes, writing `result`. */
  const block = (
    kernel: ConvKernel,
    g: WindowGeometry,
    F: number,
    start: number,
    pointers: { first: number; second: number; result: number; geometry: number; scratch: number },
    epilogue: ConvEpilogue | undefined,
  ): Block => {
    const inImage = g.inH * g.inW * g.channels * 4;
    const outImage = g.outH * g.outW * F * 4;
    const { geometry, scratch } = pointers;
    let { first, second, result } = pointers;
    if (kernel === 'conv2d') {
      first += start * inImage;
      result += start * outImage;
    } else if (kernel === 'conv2dBackpropFilter') {
      first += start * inImage;
      second += start * outImage;
    } else {
      first += start * outImage;
      result += start * inImage;
    }
    if (isDirect(kernel, g)) {
      const args = [first, geometry, second, F, result, scratch];
      if (kernel === 'conv2d') args.push(epilogue?.bias ?? 0, epilogue?.act ?? 0);
      return { kernel: DIRECT_KERNELS[kernel], args };
    }
    return { kernel, args: [first, geometry, second, F, result, scratch], workspace: true };
  };

  const run = (
    kernel: ConvKernel,
    first: number,
    second: number,
    g: WindowGeometry,
    F: number,
    result: number,
    scratch: number,
    epilogue?: ConvEpilogue,
  ): void => {
    // The direct forward kernel applies the epilogue itself; other paths add a pass after.
    const fused = kernel === 'conv2d' && isDirect(kernel, g) ? epilogue : undefined;
    const blocks = blockCount(g, F);
    if (blocks === 1) {
      const geometry = heap.writeGeometry(g);
      threads.runHere(block(kernel, g, F, 0, { first, second, result, geometry, scratch }, fused));
    } else {
      runBlocks(kernel, g, F, blocks, { first, second, result, scratch }, fused);
    }
    if (epilogue && !fused) {
      const size = g.batch * g.outH * g.outW * F;
      biasActivateInHeap(kernels, threads, result, g.batch, size, F, epilogue.bias, epilogue.act);
    }
  };

  /** `run` cut into `blocks` blocks of images. */
  const runBlocks = (
    kernel: ConvKernel,
    g: WindowGeometry,
    F: number,
    blocks: number,
    { first, second, result, scratch }: { first: number; second: number; result: number; scratch: number },
    epilogue: ConvEpilogue | undefined,
  ): void => {
    // Scratch: each block's geometry, the filter gradient's partial sums, the calls' own scratch.
    const ranges = imageRanges(g.batch, blocks);
    const filter = kernel === 'conv2dBackpropFilter';
    const partialBytes = filterFloats(g, F) * 4;
    const partials = scratch + blocks * GEOMETRY_FLOATS * 4;
    const own = partials + (filter ? (blocks - 1) * partialBytes : 0);
    const direct = isDirect(kernel, g);
    const ownBytes = direct ? callScratch(kernel, g, F) * 4 : 0;
    const [, depth] = columnsShape(g);
    const geometries = blockGeometries(heap, g, ranges, scratch);
    const list = ranges.map((range, b) => {
      const geometry = geometries[b];
      const blockResult = filter && b > 0 ? partials + (b - 1) * partialBytes : result;
      // Im2col blocks use the column-matrix rows of their own images.
      const blockScratch = direct ? own + b * ownBytes : own + range[0] * g.outH * g.outW * depth * 4;
      const pointers = { first, second, result: blockResult, geometry, scratch: blockScratch };
      return block(kernel, g, F, range[0], pointers, epilogue);
    });
    threads.parallel(list, macsOf(g, F) / 1e9);
    if (filter) {
      const memory = heap.f32;
      const size = g.kernelH * g.kernelW * g.channels * F;
      const to = result >> 2;
      for (let b = 1; b < blocks; b++) {
        const from = (partials + (b - 1) * partialBytes) >> 2;
        for (let i = 0; i < size; i++) memory[to + i] += memory[from + i];
      }
    }
  };

  return { scratchFloats, run };
}
