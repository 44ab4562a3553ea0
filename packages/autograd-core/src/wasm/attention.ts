/**
 * The wasm backend's attention kernels (assembly/attention.ts): float32 attention with at
 * most a causal mask runs all heads on operands in the kernels' memory, in a few
 * blocks of samples that helper threads may share; masks, dropout and other dtypes run
 * the TypeScript kernels around the wasm gemm.
 */
import type { Kernels } from '../backend';
import type { TypedArray } from '../dtype';
import { tsKernels } from '../kernels';
import type { AttentionGeometry } from '../kernels/attention';
import { type WasmHeap, allFloat32 } from './heap';
import type { LoadedKernels } from './runtime';
import type { Block, KernelThreads } from './threads';

/** Attention calls of fewer multiply-adds run as one block on the calling thread. */
const THREADED_MIN_MACS = 1 << 22;
/** Most blocks of samples per call (several per thread balance a helper that joins late). */
const MAX_PARTS = 16;
/** Int32 fields of an AttentionShape block. */
const SHAPE_FIELDS = 8;

export type WasmAttentionKernels = Pick<Kernels, 'attentionForward' | 'attentionBackward'>;

/** Whether the wasm kernels handle this call (no keep mask, no dropout, float32). */
function handled(g: AttentionGeometry, drop: TypedArray | null, arrays: readonly (TypedArray | null)[]) {
  return g.keep === null && drop === null && allFloat32(arrays);
}

/**
 * The samples of a call cut into parts: [first sample, samples) pairs, one part unless the
 * call is large enough to share between threads.
 */
function sampleParts(g: AttentionGeometry, samples: number): [number, number][] {
  const macs = g.batch * g.tq * g.tk * (g.d + g.dv);
  const parts = macs < THREADED_MIN_MACS ? 1 : Math.min(MAX_PARTS, samples);
  const ranges: [number, number][] = [];
  for (let p = 0, start = 0; p < parts; p++) {
    const end = Math.round((samples * (p + 1)) / parts);
    if (end > start) ranges.push([start, end - start]);
    start = end;
  }
  return ranges;
}

/** Bytes per sample of q, k, v, the output and the probabilities: sample b starts at b times these. */
function sampleBytes(g: AttentionGeometry, heads: number) {
  return {
    q1: g.tq * heads * g.d * 4,
    k1: g.tk * heads * g.d * 4,
    v1: g.tk * heads * g.dv * 4,
    o1: g.tq * heads * g.dv * 4,
    p1: heads * g.tq * g.tk * 4,
  };
}

/**
 * Writes one AttentionShape block per part (assembly/attention.ts: batch, heads, tq, tk,
 * d, dv as i32, scale as f32, causal as i32) from byte `at`; returns their addresses.
 */
function writeShapes(
  heap: WasmHeap,
  g: AttentionGeometry,
  heads: number,
  parts: [number, number][],
  at: number,
) {
  return parts.map(([, samples], i) => {
    const block = at + i * SHAPE_FIELDS * 4;
    const ints = new Int32Array(heap.f32.buffer, block, SHAPE_FIELDS);
    ints.set([samples, heads, g.tq, g.tk, g.d, g.dv, 0, g.causal ? 1 : 0]);
    new Float32Array(heap.f32.buffer, block + 24, 1)[0] = g.scale;
    return block;
  });
}

export function createWasmAttention(
  kernels: LoadedKernels,
  heap: WasmHeap,
  threads: KernelThreads,
): WasmAttentionKernels {
  return {
    attentionForward: (gemm, q, k, v, g, probs, out, drop, dropped) => {
      const heads = g.heads ?? 1;
      const parts = sampleParts(g, g.batch / heads);
      const call = handled(g, drop, [q, k, v, probs, out])
        ? heap.stage([q, k, v], [out, probs], [parts.length * SHAPE_FIELDS])
        : null;
      if (!call) {
        tsKernels.attentionForward(gemm, q, k, v, g, probs, out, drop, dropped);
        return;
      }
      const [qp, kp, vp, op, pp, shapes] = call.pointers;
      const { q1, k1, v1, o1, p1 } = sampleBytes(g, heads);
      const shapeAt = writeShapes(heap, g, heads, parts, shapes);
      const blocks = parts.map(([b], i): Block => ({
        kernel: 'attentionForward',
        args: [qp + b * q1, kp + b * k1, vp + b * v1, op + b * o1, pp + b * p1, shapeAt[i]],
        workspace: true,
      }));
      threads.parallel(blocks, (g.batch * g.tq * g.tk * (g.d + g.dv)) / 5e9);
      call.finish();
    },
    attentionBackward: (gemm, q, k, v, dout, g, probs, drop, dropped, scratch, grads) => {
      const { dq, dk, dv: dvOut } = grads;
      const heads = g.heads ?? 1;
      const parts = sampleParts(g, g.batch / heads);
      const call = handled(g, drop, [q, k, v, dout, probs, dq, dk, dvOut])
        ? heap.stage(
            [q, k, v, dout, probs],
            [dq, dk, dvOut],
            [parts.length * g.tq * g.tk, parts.length * SHAPE_FIELDS],
          )
        : null;
      if (!call) {
        tsKernels.attentionBackward(gemm, q, k, v, dout, g, probs, drop, dropped, scratch, grads);
        return;
      }
      const [qp, kp, vp, dop, pp, dqp, dkp, dvp, sp, shapes] = call.pointers;
      const { q1, k1, v1, o1, p1 } = sampleBytes(g, heads);
      const shapeAt = writeShapes(heap, g, heads, parts, shapes);
      // Each part has its own [tq, tk] scratch block; a gradient pointer of 0 is not computed.
      const blocks = parts.map(([b], i): Block => ({
        kernel: 'attentionBackward',
        args: [
          qp + b * q1,
          kp + b * k1,
          vp + b * v1,
          dop + b * o1,
          pp + b * p1,
          sp + i * g.tq * g.tk * 4,
          dq ? dqp + b * q1 : 0,
          dk ? dkp + b * k1 : 0,
          dvOut ? dvp + b * v1 : 0,
          shapeAt[i],
        ],
        workspace: true,
      }));
      threads.parallel(blocks, (2 * g.batch * g.tq * g.tk * (g.d + g.dv)) / 5e9);
      call.finish();
    },
  };
}
