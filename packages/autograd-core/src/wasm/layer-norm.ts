/**
 * The wasm backend's layer normalisation (assembly/layer-norm.ts): float32 rows in the
 * kernels' memory (or copied there and back) are normalised four lanes at a time, with each
 * row's statistics; other dtypes and arrays that do not fit run the TypeScript kernels.
 */
import type { Kernels } from '../backend';
import { tsKernels } from '../kernels';
import { type WasmHeap, allFloat32 } from './heap';
import type { LoadedKernels } from './runtime';

export type WasmLayerNormKernels = Pick<Kernels, 'layerNorm' | 'layerNormBackward'>;

export function createWasmLayerNorm(kernels: LoadedKernels, heap: WasmHeap): WasmLayerNormKernels {
  const { exports } = kernels;
  return {
    layerNorm: (x, gamma, beta, rows, n, epsilon, out, mean, rstd) => {
      const call = allFloat32([x, gamma, beta, out, mean, rstd])
        ? heap.stage([x, gamma, beta], [out, mean, rstd])
        : null;
      if (!call) {
        tsKernels.layerNorm(x, gamma, beta, rows, n, epsilon, out, mean, rstd);
        return;
      }
      const [xp, gp, bp, op, mp, rp] = call.pointers;
      exports.layerNormForward(xp, gp, bp, rows, n, epsilon, op, mp, rp);
      call.finish();
    },
    layerNormBackward: (x, gamma, g, mean, rstd, rows, n, grads) => {
      const { dx, dgamma, dbeta } = grads;
      const call = allFloat32([x, gamma, g, mean, rstd, dx, dgamma, dbeta])
        ? heap.stage([x, gamma, g, mean, rstd], [dx, dgamma, dbeta])
        : null;
      if (!call) {
        tsKernels.layerNormBackward(x, gamma, g, mean, rstd, rows, n, grads);
        return;
      }
      // A gradient not asked for has address 0, which the kernel skips.
      const [xp, gp, dyp, mp, rp, dxp, dgp, dbp] = call.pointers;
      exports.layerNormBackward(xp, gp, dyp, mp, rp, rows, n, dxp, dgp, dbp);
      call.finish();
    },
  };
}
