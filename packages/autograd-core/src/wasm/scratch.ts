/**
 * The wasm backend's scratch arena (see ../scratch.ts): one region of the kernels' memory,
 * lent front to back during a scope and reused from its start after it. What a scope needs
 * beyond the region comes from extra regions; at the scope's end they are merged into one
 * region of the size the scope used in all, so the next scope of the same shape fits in it.
 * The memory is reserved among the resident arrays (resident.ts), below the operand area.
 */
import type { TypedArray } from '../dtype';
import { type ScratchArena, scratch } from '../scratch-state';
import { type WasmHeap, alignUp } from './heap';
import type { ResidentArrays } from './resident';
import type { WasmMemory } from './runtime';

interface Region {
  at: number;
  bytes: number;
  /** Bytes lent so far in this scope. */
  used: number;
}

/** Extra regions are reserved at least this large, so that a first scope does not reserve one per array. */
const MIN_EXTRA_BYTES = 4 << 20;

export class WasmScratchArena implements ScratchArena {
  /** Counts resets: what was lent before one is no longer valid. */
  epoch = 0;
  private main: Region = { at: 0, bytes: 0, used: 0 };
  private extras: Region[] = [];

  constructor(
    private readonly heap: WasmHeap,
    private readonly resident: ResidentArrays,
    private readonly memory: WasmMemory,
  ) {}

  allocate(length: number, zeroed: boolean): Float32Array | null {
    const bytes = alignUp(length * 4);
    const region = this.regionWithRoom(bytes);
    if (region === null) return null;
    const at = region.at + region.used;
    region.used += bytes;
    const view = new Float32Array(this.memory.buffer, at, length);
    if (zeroed) view.fill(0);
    else if (scratch.poison) view.fill(NaN);
    return view;
  }

  owns(a: TypedArray): boolean {
    const at = this.heap.addressOf(a);
    if (at === null) return false;
    if (at >= this.main.at && at < this.main.at + this.main.bytes) return true;
    return this.extras.some((r) => at >= r.at && at < r.at + r.bytes);
  }

  reset(): void {
    this.epoch++;
    if (this.extras.length > 0) {
      const needed = this.main.used + this.extras.reduce((sum, r) => sum + r.used, 0);
      for (const r of [this.main, ...this.extras]) if (r.bytes > 0) this.resident.unreserve(r.at, r.bytes);
      this.extras = [];
      const at = this.resident.reserve(needed);
      this.main = at === null ? { at: 0, bytes: 0, used: 0 } : { at, bytes: needed, used: 0 };
    }
    this.main.used = 0;
  }

  /** The main region if `bytes` still fit in it, else an extra one (reserved when none has room). */
  private regionWithRoom(bytes: number): Region | null {
    if (this.main.used + bytes <= this.main.bytes) return this.main;
    const last = this.extras[this.extras.length - 1];
    if (last && last.used + bytes <= last.bytes) return last;
    const size = Math.max(bytes, MIN_EXTRA_BYTES);
    const at = this.resident.reserve(size);
    if (at === null) return null;
    const region = { at, bytes: size, used: 0 };
    this.extras.push(region);
    return region;
  }
}
