/** Zen-TS WebAssembly kernels (AssemblyScript, 128-bit SIMD). Entry point of the build. */
export { gemm, gemmWorkspaceBytes } from './gemm';

/** First byte after the module's static data: the caller's memory starts here. */
export function heapBase(): usize {
  return __heap_base;
}
