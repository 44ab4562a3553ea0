/**
 * Registers the 'wasm' backend (the default where WebAssembly SIMD and shared memory
 * exist). Registration does no work: the module is compiled on first use or by `ready()`.
 */
import { registerBackend } from '../backend';
import { createWasmBackend } from './backend';
import { loadKernelsAsync } from './runtime';
import { defaultHelperCount } from './threads';

registerBackend('wasm', {
  priority: 1,
  init: () => createWasmBackend(),
  initAsync: async () => createWasmBackend(defaultHelperCount(), await loadKernelsAsync()),
});
