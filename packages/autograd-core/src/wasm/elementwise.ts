/**
 * The wasm backend's elementwise kernels (assembly/gelu.ts): float32 operands are copied
 * into the kernels' memory, computed on four lanes at a time and copied back; other dtypes,
 * and arrays that do not fit, run the TypeScript kernels (the reference).
 */
import type { Kernels } from '../backend';
import type { TypedArray } from '../dtype';
import { tsKernels } from '../kernels';
import type { WasmHeap } from './heap';
import type { LoadedKernels } from './runtime';

export type WasmElementwiseKernels = Pick<Kernels, 'gelu' | 'geluBackward'>;

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
  };
}
