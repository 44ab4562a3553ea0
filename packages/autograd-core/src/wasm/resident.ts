/**
 * Long-lived float32 arrays inside the kernels' memory ("resident"), such as optimiser
 * slots, which kernels then read and write in place instead of copying them in and out
 * on every call. They sit between the fixed workspaces and the operand area, which moves
 * up as they are allocated and back down as the last ones are freed. A region is freed
 * when its array is garbage-collected. Only on shared memory: growing it keeps every
 * view valid, whereas growing an unshared memory detaches its views, so there the
 * arrays are ordinary ones.
 */
import { type WasmHeap, alignUp } from './heap';
import type { WasmMemory } from './runtime';

/**
 * The area's limit: beyond it arrays are ordinary ones, so that many models alive at once
 * (freed only when the collector gets to them) cannot crowd out the kernels' operands.
 */
const LIMIT_BYTES = 512 * 1024 * 1024;

interface Region {
  at: number;
  bytes: number;
}

export class ResidentArrays {
  /** First byte of the resident area; it ends at the heap's operand base. */
  private readonly start: number;
  /** Freed regions inside the area, by address, never adjacent (they are merged). */
  private free: Region[] = [];
  private readonly registry: FinalizationRegistry<Region> | null;

  constructor(
    private readonly heap: WasmHeap,
    private readonly memory: WasmMemory,
    shared: boolean,
  ) {
    this.start = heap.operandBase;
    const enabled = shared && typeof FinalizationRegistry === 'function';
    this.registry = enabled ? new FinalizationRegistry((region: Region) => this.release(region)) : null;
  }

  /** A zeroed array of `length` floats in the kernels' memory when possible, else an ordinary one. */
  allocate(length: number): Float32Array {
    if (!this.registry || length === 0) return new Float32Array(length);
    const bytes = alignUp(length * 4);
    const at = this.take(bytes);
    if (at === null) return new Float32Array(length);
    const view = new Float32Array(this.memory.buffer, at, length);
    view.fill(0);
    this.registry.register(view, { at, bytes });
    return view;
  }

  /**
   * Reserves `bytes` (a multiple of 64) in the area for a caller that manages them itself
   * (the scratch arena) and gives them back with `unreserve`; its byte address, or null.
   */
  reserve(bytes: number): number | null {
    return this.registry ? this.take(bytes) : null;
  }

  unreserve(at: number, bytes: number): void {
    this.release({ at, bytes });
  }

  /** Bytes held by the area now (live arrays and the holes between them). */
  get bytes(): number {
    return this.heap.operandBase - this.start;
  }

  private take(bytes: number): number | null {
    const index = this.free.findIndex((r) => r.bytes >= bytes);
    if (index >= 0) {
      const region = this.free[index];
      const at = region.at;
      if (region.bytes === bytes) this.free.splice(index, 1);
      else this.free[index] = { at: at + bytes, bytes: region.bytes - bytes };
      return at;
    }
    const at = this.heap.operandBase;
    if (at + bytes - this.start > LIMIT_BYTES) return null;
    return this.heap.setOperandBase(at + bytes) ? at : null;
  }

  private release(region: Region): void {
    let index = this.free.findIndex((r) => r.at > region.at);
    if (index < 0) index = this.free.length;
    this.free.splice(index, 0, { ...region });
    // Merge with the following and the preceding hole.
    const merged = this.free[index];
    const next = this.free[index + 1];
    if (next && merged.at + merged.bytes === next.at) {
      merged.bytes += next.bytes;
      this.free.splice(index + 1, 1);
    }
    const previous = this.free[index - 1];
    if (previous && previous.at + previous.bytes === merged.at) {
      previous.bytes += merged.bytes;
      this.free.splice(index, 1);
    }
    // A hole at the top of the area gives its bytes back to the operand area.
    const last = this.free[this.free.length - 1];
    if (last.at + last.bytes === this.heap.operandBase) {
      this.free.pop();
      this.heap.setOperandBase(last.at);
    }
  }
}
