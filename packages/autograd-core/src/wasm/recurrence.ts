/**
 * The wasm backend's simple-RNN recurrence (assembly/recurrence.ts): float32 sequences in
 * the kernels' memory (or copied there and back) run the whole loop over time in one call
 * on the calling thread; other dtypes and arrays that do not fit run the TypeScript kernels.
 */
import type { Kernels } from '../backend';
import { tsKernels } from '../kernels';
import { type WasmHeap, allFloat32 } from './heap';
import type { LoadedKernels } from './runtime';
import type { KernelThreads } from './threads';

export type WasmRecurrenceKernels = Pick<Kernels, 'tanhRecurrence' | 'tanhRecurrenceBackward'>;

export function createWasmRecurrence(
  kernels: LoadedKernels,
  heap: WasmHeap,
  threads: KernelThreads,
): WasmRecurrenceKernels {
  // Scratch of a call: one [N, H] block, then U (or Uᵀ) packed for the gemm.
  const scratchFloats = (N: number, H: number) => N * H + kernels.exports.packedWholeBBytes(H, H) / 4;
  return {
    tanhRecurrence: (p, u, T, N, H, states) => {
      const call = allFloat32([p, u, states]) ? heap.stage([p, u], [states], [scratchFloats(N, H)]) : null;
      if (!call) {
        tsKernels.tanhRecurrence(p, u, T, N, H, states);
        return;
      }
      const [pp, up, sp, scratch] = call.pointers;
      threads.runHere({
        kernel: 'tanhRecurrenceForward',
        args: [pp, up, T, N, H, sp, scratch],
        workspace: true,
      });
      call.finish();
    },
    tanhRecurrenceBackward: (g, u, states, T, N, H, dp, du) => {
      const call = allFloat32([g, u, states, dp, du])
        ? heap.stage([g, u, states], [dp, du], [scratchFloats(N, H)])
        : null;
      if (!call) {
        tsKernels.tanhRecurrenceBackward(g, u, states, T, N, H, dp, du);
        return;
      }
      // du not asked for has address 0, which the kernel skips.
      const [gp, up, sp, dpp, dup, scratch] = call.pointers;
      threads.runHere({
        kernel: 'tanhRecurrenceBackward',
        args: [gp, up, sp, T, N, H, dpp, dup, scratch],
        workspace: true,
      });
      call.finish();
    },
  };
}
