/** Packing named float arrays into one little-endian buffer, and reading them back. */
import type { TypedArray } from '@zen/autograd-core';
import { type StoredDType, type WeightEntry, bytesPer } from './format';

/** An array to store: its manifest fields and its values. */
export interface NamedArray {
  name: string;
  shape: readonly number[];
  dtype: StoredDType;
  values: ArrayLike<number>;
  trainable: boolean;
  group?: WeightEntry['group'];
}

/** Packs `arrays` back to back (in order) and describes where each one lives. */
export function encodeArrays(arrays: readonly NamedArray[]): { bytes: Uint8Array; entries: WeightEntry[] } {
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const a of arrays) {
    const byteLength = a.values.length * bytesPer(a.dtype);
    const entry: WeightEntry = {
      name: a.name,
      shape: [...a.shape],
      dtype: a.dtype,
      byteOffset: offset,
      byteLength,
      trainable: a.trainable,
    };
    if (a.group) entry.group = a.group;
    entries.push(entry);
    offset += byteLength;
  }
  const bytes = new Uint8Array(offset);
  const view = new DataView(bytes.buffer);
  arrays.forEach(({ values }, k) => {
    const { byteOffset, dtype } = entries[k];
    if (dtype === 'float64')
      for (let i = 0; i < values.length; i++) view.setFloat64(byteOffset + 8 * i, values[i], true);
    else for (let i = 0; i < values.length; i++) view.setFloat32(byteOffset + 4 * i, values[i], true);
  });
  return { bytes, entries };
}

/** Reads the array `entry` describes into `out` (which has the entry's element count). */
export function decodeInto(view: DataView, entry: WeightEntry, out: TypedArray | Float64Array): void {
  if (entry.dtype === 'float64')
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(entry.byteOffset + 8 * i, true);
  else for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(entry.byteOffset + 4 * i, true);
}
