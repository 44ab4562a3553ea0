/** The GELU backward product in one kernel: what reverse mode needs, without a derivative tensor. */
import type { TypedArray } from '../dtype';
import { geluKernel } from './gelu';

/** out = g ⊙ gelu′(x) (out may not alias g). */
export function geluBackwardKernel(x: TypedArray, g: TypedArray, out: TypedArray): void {
  geluKernel(x, out, true);
  for (let i = 0; i < out.length; i++) out[i] *= g[i];
}
