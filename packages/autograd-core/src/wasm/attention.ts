/**
 * The wasm backend's attention kernels (assembly/attention.ts): float32 attention with at
 * most a causal mask runs all heads in one call on operands copied into the kernels'
 * memory; masks, dropout and other dtypes run the TypeScript kernels around the wasm gemm.
 */
import type { Kernels } from '../backend';
import type { TypedArray } from '../dtype';
import { tsKernels } from '../kernels';
import type { AttentionGeometry } from '../kernels/attention';
import type { WasmHeap } from './heap';
import type { LoadedKernels } from './runtime';

export type WasmAttentionKernels = Pick<Kernels, 'attentionForward' | 'attentionBackward'>;

const allFloat32 = (arrays: readonly (TypedArray | null)[]) =>
  arrays.every((a) => a === null || a instanceof Float32Array);

/** Whether the wasm kernels handle this call (no keep mask, no dropout, float32). */
function handled(g: AttentionGeometry, drop: TypedArray | null, arrays: readonly (TypedArray | null)[]) {
  return g.keep === null && drop === null && allFloat32(arrays);
}

/**
 * Writes the AttentionShape block the kernels read (assembly/attention.ts: batch, heads,
 * tq, tk, d, dv as i32, scale as f32, causal as i32) at the heap's geometry block.
 */
function writeShape(heap: WasmHeap, g: AttentionGeometry, heads: number): number {
  const ints = new Int32Array(heap.f32.buffer, heap.geometry, 8);
  ints.set([g.batch / heads, heads, g.tq, g.tk, g.d, g.dv, 0, g.causal ? 1 : 0]);
  new Float32Array(heap.f32.buffer, heap.geometry + 24, 1)[0] = g.scale;
  return heap.geometry;
}

export function createWasmAttention(
  kernels: LoadedKernels,
  heap: WasmHeap,
  workspace: number,
): WasmAttentionKernels {
  const { exports } = kernels;
  const copyOut = (to: TypedArray, pointer: number) => {
    const at = pointer >> 2;
    to.set(heap.f32.subarray(at, at + to.length));
  };
  return {
    attentionForward: (gemm, q, k, v, g, probs, out, drop, dropped) => {
      const pointers = handled(g, drop, [q, k, v, probs, out])
        ? heap.place([q.length, k.length, v.length, out.length, probs.length])
        : null;
      if (!pointers) {
        tsKernels.attentionForward(gemm, q, k, v, g, probs, out, drop, dropped);
        return;
      }
      const [qp, kp, vp, op, pp] = pointers;
      heap.f32.set(q, qp >> 2);
      heap.f32.set(k, kp >> 2);
      heap.f32.set(v, vp >> 2);
      exports.attentionForward(qp, kp, vp, op, pp, writeShape(heap, g, g.heads ?? 1), workspace);
      copyOut(out, op);
      copyOut(probs, pp);
    },
    attentionBackward: (gemm, q, k, v, dout, g, probs, drop, dropped, scratch, grads) => {
      const { dq, dk, dv: dvOut } = grads;
      const pointers = handled(g, drop, [q, k, v, dout, probs, dq, dk, dvOut])
        ? heap.place([
            q.length,
            k.length,
            v.length,
            dout.length,
            probs.length,
            g.tq * g.tk,
            dq?.length ?? 0,
            dk?.length ?? 0,
            dvOut?.length ?? 0,
          ])
        : null;
      if (!pointers) {
        tsKernels.attentionBackward(gemm, q, k, v, dout, g, probs, drop, dropped, scratch, grads);
        return;
      }
      const [qp, kp, vp, dop, pp, sp, dqp, dkp, dvp] = pointers;
      [q, k, v, dout, probs].forEach((a, i) => heap.f32.set(a, pointers[i] >> 2));
      const [dqAt, dkAt, dvAt] = [dq ? dqp : 0, dk ? dkp : 0, dvOut ? dvp : 0];
      exports.attentionBackward(
        qp,
        kp,
        vp,
        dop,
        pp,
        sp,
        dqAt,
        dkAt,
        dvAt,
        writeShape(heap, g, g.heads ?? 1),
        workspace,
      );
      if (dq) copyOut(dq, dqp);
      if (dk) copyOut(dk, dkp);
      if (dvOut) copyOut(dvOut, dvp);
    },
  };
}
