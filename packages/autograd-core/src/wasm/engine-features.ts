/**
 * WebAssembly features this runtime has only behind a switch. Node 20's V8 validates
 * relaxed SIMD (the fused multiply-add of the kernels' relaxed build) only with the flag
 * --experimental-wasm-relaxed-simd (on by default from Node 22); V8 reads it when a module
 * is validated, so setting it before compiling is enough. ZEN_WASM_RELAXED_SIMD=0 keeps the
 * plain SIMD build. The browser twin is engine-features.browser.ts.
 */
import { setFlagsFromString } from 'node:v8';

/** Whether relaxed SIMD may be used here (false when the environment opts out). */
export function relaxedSimdWanted(): boolean {
  return process.env.ZEN_WASM_RELAXED_SIMD !== '0';
}

/** Switches on the engine's relaxed SIMD where it is behind a flag. */
export function enableRelaxedSimd(): void {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}
