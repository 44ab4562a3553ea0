/**
 * The wasm backend's optimiser kernels (assembly/optimizer.ts): one call updates every
 * parameter, with the non-finite gradient scan in the same call. Arrays made by
 * `stateArray` (parameters, slots) live in the kernels' memory (resident.ts) and are
 * updated in place; gradients and any other float32 arrays are copied in (and parameters
 * and slots back out). Other dtypes, and updates that do not fit, run the TypeScript kernel.
 */
import type { Kernels } from '../backend';
import type { TypedArray } from '../dtype';
import { tsKernels } from '../kernels';
import type { UpdateRule } from '../kernels/optimizer';
import type { WasmHeap } from './heap';
import type { ResidentArrays } from './resident';
import type { LoadedKernels } from './runtime';

export type WasmOptimizerKernels = Pick<Kernels, 'optimizerStep' | 'stateArray'>;

/**
 * Fields per parameter in the kernel's table: param, grad, slot 0, slot 1, length (i32),
 * gradient factor (f32), where to copy the gradient (0: nowhere).
 */
const ENTRY_FIELDS = 7;

/** The kernel's rule code, its seven scalar arguments and its flags. */
function ruleArguments(rule: UpdateRule): number[] {
  switch (rule.kind) {
    case 'adam':
      return [
        0,
        rule.alpha,
        rule.beta1,
        1 - rule.beta1,
        rule.beta2,
        1 - rule.beta2,
        rule.epsilon,
        rule.decay,
        0,
      ];
    case 'sgd':
      return [1, rule.learningRate, rule.momentum, 0, 0, 0, 0, 0, rule.nesterov ? 1 : 0];
    case 'rmsprop':
      return [2, rule.learningRate, rule.rho, 1 - rule.rho, rule.momentum, rule.epsilon, 0, 0, 0];
  }
}

export function createWasmOptimizer(
  kernels: LoadedKernels,
  heap: WasmHeap,
  resident: ResidentArrays,
): WasmOptimizerKernels {
  return {
    stateArray: (length) => resident.allocate(length),
    optimizerStep: (rule, items, checkFinite) => {
      const arrays = items.flatMap((u) => [u.param, u.grad, ...u.slots]);
      if (!arrays.every((a) => a instanceof Float32Array) || items.some((u) => u.slots.length > 2))
        return tsKernels.optimizerStep(rule, items, checkFinite);
      // Everything not resident is copied into the operand area, after the table and the result cell.
      const copied = arrays.filter((a) => heap.addressOf(a) === null);
      const tableInts = items.length * ENTRY_FIELDS + 1;
      const pointers = heap.place([tableInts, ...copied.map((a) => a.length)]);
      if (!pointers) return tsKernels.optimizerStep(rule, items, checkFinite);
      const memory = heap.f32;
      const address = new Map<TypedArray, number>();
      copied.forEach((a, i) => {
        address.set(a, pointers[i + 1]);
        memory.set(a, pointers[i + 1] >> 2);
      });
      const where = (p: TypedArray | undefined) => (p ? (address.get(p) ?? heap.addressOf(p)!) : 0);
      const table = new Int32Array(memory.buffer, pointers[0], tableInts);
      const scales = new Float32Array(memory.buffer, pointers[0], tableInts);
      items.forEach((u, k) => {
        const row = [where(u.param), where(u.grad), where(u.slots[0]), where(u.slots[1]), u.param.length];
        table.set(row, k * ENTRY_FIELDS);
        scales[k * ENTRY_FIELDS + 5] = u.gradScale ?? 1;
        // A gradient copy outside wasm memory is made after the call.
        table[k * ENTRY_FIELDS + 6] = u.keepGrad ? (heap.addressOf(u.keepGrad) ?? 0) : 0;
      });
      const resultCell = pointers[0] + items.length * ENTRY_FIELDS * 4;
      const [code, ...scalars] = ruleArguments(rule);
      const bad = kernels.exports.optimizerStep(
        code,
        pointers[0],
        items.length,
        ...scalars,
        checkFinite ? 1 : 0,
        resultCell,
      );
      if (bad >= 0) return { item: bad, index: table[items.length * ENTRY_FIELDS] };
      for (const u of items) if (u.keepGrad && heap.addressOf(u.keepGrad) === null) u.keepGrad.set(u.grad);
      const grads = new Set(items.map((u) => u.grad));
      for (const array of copied) {
        if (grads.has(array)) continue;
        const at = address.get(array)! >> 2;
        array.set(memory.subarray(at, at + array.length));
      }
      return null;
    },
  };
}
