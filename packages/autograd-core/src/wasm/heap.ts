/**
 * The kernels' linear memory, laid out by the caller: static data, then one packing
 * workspace per thread, then operands. Operands are copied in before a kernel runs
 * and results copied out after; the operand area is reused by every call and grows
 * (never shrinks) to the largest call so far.
 */
import { LoadedKernels, MAXIMUM_PAGES, PAGE_BYTES } from './runtime';

/** Alignment of every region: a cache line. */
const ALIGN = 64;

export function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

export class WasmHeap {
  /** Byte offset of thread t's workspace: `workspaces[t]`. */
  readonly workspaces: readonly number[];
  /** First byte of the operand area. */
  readonly operandBase: number;
  private floats: Float32Array;

  constructor(
    private readonly kernels: LoadedKernels,
    threads: number,
  ) {
    const base = alignUp(kernels.exports.heapBase());
    const workspace = alignUp(kernels.exports.gemmWorkspaceBytes());
    this.workspaces = Array.from({ length: threads }, (_, t) => base + t * workspace);
    this.operandBase = base + threads * workspace;
    this.floats = new Float32Array(kernels.memory.buffer);
    this.ensure(this.operandBase);
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
    if (this.floats.byteLength !== memory.buffer.byteLength) this.floats = new Float32Array(memory.buffer);
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

  /** A float32 view of the whole memory (valid until the next `ensure`). */
  get f32(): Float32Array {
    return this.floats;
  }
}
