/**
 * The wasm backend's tanh and sigmoid (assembly/tanh-sigmoid.ts) on float32 arrays, the
 * recurrent layers' and gates' activations; every other unary op, other dtypes and
 * short arrays (where the copies cost more than they save) run the TypeScript kernel.
 */
import type { Kernels } from '../backend';
import { tsKernels } from '../kernels';
import type { UnaryKernel } from '../kernels/elementwise';
import { runFloat32 } from './elementwise';
import type { WasmHeap } from './heap';
import type { LoadedKernels } from './runtime';

/** Below this many values the TypeScript loop is as fast as a call into wasm with its copies. */
const MIN_ELEMENTS = 64;
const CODES: Partial<Record<UnaryKernel, number>> = { tanh: 0, sigmoid: 1 };

export function createWasmUnary(kernels: LoadedKernels, heap: WasmHeap): Pick<Kernels, 'unary'> {
  return {
    unary: (op, a, out) => {
      const code = CODES[op];
      const n = out.length;
      const done =
        code !== undefined &&
        n >= MIN_ELEMENTS &&
        runFloat32(heap, [a], out, ([ap, outPtr]) => kernels.exports.tanhSigmoidFloat32(code, ap, outPtr, n));
      if (!done) tsKernels.unary(op, a, out);
    },
  };
}
