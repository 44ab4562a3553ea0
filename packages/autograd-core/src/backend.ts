/**
 * The kernels a backend provides. Autograd and ops call kernels only through the
 * active backend, so a faster one (WebAssembly, threads) can replace the
 * TypeScript kernels without touching derivative rules.
 *
 * Two backends ship: 'ts' (blocked TypeScript kernels, any dtype, runs anywhere) and
 * 'wasm' (AssemblyScript SIMD kernels for float32, used by default when the runtime
 * supports WebAssembly SIMD and shared memory). The reference kernels
 * (`gemmReference`) are the oracle both are tested against.
 */
import type { TypedArray } from './dtype';
import { WindowGeometry, maxPoolKernel } from './kernels/conv';
import { conv2dBackpropFilterByGemm, conv2dBackpropInputByGemm, conv2dByGemm } from './kernels/convolution';
import { GemmKernel, gemmBlocked } from './kernels/matmul';
import { createWasmBackend } from './wasm/backend';

export interface Backend {
  readonly name: string;
  /**
   * C = op(A)·op(B) for one m×k by k×n product, row-major, overwriting the m·n
   * elements of `c` from `cOffset` (see `gemmReference` for the exact contract).
   */
  gemm: GemmKernel;
  /*
   * Optional convolution kernels (NHWC x [N, H, W, C], filters [kh, kw, C, F], dy and
   * the output [N, outH, outW, F], all whole contiguous arrays of one dtype). A backend
   * without them gets im2col/col2im around its own gemm.
   */
  /** out = conv2d(x, filters). */
  conv2d?(x: TypedArray, filters: TypedArray, g: WindowGeometry, outChannels: number, out: TypedArray): void;
  /** dx = the gradient of conv2d with respect to x, given dy. */
  conv2dBackpropInput?(
    dy: TypedArray,
    filters: TypedArray,
    g: WindowGeometry,
    outChannels: number,
    dx: TypedArray,
  ): void;
  /**
   * Optional max pooling: out [N, outH, outW, C] = each window's maximum, argmax = the
   * flat index in x of the first maximum (NaN wins), as `maxPoolKernel` (kernels/conv.ts).
   */
  maxPool2d?(x: TypedArray, g: WindowGeometry, out: TypedArray, argmax: Int32Array): void;
  /** dFilters = the gradient of conv2d with respect to the filters, given dy. */
  conv2dBackpropFilter?(
    x: TypedArray,
    dy: TypedArray,
    g: WindowGeometry,
    outChannels: number,
    dFilters: TypedArray,
  ): void;
}

/** The TypeScript backend: blocked, register-tiled kernels for every dtype. */
export const tsBackend: Backend = {
  name: 'ts',
  gemm: gemmBlocked,
  conv2d: (x, filters, g, outChannels, out) => conv2dByGemm(gemmBlocked, x, filters, g, outChannels, out),
  conv2dBackpropInput: (dy, filters, g, outChannels, dx) =>
    conv2dBackpropInputByGemm(gemmBlocked, dy, filters, g, outChannels, dx),
  conv2dBackpropFilter: (x, dy, g, outChannels, dFilters) =>
    conv2dBackpropFilterByGemm(gemmBlocked, x, dy, g, outChannels, dFilters),
  maxPool2d: maxPoolKernel,
};

const backends = new Map<string, Backend>([[tsBackend.name, tsBackend]]);
let active: Backend = tsBackend;

/** Makes a backend available to `setBackend`. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** Selects the kernels every op uses from now on ('ts', or 'wasm' where available). */
export function setBackend(name: string): void {
  const backend = backends.get(name);
  if (!backend) {
    const reason = name === 'wasm' && wasmUnavailable ? ` (${wasmUnavailable})` : '';
    throw new Error(
      `setBackend: unknown backend '${name}'${reason} (available: ${[...backends.keys()].join(', ')})`,
    );
  }
  active = backend;
}

/** The backend currently in use. */
export function getBackend(): Backend {
  return active;
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

// The fastest available backend is the default.
const wasm = createWasmBackend();
const wasmUnavailable = 'error' in wasm ? wasm.error : null;
if (!('error' in wasm)) {
  registerBackend(wasm);
  active = wasm;
}
