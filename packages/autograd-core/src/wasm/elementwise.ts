/**
 * The wasm backend's elementwise kernels (assembly/gelu.ts, arithmetic.ts, bias-activation.ts):
 * float32 operands are copied into the kernels' memory, computed on four lanes at a time and
 * copied back; other dtypes, small arrays (where the call costs more than the loop) and
 * arrays that do not fit run the TypeScript kernels (the reference).
 */
import type { Kernels } from '../backend';
import type { TypedArray } from '../dtype';
import { tsKernels } from '../kernels';
import type { BinaryKernel } from '../kernels/elementwise';
import type { WasmHeap } from './heap';
import type { LoadedKernels } from './runtime';

export type WasmElementwiseKernels = Pick<
  Kernels,
  'gelu' | 'geluBackward' | 'binary' | 'reduceAxis' | 'biasActivation'
>;

/** Below this many elements the TypeScript loop is faster than copying into wasm memory. */
const MIN_ELEMENTS = 2048;

/** The op codes of assembly/arithmetic.ts's binaryFloat32. */
const BINARY_CODES: Partial<Record<BinaryKernel, number>> = { add: 0, sub: 1, mul: 2 };

/**
 * Copies `inputs` into consecutive regions of wasm memory followed by an output region
 * of `out.length` floats, runs `kernel(pointers…, outPointer)`, copies the output back.
 * False (nothing done) when an array is not float32 or the memory cannot hold them.
 */
export function runFloat32(
  heap: WasmHeap,
  inputs: readonly TypedArray[],
  out: TypedArray,
  kernel: (pointers: number[]) => void,
): boolean {
  if (!(out instanceof Float32Array) || !inputs.every((a) => a instanceof Float32Array)) return false;
  const pointers = heap.place([...inputs.map((a) => a.length), out.length]);
  if (!pointers) return false;
  const memory = heap.f32;
  inputs.forEach((a, i) => memory.set(a, pointers[i] >> 2));
  kernel(pointers);
  const at = pointers[inputs.length] >> 2;
  out.set(memory.subarray(at, at + out.length));
  return true;
}

export function createWasmElementwise(kernels: LoadedKernels, heap: WasmHeap): WasmElementwiseKernels {
  const { exports } = kernels;
  return {
    gelu: (x, out, derivative) => {
      const done =
        !derivative && runFloat32(heap, [x], out, ([xp, op]) => exports.geluForward(xp, op, out.length));
      if (!done) tsKernels.gelu(x, out, derivative);
    },
    geluBackward: (x, g, out) => {
      const done = runFloat32(heap, [x, g], out, ([xp, gp, op]) =>
        exports.geluBackward(xp, gp, op, out.length),
      );
      if (!done) tsKernels.geluBackward(x, g, out);
    },
    binary: (op, a, sa, b, sb, out) => {
      const code = BINARY_CODES[op];
      const n = out.length;
      const done =
        code !== undefined &&
        n >= MIN_ELEMENTS &&
        runFloat32(heap, [a.subarray(0, sa ? n : 1), b.subarray(0, sb ? n : 1)], out, ([ap, bp, outPtr]) =>
          exports.binaryFloat32(code, ap, sa, bp, sb, outPtr, n),
        );
      if (!done) tsKernels.binary(op, a, sa, b, sb, out);
    },
    reduceAxis: (op, src, outer, n, inner, out) => {
      const done =
        op === 'sum' &&
        inner % 4 === 0 &&
        src.length >= MIN_ELEMENTS &&
        runFloat32(heap, [src], out, ([srcPtr, outPtr]) =>
          exports.sumAxisFloat32(srcPtr, outer, n, inner, outPtr),
        );
      if (!done) tsKernels.reduceAxis(op, src, outer, n, inner, out);
    },
    biasActivation: (activation, z, bias, out) => {
      const code = activation === 'linear' ? 0 : activation === 'relu' ? 1 : -1;
      const fits =
        code >= 0 && out.length >= MIN_ELEMENTS && z instanceof Float32Array && z.length === out.length;
      const done =
        fits &&
        runFloat32(heap, [bias], out, ([biasPtr, outPtr]) => {
          // The kernel works in place on the output region, which z is copied into.
          heap.f32.set(z, outPtr >> 2);
          exports.biasActivate(outPtr, out.length / bias.length, bias.length, biasPtr, code);
        });
      if (!done) tsKernels.biasActivation(activation, z, bias, out);
    },
  };
}
