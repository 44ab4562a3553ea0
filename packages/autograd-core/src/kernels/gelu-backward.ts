/** The GELU backward product in one kernel: what reverse mode needs, without a derivative tensor. */
import type { TypedArray } from '../dtype';
import { geluKernel } from './gelu';

/**
 * out = g ⊙ gelu′(x) (out may not alias g), given y = gelu(x) from the forward pass: a backend
 * may take Φ(x) = y/x from it (the wasm one does); this reference computes gelu′ from x alone.
 */
export function geluBackwardKernel(x: TypedArray, y: TypedArray, g: TypedArray, out: TypedArray): void {
  geluKernel(x, out, true);
  for (let i = 0; i < out.length; i++) out[i] *= g[i];
}
