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
import { gemmBlocked } from './kernels/matmul';
import { createWasmBackend } from './wasm/backend';

export interface Backend {
  readonly name: string;
  /**
   * C = op(A)·op(B) for one m×k by k×n product, row-major, overwriting the m·n
   * elements of `c` from `cOffset` (see `gemmReference` for the exact contract).
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: TypedArray,
    aOffset: number,
    b: TypedArray,
    bOffset: number,
    c: TypedArray,
    cOffset: number,
  ): void;
}

/** The TypeScript backend: blocked, register-tiled kernels for every dtype. */
export const tsBackend: Backend = { name: 'ts', gemm: gemmBlocked };

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
