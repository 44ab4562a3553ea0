/**
 * Loads the WebAssembly kernels when the wasm backend is first used: decodes the
 * embedded binary, compiles it (synchronously, or asynchronously for `ready()`), and
 * instantiates it on a shared memory that worker threads can also run it on (or, where
 * there is no SharedArrayBuffer, as on browser pages that are not cross-origin isolated,
 * the unshared build on one thread). Where shared memory and relaxed SIMD both exist, the
 * relaxed build (fused multiply-add, a 6-row gemm tile) is preferred. Returns the reason
 * instead when this runtime cannot (no WebAssembly, no SIMD), so the TypeScript kernels
 * stay in charge.
 */
import { enableRelaxedSimd, relaxedSimdWanted } from './engine-features';
import {
  KERNELS_WASM_BASE64,
  KERNELS_WASM_RELAXED_BASE64,
  KERNELS_WASM_UNSHARED_BASE64,
} from './kernels.generated';

/** The few WebAssembly JS-API members used here (the ES lib has no WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  compile(bytes: Uint8Array): Promise<object>;
  validate(bytes: Uint8Array): boolean;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

/** Functions exported by assembly/index.ts (bools are passed as 0/1, pointers are byte offsets). */
export interface KernelExports {
  gemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    work: number,
  ): void;
  gemmWorkspaceBytes(): number;
  /** Rows of the gemm's register tile (5, or 6 in the relaxed-SIMD build). */
  gemmTileRows(): number;
  /** C += op(A)·op(B), with gemm's arguments. */
  gemmAccumulate(...args: number[]): void;
  /** Depth of the gemm's blocks (KC): a product no deeper adds to C once per element. */
  gemmDepthBlock(): number;
  /** Rows of C against op(B) packed by packWholeB: (transA, m, n, k, a, lda, packed, c, ldc, rowStart, rowEnd, work). */
  gemmRows(...args: number[]): void;
  packWholeB(transB: number, n: number, k: number, b: number, ldb: number, packed: number): void;
  packedWholeBBytes(n: number, k: number): number;
  /**
   * Products with a mostly-zero op(A) (assembly/sparse-gemm.ts): list its nonzero terms
   * (1, or 0 when too dense or B is not finite), then rows of C from them.
   */
  listNonzeroRows(
    transA: number,
    m: number,
    k: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    n: number,
    work: number,
  ): number;
  sparseRowsBytes(m: number, k: number): number;
  /** The listing of A's columns, offsets into the other operand: (m, k, a, lda, ld, work), 1 or 0. */
  listNonzeroColumns(m: number, k: number, a: number, lda: number, ld: number, work: number): number;
  /** C = A·B from that listing: (rows, m, n, work, b, ldb, c, ldc). */
  scatterColumnsTimesB(...args: number[]): void;
  /** (m, n, rowStart, rowEnd, work, b, c, ldc). */
  sparseRowsTimesB(...args: number[]): void;
  heapBase(): number;
  /*
   * Convolution kernels. Pointers are byte addresses; `geometry` points at the 14 i32
   * window fields written by WasmHeap.writeGeometry; F is the number of filters.
   */
  /** out = im2col(x) · w, using `cols` as the column matrix. */
  conv2d(x: number, geometry: number, w: number, F: number, out: number, cols: number, work: number): void;
  /** dw = im2col(x)ᵀ · dy. */
  conv2dBackpropFilter(
    x: number,
    geometry: number,
    dy: number,
    F: number,
    dw: number,
    cols: number,
    work: number,
  ): void;
  /** dx = col2im(dy · wᵀ). */
  conv2dBackpropInput(
    dy: number,
    geometry: number,
    w: number,
    F: number,
    dx: number,
    cols: number,
    work: number,
  ): void;
  /**
   * Direct kernels for windows that lie inside the image (no column matrix); the forward
   * one adds the bias (none when 0) and applies act (0 linear, 1 relu) to its sums.
   */
  conv2dDirect(
    x: number,
    geometry: number,
    w: number,
    F: number,
    out: number,
    scratch: number,
    bias: number,
    act: number,
  ): void;
  conv2dBackpropFilterDirect(
    x: number,
    geometry: number,
    dy: number,
    F: number,
    dw: number,
    scratch: number,
  ): void;
  convDirectScratchBytes(kernelH: number, kernelW: number, channels: number, outPixels: number): number;
  /** dx for windows inside the image, C a multiple of 4: (dy, geometry, w, F, dx, scratch of F·32 bytes). */
  conv2dBackpropInputDirect(...args: number[]): void;
  /** out = act(out + bias) over rows of F channels in place; act 0 linear, 1 relu (assembly/bias-activation.ts). */
  biasActivate(out: number, rows: number, F: number, bias: number, act: number): void;
  /**
   * (z, rows, classes, t, loss, probs): each row's softmax into probs and its cross-entropy
   * Σ_j t_j·(lse − z_j) into loss (assembly/softmax-cross-entropy.ts).
   */
  softmaxCrossEntropyDenseRows(...args: number[]): void;
  /** The same with labels (class indices as f32) instead of targets: (z, rows, classes, labels, loss, probs). */
  softmaxCrossEntropyLabelRows(...args: number[]): void;
  /** The index of the first NaN or ±∞ among n floats, or −1 (assembly/finite.ts). */
  indexOfNonFinite(at: number, n: number): number;
  /** Σ x² over n floats, in double precision (assembly/arithmetic.ts). */
  sumOfSquaresFloat32(at: number, n: number): number;
  /** g = g·act'(y) in place (act 0 linear, 1 relu, 2 sigmoid, 3 tanh); db = Σ over rows when db ≠ 0. */
  activationGradBiasSum(g: number, y: number, rows: number, F: number, act: number, db: number): void;
  /**
   * (gp, p, argmax, count, F, act, dz, zCount, db, zFirst): dz = 0, then dz[argmax[i] − zFirst]
   * += gp[i]·act'(p[i]) for i < count, with db per channel (i mod F) when db ≠ 0.
   */
  poolGradScatter(...args: number[]): void;
  /** Each window's maximum and indexBase + the flat index of the first maximum. */
  maxPool(x: number, geometry: number, out: number, argmax: number, indexBase: number): void;
  /** out = gelu(x), and out = g ⊙ gelu′(x) given y = gelu(x), over n floats (assembly/gelu.ts). */
  geluForward(x: number, out: number, n: number): void;
  geluBackward(x: number, y: number, g: number, out: number, n: number): void;
  /**
   * Fused attention over [batch, T, heads, width] operands (assembly/attention.ts); `shape`
   * points at an AttentionShape block. Backward: (q, k, v, dout, probs, scratch, dq, dk, dv,
   * shape, work), a gradient pointer of 0 is not computed.
   */
  attentionForward(
    q: number,
    k: number,
    v: number,
    out: number,
    probs: number,
    shape: number,
    work: number,
  ): void;
  attentionBackward(...args: number[]): void;
  /** out = a ∘ b over n floats, steps sa, sb ∈ {0, 1}; op 0 add, 1 sub, 2 mul (assembly/arithmetic.ts). */
  binaryFloat32(op: number, a: number, sa: number, b: number, sb: number, out: number, n: number): void;
  /**
   * (c, partials, count, stride, start, length): c[i] += the count partial sums `stride` bytes
   * apart, in order, for i in [start, start + length) (assembly/arithmetic.ts).
   */
  addPartialSums(...args: number[]): void;
  /** out = the sum of src [outer, n, inner] over its middle axis (inner a multiple of 4). */
  sumAxisFloat32(src: number, outer: number, n: number, inner: number, out: number): void;
  /** Layer normalisation over rows of n floats and its backward pass (assembly/layer-norm.ts); a gradient pointer of 0 is not computed. */
  layerNormForward(
    x: number,
    gamma: number,
    beta: number,
    rows: number,
    n: number,
    epsilon: number,
    out: number,
    mean: number,
    rstd: number,
  ): void;
  layerNormBackward(...args: number[]): void;
  /**
   * One optimiser update over a table of parameters (assembly/optimizer.ts): (rule, table,
   * count, a, b, c, d, e, f, g, flags, check, where); returns −1, or the entry whose gradient is
   * not finite (its flat index stored at `where`; nothing updated).
   */
  optimizerStep(...args: number[]): number;
  /** A simple RNN's recurrence over time (assembly/recurrence.ts): (p, u, T, N, H, states, scratch, work). */
  tanhRecurrenceForward(...args: number[]): void;
  /** Its backpropagation through time: (g, u, states, T, N, H, dp, du or 0, scratch, work). */
  tanhRecurrenceBackward(...args: number[]): void;
  /** out = tanh(x) (op 0) or σ(x) (op 1) over n floats (assembly/tanh-sigmoid.ts). */
  tanhSigmoidFloat32(op: number, x: number, out: number, n: number): void;
}

/** 64 KiB, the unit WebAssembly memory grows by. */
export const PAGE_BYTES = 65536;
/** The module's declared memory limits, in pages (see assembly/build.mjs). */
export const INITIAL_PAGES = 64;
export const MAXIMUM_PAGES = 65536;

export interface LoadedKernels {
  module: object;
  memory: WasmMemory;
  /** Whether the memory is shared (helper threads can join only then). */
  shared: boolean;
  /** Whether this is the relaxed-SIMD build (fused multiply-add). */
  relaxedSimd: boolean;
  exports: KernelExports;
}

function decodeBase64(text: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(text, 'base64'));
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The global WebAssembly object, if this runtime has one. */
export function wasmApi(): WasmApi | null {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}

/** Instantiates a compiled kernel module on `memory` (also used by worker threads). */
export function instantiate(api: WasmApi, module: object, memory: WasmMemory): KernelExports {
  return new api.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}

const NO_WASM = { error: 'this runtime has no WebAssembly' };

// CompileError without SIMD support; TypeError/RangeError without shared memory.
function unavailable(error: unknown): { error: string } {
  return {
    error: `WebAssembly kernels unavailable: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** Whether this runtime has shared memory (browsers: only cross-origin-isolated pages and their workers). */
function sharedMemoryExists(): boolean {
  return typeof SharedArrayBuffer === 'function';
}

/**
 * Which build to load: 'best' is the fastest this runtime runs; 'plain' never uses relaxed
 * SIMD (tests compare the two).
 */
export type KernelChoice = 'best' | 'plain';

interface KernelBinary {
  bytes: Uint8Array;
  relaxedSimd: boolean;
}

/** The relaxed-SIMD build if this runtime validates it (after switching it on if need be). */
function relaxedBinary(api: WasmApi): Uint8Array | null {
  if (!relaxedSimdWanted()) return null;
  const bytes = decodeBase64(KERNELS_WASM_RELAXED_BASE64);
  if (api.validate(bytes)) return bytes;
  enableRelaxedSimd();
  return api.validate(bytes) ? bytes : null;
}

/** The binary to compile here: the shared-memory build where possible, relaxed if allowed. */
function binary(api: WasmApi, choice: KernelChoice): KernelBinary {
  if (!sharedMemoryExists()) return { bytes: decodeBase64(KERNELS_WASM_UNSHARED_BASE64), relaxedSimd: false };
  const relaxed = choice === 'best' ? relaxedBinary(api) : null;
  if (relaxed) return { bytes: relaxed, relaxedSimd: true };
  return { bytes: decodeBase64(KERNELS_WASM_BASE64), relaxedSimd: false };
}

/** Instantiates a compiled module on a new memory, shared where possible. */
function onNewMemory(api: WasmApi, module: object, relaxedSimd: boolean): LoadedKernels {
  const shared = sharedMemoryExists();
  const memory = new api.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared });
  return { module, memory, shared, relaxedSimd, exports: instantiate(api, module, memory) };
}

/** Compiles and instantiates the kernels, or says why it cannot. */
export function loadKernels(choice: KernelChoice = 'best'): LoadedKernels | { error: string } {
  const api = wasmApi();
  if (!api) return NO_WASM;
  try {
    const { bytes, relaxedSimd } = binary(api, choice);
    return onNewMemory(api, new api.Module(bytes), relaxedSimd);
  } catch (error) {
    return unavailable(error);
  }
}

/** The same, compiling without blocking the thread (browsers refuse large synchronous compiles). */
export async function loadKernelsAsync(
  choice: KernelChoice = 'best',
): Promise<LoadedKernels | { error: string }> {
  const api = wasmApi();
  if (!api) return NO_WASM;
  try {
    const { bytes, relaxedSimd } = binary(api, choice);
    return onNewMemory(api, await api.compile(bytes), relaxedSimd);
  } catch (error) {
    return unavailable(error);
  }
}
