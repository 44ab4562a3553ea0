/**
 * The kernels' linear memory, laid out by the caller: static data, then one packing
 * workspace per thread, then the window-geometry block, then long-lived arrays (resident.ts,
 * scratch.ts), then operands. Arrays that already live in this memory are read and written
 * where they are; other operands are copied in before a kernel runs and results copied out
 * after (`stage`). The operand area is reused by every call and grows (never shrinks) to the
 * largest call so far.
 */
import type { TypedArray } from '../dtype';
import type { WindowGeometry } from '../kernels/conv';
import { type LoadedKernels, MAXIMUM_PAGES, PAGE_BYTES } from './runtime';

/** Whether every array given is float32 (null ones, not asked for, do not count): the wasm kernels' dtype. */
export const allFloat32 = (arrays: readonly (TypedArray | null)[]): boolean =>
  arrays.every((a) => a === null || a instanceof Float32Array);

/** Alignment of every region: a cache line. */
const ALIGN = 64;

export function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/**
 * The order in which the convolution and pooling kernels read a WindowGeometry: one
 * i32 per field, consecutive (the Geometry class in assembly/conv.ts).
 */
export const GEOMETRY_FIELDS: readonly (keyof WindowGeometry)[] = [
  'batch',
  'inH',
  'inW',
  'channels',
  'kernelH',
  'kernelW',
  'strideH',
  'strideW',
  'dilationH',
  'dilationW',
  'padTop',
  'padLeft',
  'outH',
  'outW',
];

/** A kernel call's operand addresses (see `WasmHeap.stage`); `finish()` copies placed outputs back. */
export interface StagedCall {
  pointers: number[];
  finish(): void;
}

export class WasmHeap {
  /** Byte offset of thread t's workspace: `workspaces[t]`. */
  readonly workspaces: readonly number[];
  /**
   * Byte offset of the geometry block the convolution and pooling kernels read when the
   * calling thread runs them alone (blocks shared with helpers carry their own).
   */
  readonly geometry: number;
  /** First byte of the operand area (moved up and down by `setOperandBase` as resident data comes and goes). */
  operandBase: number;
  private floats: Float32Array;
  /**
   * Every buffer object this memory has had (a grown shared memory hands out a new one;
   * views of the old one stay valid). Only for shared memory: arrays in an unshared one
   * would be detached by growth, so none are handed out.
   */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  constructor(
    private readonly kernels: LoadedKernels,
    threads: number,
  ) {
    const base = alignUp(kernels.exports.heapBase());
    const workspace = alignUp(kernels.exports.gemmWorkspaceBytes());
    this.workspaces = Array.from({ length: threads }, (_, t) => base + t * workspace);
    this.geometry = base + threads * workspace;
    this.operandBase = this.geometry + alignUp(GEOMETRY_FIELDS.length * 4);
    this.floats = new Float32Array(kernels.memory.buffer);
    this.ensure(this.operandBase);
    this.remember();
  }

  private remember(): void {
    if (this.kernels.shared) this.buffers.add(this.kernels.memory.buffer);
  }

  /** The byte address of `a` when it is a view of this memory (a resident or scratch array), else null. */
  addressOf(a: TypedArray): number | null {
    return this.buffers.has(a.buffer) ? a.byteOffset : null;
  }

  /**
   * Byte addresses for one kernel call, in order: `inputs`, `outputs`, then `scratch` regions
   * of that many floats. Arrays in this memory are used where they are; other inputs are
   * copied into the operand area and other outputs get a region there, copied back by
   * `finish()`. A null array gets address 0. Null when the operand area cannot grow enough.
   */
  stage(
    inputs: readonly (TypedArray | null)[],
    outputs: readonly (TypedArray | null)[],
    scratch: readonly number[] = [],
  ): StagedCall | null {
    const arrays = [...inputs, ...outputs];
    const inPlace = arrays.map((a) => (a ? this.addressOf(a) : null));
    const placed = this.place([
      ...arrays.map((a, i) => (a && inPlace[i] === null ? a.length : 0)),
      ...scratch,
    ]);
    if (!placed) return null;
    const pointers = placed.slice();
    const memory = this.f32;
    arrays.forEach((a, i) => {
      const at = inPlace[i];
      if (!a) pointers[i] = 0;
      else if (at !== null) pointers[i] = at;
      else if (i < inputs.length) memory.set(a, placed[i] >> 2);
    });
    const finish = () => {
      for (let i = inputs.length; i < arrays.length; i++) {
        const a = arrays[i];
        if (!a || inPlace[i] !== null) continue;
        const at = placed[i] >> 2;
        a.set(this.f32.subarray(at, at + a.length));
      }
    };
    return { pointers, finish };
  }

  /**
   * Makes the memory at least `bytes` long; false when that exceeds what a 32-bit
   * WebAssembly memory can hold (the caller then uses the TypeScript kernels).
   */
  ensure(bytes: number): boolean {
    const memory = this.kernels.memory;
    const have = memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE_BYTES);
      if (have / PAGE_BYTES + pages > MAXIMUM_PAGES) return false;
      try {
        memory.grow(pages);
      } catch {
        return false; // the host refused to commit more memory
      }
    }
    // A grown memory has a new, longer buffer; views of the old one do not see the growth.
    if (this.floats.byteLength !== memory.buffer.byteLength) {
      this.floats = new Float32Array(memory.buffer);
      this.remember();
    }
    return true;
  }

  /**
   * Byte addresses of consecutive regions of `floats[i]` float32 values each in the
   * operand area (growing the memory), or null when they do not fit.
   */
  place(floats: readonly number[]): number[] | null {
    const pointers: number[] = [];
    let next = this.operandBase;
    for (const count of floats) {
      pointers.push(next);
      next += alignUp(count * 4);
    }
    return this.ensure(next) ? pointers : null;
  }

  /** Writes `g` to the geometry block, or at byte address `at` (in GEOMETRY_FIELDS order); returns its address. */
  writeGeometry(g: WindowGeometry, at = this.geometry): number {
    const block = new Int32Array(this.kernels.memory.buffer, at, GEOMETRY_FIELDS.length);
    for (let i = 0; i < GEOMETRY_FIELDS.length; i++) block[i] = g[GEOMETRY_FIELDS[i]];
    return at;
  }

  /**
   * Moves the operand area to start at `bytes` (resident data lives below it; see
   * resident.ts); false when the memory cannot hold it. Only between kernel calls.
   */
  setOperandBase(bytes: number): boolean {
    if (!this.ensure(bytes)) return false;
    this.operandBase = bytes;
    return true;
  }

  /** A float32 view of the whole memory (valid until the next `ensure`). */
  get f32(): Float32Array {
    return this.floats;
  }
}
