/**
 * Registers the 'wasm' backend (the default where WebAssembly SIMD and shared memory
 * exist). Registration does no work: the module is compiled on first use or by `ready()`.
 */
import { type BackendInit, registerBackend } from '../backend';
import { type WasmBackend, createWasmBackend } from './backend';
import { loadKernelsAsync } from './runtime';
import { defaultHelperCount } from './threads';

/** The backend's kernels, and its thread count: the caller's thread plus its helpers. */
function withThreadCount(backend: WasmBackend | { error: string }): BackendInit {
  return 'error' in backend ? backend : { ...backend, threads: 1 + backend.threads.helpers };
}

registerBackend('wasm', {
  priority: 1,
  init: () => withThreadCount(createWasmBackend()),
  initAsync: async () => withThreadCount(createWasmBackend(defaultHelperCount(), await loadKernelsAsync())),
});
