/**
 * The wasm backend's elementwise kernels (assembly/gelu.ts, arithmetic.ts, bias-activation.ts):
 * float32 operands in the kernels' memory (or copied there and back) are computed on four
 * lanes at a time; other dtypes, small arrays (where the call costs more than the loop) and
 * arrays that do not fit run the TypeScript kernels (the reference).
 */
import type { Kernels } from '../backend';
import type { TypedArray } from '../dtype';
import { tsKernels } from '../kernels';
import type { BinaryKernel } from '../kernels/elementwise';
import { ACTIVATION_CODES } from './bias-activation-heap';
import type { WasmHeap } from './heap';
import type { LoadedKernels } from './runtime';
import type { Block, KernelThreads } from './threads';

export type WasmElementwiseKernels = Pick<
  Kernels,
  | 'gelu'
  | 'geluBackward'
  | 'binary'
  | 'reduceAxis'
  | 'biasActivation'
  | 'biasActivationGrad'
  | 'softmaxCrossEntropyDense'
  | 'softmaxCrossEntropy'
  | 'indexOfNonFinite'
  | 'sumOfSquares'
>;

/** Below this many elements the TypeScript loop is faster than copying into wasm memory. */
const MIN_ELEMENTS = 2048;

/** From this many elements GELU is cut into blocks that helper threads may share. */
const THREADED_GELU_MIN = 1 << 16;
/** Blocks per call: several per thread, so a helper that joins late still takes some. */
const GELU_BLOCKS = 8;

/**
 * From this many elements a binary pass (residual adds, gradient sums) is cut into
 * BINARY_BLOCKS ranges that a helper thread still polling may share.
 */
const SHARED_BINARY_MIN = 1 << 16;
const BINARY_BLOCKS = 8;

/** [start, length) ranges of whole vectors of four floats covering 0..n, for threads to share. */
export function vectorRanges(n: number, parts: number): [number, number][] {
  const vectors = Math.ceil(n / 4);
  const ranges: [number, number][] = [];
  let start = 0;
  for (let p = 1; p <= parts; p++) {
    const end = Math.min(n, Math.round((vectors * p) / parts) * 4);
    if (end > start) ranges.push([start, end - start]);
    start = Math.max(start, end);
  }
  return ranges;
}

/** The op codes of assembly/arithmetic.ts's binaryFloat32. */
const BINARY_CODES: Partial<Record<BinaryKernel, number>> = { add: 0, sub: 1, mul: 2, gatePositive: 3 };

/**
 * Runs `kernel(pointers…, outPointers…)` on `inputs` and the output(s) in wasm memory
 * (copied in and out unless they live there already; see `WasmHeap.stage`). False
 * (nothing done) when an array is not float32 or the memory cannot hold them.
 */
export function runFloat32(
  heap: WasmHeap,
  inputs: readonly TypedArray[],
  out: TypedArray | readonly TypedArray[],
  kernel: (pointers: number[]) => void,
): boolean {
  const outputs = Array.isArray(out) ? out : [out as TypedArray];
  if (![...inputs, ...outputs].every((a) => a instanceof Float32Array)) return false;
  const call = heap.stage(inputs, outputs);
  if (!call) return false;
  kernel(call.pointers);
  call.finish();
  return true;
}

export function createWasmElementwise(
  kernels: LoadedKernels,
  heap: WasmHeap,
  threads: KernelThreads,
): WasmElementwiseKernels {
  const { exports } = kernels;
  /** The byte address of a float32 array in wasm memory, or null. */
  const float32At = (data: TypedArray) => (data instanceof Float32Array ? heap.addressOf(data) : null);
  /**
   * Runs an elementwise kernel over n floats, (pointers…, n) for the first `pointers`,
   * in blocks that helper threads may share when n is large.
   */
  const elementwise = (kernel: 'geluForward' | 'geluBackward', pointers: number[], n: number) => {
    if (n < THREADED_GELU_MIN) {
      threads.runHere({ kernel, args: [...pointers, n] });
      return;
    }
    const blocks = vectorRanges(n, GELU_BLOCKS).map(([start, length]): Block => ({
      kernel,
      args: [...pointers.map((p) => p + 4 * start), length],
    }));
    threads.parallel(blocks, n * 2e-8);
  };
  return {
    gelu: (x, out, derivative) => {
      const done =
        !derivative &&
        runFloat32(heap, [x], out, (pointers) => elementwise('geluForward', pointers, out.length));
      if (!done) tsKernels.gelu(x, out, derivative);
    },
    geluBackward: (x, y, g, out) => {
      const done = runFloat32(heap, [x, y, g], out, (pointers) =>
        elementwise('geluBackward', pointers, out.length),
      );
      if (!done) tsKernels.geluBackward(x, y, g, out);
    },
    binary: (op, a, sa, b, sb, out) => {
      const code = BINARY_CODES[op];
      const n = out.length;
      const done =
        code !== undefined &&
        n >= MIN_ELEMENTS &&
        runFloat32(heap, [a.subarray(0, sa ? n : 1), b.subarray(0, sb ? n : 1)], out, ([ap, bp, outPtr]) => {
          if (n < SHARED_BINARY_MIN) return exports.binaryFloat32(code, ap, sa, bp, sb, outPtr, n);
          // Ranges a helper still polling after earlier work may share (a sleeping one is not
          // woken: the pass is shorter than waking it).
          const blocks = vectorRanges(n, BINARY_BLOCKS).map(([start, length]): Block => ({
            kernel: 'binaryFloat32',
            args: [code, ap + sa * 4 * start, sa, bp + sb * 4 * start, sb, outPtr + 4 * start, length],
          }));
          threads.parallel(blocks, n * 1e-9, false);
        });
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
          if (heap.addressOf(z) !== outPtr) heap.f32.set(z, outPtr >> 2);
          exports.biasActivate(outPtr, out.length / bias.length, bias.length, biasPtr, code);
        });
      if (!done) tsKernels.biasActivation(activation, z, bias, out);
    },
    biasActivationGrad: (activation, g, y, dz, dBias) => {
      const n = dz.length;
      const done =
        n >= MIN_ELEMENTS &&
        g.length === n &&
        y.length === n &&
        runFloat32(heap, [g, y], [dz, dBias], ([gPtr, yPtr, dzPtr, dBiasPtr]) => {
          // The kernel gates in place: dz starts as a copy of g.
          heap.f32.copyWithin(dzPtr >> 2, gPtr >> 2, (gPtr >> 2) + n);
          exports.activationGradBiasSum(
            dzPtr,
            yPtr,
            n / dBias.length,
            dBias.length,
            ACTIVATION_CODES[activation],
            dBiasPtr,
          );
        });
      if (!done) tsKernels.biasActivationGrad(activation, g, y, dz, dBias);
    },
    // Scans run only where the array already lies (a step's batch or gradients): copying it
    // in would cost as much as the scan.
    indexOfNonFinite: (data) => {
      const at = float32At(data);
      return at === null ? tsKernels.indexOfNonFinite(data) : exports.indexOfNonFinite(at, data.length);
    },
    sumOfSquares: (data) => {
      const at = float32At(data);
      return at === null ? tsKernels.sumOfSquares(data) : exports.sumOfSquaresFloat32(at, data.length);
    },
    // Any size: an exponential in TypeScript (Math.exp) costs more than copying its value in.
    softmaxCrossEntropyDense: (logits, rows, classes, targets, loss, probs) => {
      const done = runFloat32(heap, [logits, targets], [loss, probs], ([z, t, lossPtr, probsPtr]) =>
        exports.softmaxCrossEntropyDenseRows(z, rows, classes, t, lossPtr, probsPtr),
      );
      if (!done) tsKernels.softmaxCrossEntropyDense(logits, rows, classes, targets, loss, probs);
    },
    // Labels (checked class indices, int32 or float) are read as float32: exact below 2²⁴.
    softmaxCrossEntropy: (logits, rows, classes, labels, loss, probs) => {
      const asFloats = labels instanceof Float32Array ? labels : Float32Array.from(labels);
      const done =
        classes <= 1 << 24 &&
        runFloat32(heap, [logits, asFloats], [loss, probs], ([z, y, lossPtr, probsPtr]) =>
          exports.softmaxCrossEntropyLabelRows(z, rows, classes, y, lossPtr, probsPtr),
        );
      if (!done) tsKernels.softmaxCrossEntropy(logits, rows, classes, labels, loss, probs);
    },
  };
}
