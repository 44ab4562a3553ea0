/**
 * The kernels a backend provides. Autograd and ops call kernels only through the
 * active backend, so a faster one (WebAssembly, threads) can replace the
 * TypeScript reference kernels without touching derivative rules.
 */
import type { TypedArray } from './dtype';
import { gemmReference } from './kernels/matmul';

export interface Backend {
  readonly name: string;
  /** C = op(A)·op(B) for one m×k by k×n product (see `gemmReference`). */
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

/** The TypeScript reference backend: the oracle every faster backend is tested against. */
export const tsBackend: Backend = { name: 'ts', gemm: gemmReference };

const backends = new Map<string, Backend>([[tsBackend.name, tsBackend]]);
let active: Backend = tsBackend;

/** Makes a backend available to `setBackend`. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** Selects the kernels every op uses from now on. */
export function setBackend(name: string): void {
  const backend = backends.get(name);
  if (!backend)
    throw new Error(`setBackend: unknown backend '${name}' (available: ${[...backends.keys()].join(', ')})`);
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
