/**
 * The wasm backend's layer normalisation (assembly/layer-norm.ts): float32 rows are copied
 * into the kernels' memory, normalised four lanes at a time, and copied back with each
 * row's statistics; other dtypes and arrays that do not fit run the TypeScript kernels.
 */
import type { Kernels } from '../backend';
import type { TypedArray } from '../dtype';
import { tsKernels } from '../kernels';
import type { WasmHeap } from './heap';
import type { LoadedKernels } from './runtime';

export type WasmLayerNormKernels = Pick<Kernels, 'layerNorm' | 'layerNormBackward'>;

const allFloat32 = (arrays: readonly (TypedArray | null)[]) =>
  arrays.every((a) => a === null || a instanceof Float32Array);

export function createWasmLayerNorm(kernels: LoadedKernels, heap: WasmHeap): WasmLayerNormKernels {
  const { exports } = kernels;
  /** Copies `arrays` in (null: an empty region) and returns their byte addresses, or null. */
  const placeAll = (inputs: readonly TypedArray[], outputs: readonly (TypedArray | null)[]) => {
    const pointers = heap.place([...inputs, ...outputs].map((a) => a?.length ?? 0));
    if (!pointers) return null;
    inputs.forEach((a, i) => heap.f32.set(a, pointers[i] >> 2));
    return pointers;
  };
  const copyOut = (to: TypedArray | null, pointer: number) => {
    if (to) to.set(heap.f32.subarray(pointer >> 2, (pointer >> 2) + to.length));
  };
  return {
    layerNorm: (x, gamma, beta, rows, n, epsilon, out, mean, rstd) => {
      const pointers = allFloat32([x, gamma, beta, out, mean, rstd])
        ? placeAll([x, gamma, beta], [out, mean, rstd])
        : null;
      if (!pointers) {
        tsKernels.layerNorm(x, gamma, beta, rows, n, epsilon, out, mean, rstd);
        return;
      }
      const [xp, gp, bp, op, mp, rp] = pointers;
      exports.layerNormForward(xp, gp, bp, rows, n, epsilon, op, mp, rp);
      copyOut(out, op);
      copyOut(mean, mp);
      copyOut(rstd, rp);
    },
    layerNormBackward: (x, gamma, g, mean, rstd, rows, n, grads) => {
      const { dx, dgamma, dbeta } = grads;
      const pointers = allFloat32([x, gamma, g, mean, rstd, dx, dgamma, dbeta])
        ? placeAll([x, gamma, g, mean, rstd], [dx, dgamma, dbeta])
        : null;
      if (!pointers) {
        tsKernels.layerNormBackward(x, gamma, g, mean, rstd, rows, n, grads);
        return;
      }
      const [xp, gp, dyp, mp, rp, dxp, dgp, dbp] = pointers;
      exports.layerNormBackward(
        xp,
        gp,
        dyp,
        mp,
        rp,
        rows,
        n,
        dx ? dxp : 0,
        dgamma ? dgp : 0,
        dbeta ? dbp : 0,
      );
      copyOut(dx, dxp);
      copyOut(dgamma, dgp);
      copyOut(dbeta, dbp);
    },
  };
}
