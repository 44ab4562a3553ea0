/**
 * The 'wasm' backend: float32 matrix products, convolutions and max pooling run in the
 * AssemblyScript SIMD kernels (assembly/); other dtypes (float64 for gradient checks,
 * int32) use the TypeScript kernels. Operands that live in the kernels' memory (weights,
 * optimiser slots, a training step's scratch tensors) are used in place; others are copied
 * in, computed on there, and the result copied back. Large products are shared with helper
 * threads (see threads.ts).
 */
import type { Kernels } from '../backend';
import type { TypedArray } from '../dtype';
import type { WindowGeometry } from '../kernels/conv';
import { tsKernels } from '../kernels';
import { conv2dBackpropFilterByGemm, conv2dBackpropInputByGemm, conv2dByGemm } from '../kernels/convolution';
import type { GemmKernel } from '../kernels/matmul';
import type { ConvKernels } from '../kernels/conv-bias-activation';
import { WasmHeap } from './heap';
import { type WasmElementwiseKernels, createWasmElementwise, vectorRanges } from './elementwise';
import { type WasmAttentionKernels, createWasmAttention } from './attention';
import { type WasmLayerNormKernels, createWasmLayerNorm } from './layer-norm';
import { type ConvKernel, convRunner } from './conv-heap';
import { fusedConvKernels } from './conv-fused';
import { wasmMaxPool } from './pool-heap';
import { type WasmOptimizerKernels, createWasmOptimizer } from './optimizer';
import { ResidentArrays } from './resident';
import { WasmScratchArena } from './scratch';
import { createWasmUnary } from './unary';
import { SPARSE_MIN_COLUMNS, SPARSE_MIN_MACS, looksSparse } from './sparse-product';
import { type WasmRecurrenceKernels, createWasmRecurrence } from './recurrence';
import { type LoadedKernels, loadKernels } from './runtime';
import { DEPTH_PARTS, depthParts, splitsDepth } from './depth-split';
import { ListedOperands } from './listed-operands';
import { type WasmDeferredKernels, createWasmDeferred } from './deferred';
import { taperShare, taperedRowBands } from './tapered-split';
import { type Block, KernelThreads, MAX_BLOCKS, defaultHelperCount } from './threads';

/** A block of C = op(A)·op(B) with every operand already in wasm memory (byte pointers). */
export interface GemmJob {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  a: number;
  lda: number;
  b: number;
  ldb: number;
  c: number;
  ldc: number;
}

/**
 * Products with fewer multiply-adds stay on one thread: waking a helper costs more. A
 * transformer's 1024×128×128 projections (2²⁴) take about 0.9 ms on one core and 0.45–0.6 ms
 * on two when the second core is free; its 1024×128×89 vocabulary projection (1.4·2²³)
 * also gains: char-GPT training 11,570–11,700 tokens/s with the threshold at 2²⁴, 11,670–11,870
 * at 2²³.
 */
const THREADED_MIN_MACS = 1 << 23;
/**
 * Nor are skinny products split (a side or the depth below this): they are bound by
 * memory traffic (im2col of few channels, bias-sized outputs), which a second core
 * sharing the caches barely speeds up.
 */
const THREADED_MIN_SIDE = 16;
/** Whether an m×n product of depth k is large enough to share with helper threads. */
function sharesProduct(m: number, n: number, k: number): boolean {
  return m * n * k >= THREADED_MIN_MACS && Math.min(m, n, k) >= THREADED_MIN_SIDE;
}
/** Products from this size on are cut into two blocks per thread (packing is repeated per block). */
const SPLIT_TWICE_MIN_MACS = 1 << 27;
/** Ranges a deep product's partial sums are added in (shared with helpers still polling). */
const PARTIAL_SUM_BLOCKS = 8;
/** Bands of rows the bias is added in after a product shared with helpers. */
const BIAS_BANDS = 8;
/** Columns per micro-tile of the kernel: column splits are multiples of it. */
const TILE_COLUMNS = 8;

/**
 * Splits a product into `parts` blocks of C along its longer side, each a whole
 * number of tiles: block i of columns reads columns of op(B), block i of rows reads
 * rows of op(A). The thread that runs a block packs into its own workspace.
 */
export function splitJob(job: GemmJob, parts: number, tileRows: number): GemmJob[] {
  const byColumns = job.n >= job.m;
  const extent = byColumns ? job.n : job.m;
  const unit = byColumns ? TILE_COLUMNS : tileRows;
  const tiles = Math.ceil(extent / unit);
  const jobs: GemmJob[] = [];
  let start = 0;
  for (let p = 0; p < parts && start < extent; p++) {
    const end = Math.min(extent, Math.round((tiles * (p + 1)) / parts) * unit);
    if (end <= start) continue;
    const size = end - start;
    if (byColumns) {
      const b = job.b + (job.transB ? start * job.ldb : start) * 4;
      jobs.push({ ...job, n: size, b, c: job.c + start * 4 });
    } else {
      const a = job.a + (job.transA ? start : start * job.lda) * 4;
      jobs.push({ ...job, m: size, a, c: job.c + start * job.ldc * 4 });
    }
    start = end;
  }
  return jobs;
}

/** The gemm call a job makes, as a block any thread can run. */
function gemmBlock(j: GemmJob): Block {
  return {
    kernel: 'gemm',
    args: [j.transA ? 1 : 0, j.transB ? 1 : 0, j.m, j.n, j.k, j.a, j.lda, j.b, j.ldb, j.c, j.ldc],
    workspace: true,
  };
}

/**
 * Splits rows 0..m into at most `count` bands of whole tiles of `tileRows` rows (the
 * kernel's gemmTileRows()): [start, end) pairs.
 */
export function rowBands(m: number, count: number, tileRows: number): [number, number][] {
  const tiles = Math.ceil(m / tileRows);
  const bands: [number, number][] = [];
  let start = 0;
  for (let b = 1; b <= count && start < m; b++) {
    const end = Math.min(m, Math.round((tiles * b) / count) * tileRows);
    if (end > start) bands.push([start, end]);
    start = Math.max(start, end);
  }
  return bands;
}

/**
 * The bands of rows a product shared by `threads` threads is cut into: MAX_BLOCKS bands that
 * shrink towards the end (tapered-split.ts), or four equal bands per thread where the
 * first tapered band would exceed a thread's share of the rows.
 */
export function productBands(m: number, threads: number, tileRows: number): [number, number][] {
  return taperShare(MAX_BLOCKS) <= 1 / threads
    ? taperedRowBands(m, MAX_BLOCKS, tileRows)
    : rowBands(m, Math.min(MAX_BLOCKS, 4 * threads), tileRows);
}

/** The wasm backend's kernels, with its helper threads (exposed for tests and tuning). */
export type WasmBackend = Pick<
  Kernels,
  | 'gemm'
  | 'gemmBias'
  | 'conv2d'
  | 'conv2dBackpropInput'
  | 'conv2dBackpropFilter'
  | 'conv2dBiasActivation'
  | 'conv2dBiasActivationBackward'
  | 'maxPool2d'
> &
  WasmElementwiseKernels &
  WasmAttentionKernels &
  WasmLayerNormKernels &
  WasmRecurrenceKernels &
  WasmDeferredKernels &
  WasmOptimizerKernels &
  Pick<Kernels, 'unary' | 'scratchArena'> & {
    readonly threads: KernelThreads;
  };

/**
 * The wasm backend's kernels on compiled `kernels` (compiled here by default), or the
 * reason they cannot run here; `helpers` threads join large products.
 */
export function createWasmBackend(
  helpers = defaultHelperCount(),
  kernels: LoadedKernels | { error: string } = loadKernels(),
): WasmBackend | { error: string } {
  if ('error' in kernels) return kernels;
  const heap = new WasmHeap(kernels, 1 + helpers);
  // Long-lived arrays (parameters, optimiser slots) in wasm memory: kernels read them in place.
  const resident = new ResidentArrays(heap, kernels.memory, kernels.shared);
  // A training step's float32 tensors, in the same memory (only when it is shared: see resident.ts).
  const scratchArena = kernels.shared ? new WasmScratchArena(heap, resident, kernels.memory) : null;
  const threads = new KernelThreads(kernels, helpers, heap.workspaces);
  const listed = new ListedOperands(kernels, scratchArena);
  const convs = convRunner(kernels, heap, threads);
  const tileRows = kernels.exports.gemmTileRows();

  /*
   * Convolutions: the input, filters (or dy) are copied in, the kernel runs in wasm
   * (with the column matrix, if any, in scratch memory), the result is copied out.
   * Non-float32 data takes the TypeScript path around this backend's gemm.
   */
  const convolve = (
    kernel: ConvKernel,
    first: TypedArray,
    second: TypedArray,
    g: WindowGeometry,
    outChannels: number,
    result: TypedArray,
  ): boolean => {
    if (!(
      first instanceof Float32Array &&
      second instanceof Float32Array &&
      result instanceof Float32Array
    )) {
      return false;
    }
    // The direct filter kernel may read a few floats past dy: `result` follows it.
    const scratch = convs.scratchFloats(kernel, g, outChannels);
    const pointers = heap.place([first.length, second.length, result.length, scratch]);
    if (!pointers) return false;
    const [firstPtr, secondPtr, resultPtr, scratchPtr] = pointers;
    const memory = heap.f32;
    memory.set(first, firstPtr >> 2);
    memory.set(second, secondPtr >> 2);
    convs.run(kernel, firstPtr, secondPtr, g, outChannels, resultPtr, scratchPtr);
    result.set(memory.subarray(resultPtr >> 2, (resultPtr >> 2) + result.length));
    return true;
  };

  /** C = op(A)·op(B), plus `bias` over the rows of C when given (added in wasm before the copy out). */
  const gemmInto = (bias: TypedArray | null, ...product: Parameters<GemmKernel>): void => {
    const [transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, reuseA] = product;
    const sizeA = m * k;
    const sizeB = k * n;
    const sizeC = m * n;
    const float32 =
      a instanceof Float32Array &&
      b instanceof Float32Array &&
      c instanceof Float32Array &&
      (bias === null || bias instanceof Float32Array);
    const macs = m * n * k;
    const large = sharesProduct(m, n, k);
    const helpersReady = float32 && large ? threads.available() : 0;
    // Deep products (with helper threads in this process, ready or not) are cut along their depth.
    const deep = float32 && large && threads.helpers > 0 && splitsDepth(m, n, k);
    const partialFloats = deep ? (DEPTH_PARTS - 1) * sizeC : 0;
    // Tall products share one packing of B between threads and split C into bands of rows.
    const byRows = !deep && helpersReady > 0 && m >= n;
    const packedFloats = byRows ? kernels.exports.packedWholeBBytes(n, k) / 4 : 0;
    // A mostly-zero op(A) (and a plain B) may go to the kernel that skips its zero terms.
    const sparse =
      float32 &&
      !transB &&
      n >= SPARSE_MIN_COLUMNS &&
      macs >= SPARSE_MIN_MACS &&
      looksSparse(a, aOffset, sizeA);
    const sparseFloats = sparse ? kernels.exports.sparseRowsBytes(m, k) / 4 : 0;
    // Arrays already in wasm memory (weights, scratch activations) are used where they are.
    const inPlaceA = float32 ? heap.addressOf(a) : null;
    const inPlaceB = float32 ? heap.addressOf(b) : null;
    const inPlaceC = float32 ? heap.addressOf(c) : null;
    const inPlaceBias = float32 && bias ? heap.addressOf(bias) : null;
    const biasFloats = bias && inPlaceBias === null ? bias.length : 0;
    const pointers = float32
      ? heap.place([
          inPlaceA === null ? sizeA : 0,
          inPlaceB === null ? sizeB : 0,
          inPlaceC === null ? sizeC : 0,
          packedFloats,
          biasFloats,
          sparseFloats,
          partialFloats,
        ])
      : null;
    if (!pointers) {
      tsKernels.gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset);
      if (bias)
        tsKernels.biasActivation(
          'linear',
          c.subarray(cOffset, cOffset + sizeC),
          bias,
          c.subarray(cOffset, cOffset + sizeC),
        );
      return;
    }
    const [placedA, placedB, placedC, packedPtr, placedBias, sparsePtr, partialsPtr] = pointers;
    const memory = heap.f32;
    const aPtr = inPlaceA === null ? placedA : inPlaceA + aOffset * 4;
    const bPtr = inPlaceB === null ? placedB : inPlaceB + bOffset * 4;
    const cPtr = inPlaceC === null ? placedC : inPlaceC + cOffset * 4;
    if (inPlaceA === null) memory.set(a.subarray(aOffset, aOffset + sizeA), aPtr >> 2);
    if (inPlaceB === null) memory.set(b.subarray(bOffset, bOffset + sizeB), bPtr >> 2);
    const lda = transA ? m : k;
    const ldb = transB ? k : n;
    const job: GemmJob = { transA, transB, m, n, k, a: aPtr, lda, b: bPtr, ldb, c: cPtr, ldc: n };
    // A layer input's listing is shared by its forward product and its weight gradient's
    // (listed-operands.ts), which then write C; else A is listed for this product alone.
    // Only with B and C in place: the listing's arena memory may be reserved meanwhile,
    // which must not move operands copied in above.
    const listedOnce =
      sparse &&
      reuseA !== undefined &&
      inPlaceB !== null &&
      inPlaceC !== null &&
      (transA
        ? listed.transposed(reuseA, a, aOffset, m, n, k, bPtr, cPtr)
        : listed.plain(reuseA, a, aOffset, aPtr, m, n, k, bPtr, cPtr));
    if (listedOnce) {
      // C is written.
    } else if (
      sparse &&
      kernels.exports.listNonzeroRows(transA ? 1 : 0, m, k, aPtr, lda, bPtr, ldb, n, sparsePtr)
    ) {
      kernels.exports.sparseRowsTimesB(m, n, 0, m, sparsePtr, bPtr, cPtr, n);
    } else if (deep) {
      const parts = depthParts(job, partialsPtr);
      threads.parallel(parts.map(gemmBlock), macs / 1e9);
      // The partial sums added to part 0's in a fixed order, in ranges a helper still
      // polling after its parts may share (one sleeping already is not woken for this).
      const sums = vectorRanges(sizeC, PARTIAL_SUM_BLOCKS).map(([start, length]): Block => ({
        kernel: 'addPartialSums',
        args: [cPtr, partialsPtr, parts.length - 1, sizeC * 4, start, length],
      }));
      threads.parallel(sums, (sizeC * DEPTH_PARTS) / 1e9, false);
    } else if (helpersReady === 0) {
      threads.runHere(gemmBlock(job));
    } else if (byRows) {
      kernels.exports.packWholeB(transB ? 1 : 0, n, k, bPtr, ldb, packedPtr);
      // Whoever is free takes the next band: bands that shrink keep the last wait short.
      const bands = productBands(m, helpersReady + 1, tileRows);
      const blocks = bands.map(([start, end]): Block => ({
        kernel: 'gemmRows',
        args: [transA ? 1 : 0, m, n, k, aPtr, lda, packedPtr, cPtr, n, start, end],
        workspace: true,
      }));
      threads.run(blocks, helpersReady, macs / 1e9);
    } else {
      // Wide products split by columns; each block packs its own columns of B and all of A.
      const perThread = macs >= SPLIT_TWICE_MIN_MACS ? 2 : 1;
      const blocks = splitJob(job, perThread * (helpersReady + 1), tileRows).map(gemmBlock);
      threads.run(blocks, helpersReady, macs / 1e9);
    }
    if (bias) {
      const biasPtr = inPlaceBias ?? placedBias;
      if (inPlaceBias === null) heap.f32.set(bias, biasPtr >> 2);
      // After a shared product, bands of rows a helper still polling may share.
      const bands = helpersReady > 0 ? rowBands(m, BIAS_BANDS, 1) : [[0, m]];
      const passes = bands.map(([start, end]): Block => ({
        kernel: 'biasActivate',
        args: [cPtr + start * n * 4, end - start, n, biasPtr, 0],
      }));
      threads.parallel(passes, sizeC / 1e9, false);
    }
    if (inPlaceC === null) c.set(heap.f32.subarray(cPtr >> 2, (cPtr >> 2) + sizeC), cOffset);
  };
  const gemm: GemmKernel = (...product) => gemmInto(null, ...product);
  const maxPool2d = wasmMaxPool(kernels, heap, threads);
  /**
   * The blocks of C = Aᵀ·B giving the bits `gemmInto` gives with helpers. A deep product's
   * parts after the first each add their result to C (`gemmAccumulate`): when no part after
   * the first is deeper than one depth block, that is the very order of adds of the shared
   * product's partial sums (`addPartialSums`), with no memory for them. Otherwise the
   * partial results go to the scratch arena (where they stay until the step ends) and are
   * added in one pass.
   */
  const depthBlock = kernels.exports.gemmDepthBlock();
  const transposedProductJob = (m: number, n: number, k: number, a: number, b: number, c: number) => {
    const job: GemmJob = { transA: true, transB: false, m, n, k, a, lda: m, b, ldb: n, c, ldc: n };
    if (!splitsDepth(m, n, k)) return [gemmBlock(job)];
    const inPlace = depthParts(job, 0);
    if (inPlace.every((part, p) => p === 0 || part.k <= depthBlock)) {
      return inPlace.map((part, p) => {
        const block = gemmBlock({ ...part, c });
        return p === 0 ? block : { ...block, kernel: 'gemmAccumulate' as const };
      });
    }
    const partials = scratchArena?.allocate((DEPTH_PARTS - 1) * m * n, false) ?? null;
    const at = partials ? heap.addressOf(partials) : null;
    if (at === null) return null;
    const parts = depthParts(job, at);
    const sum: Block = { kernel: 'addPartialSums', args: [c, at, parts.length - 1, m * n * 4, 0, m * n] };
    return [...parts.map(gemmBlock), sum];
  };
  const deferred = createWasmDeferred(heap, threads, sharesProduct, transposedProductJob);

  const conv: ConvKernels = {
    conv2d: (x, filters, g, outChannels, out) => {
      if (!convolve('conv2d', x, filters, g, outChannels, out))
        conv2dByGemm(gemm, x, filters, g, outChannels, out);
    },
    conv2dBackpropFilter: (x, dy, g, outChannels, dFilters) => {
      if (!convolve('conv2dBackpropFilter', x, dy, g, outChannels, dFilters)) {
        conv2dBackpropFilterByGemm(gemm, x, dy, g, outChannels, dFilters);
      }
    },
    conv2dBackpropInput: (dy, filters, g, outChannels, dx) => {
      if (!convolve('conv2dBackpropInput', dy, filters, g, outChannels, dx)) {
        conv2dBackpropInputByGemm(gemm, dy, filters, g, outChannels, dx);
      }
    },
  };
  return {
    ...createWasmElementwise(kernels, heap, threads),
    ...createWasmAttention(kernels, heap, threads),
    ...createWasmLayerNorm(kernels, heap),
    gemm,
    gemmBias: (m, n, k, a, b, bias, c) => gemmInto(bias, false, false, m, n, k, a, 0, b, 0, c, 0),
    maxPool2d,
    ...conv,
    ...fusedConvKernels(kernels, heap, threads, convs, conv),
    ...createWasmOptimizer(kernels, heap, resident),
    scratchArena: () => scratchArena,
    ...createWasmUnary(kernels, heap),
    ...createWasmRecurrence(kernels, heap, threads),
    ...deferred,
    threads,
  };
}
