/**
 * Reads the weights a tfjs-layers manifest describes: each group's shards are concatenated
 * and its weights decoded back to back (float32, int32, or quantised uint8/uint16/float16).
 */
import type { TfjsManifestGroup, TfjsWeightSpec } from './format';
import type { ModelStore } from '../model-store';

/** A decoded weight: its values as float32 and its shape. */
export interface TfjsWeight {
  spec: TfjsWeightSpec;
  values: Float32Array;
}

const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/** Bytes one element of `spec` takes in its shard. */
function bytesPerElement(spec: TfjsWeightSpec, file: string): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const bytes = STORED_BYTES[stored];
  if (!bytes) throw new Error(`loadModel: ${file}: weight '${spec.name}' has unsupported dtype '${stored}'`);
  return bytes;
}

/** IEEE 754 half precision → number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decode(spec: TfjsWeightSpec, view: DataView, offset: number, size: number): Float32Array {
  const out = new Float32Array(size);
  const q = spec.quantization;
  if (q?.dtype === 'float16') {
    for (let i = 0; i < size; i++) out[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
  } else if (q) {
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    for (let i = 0; i < size; i++) {
      const level = q.dtype === 'uint8' ? view.getUint8(offset + i) : view.getUint16(offset + 2 * i, true);
      out[i] = level * scale + min;
    }
  } else if (spec.dtype === 'int32') {
    for (let i = 0; i < size; i++) out[i] = view.getInt32(offset + 4 * i, true);
  } else {
    for (let i = 0; i < size; i++) out[i] = view.getFloat32(offset + 4 * i, true);
  }
  return out;
}

/** Concatenates byte arrays. */
function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function checkSpec(spec: TfjsWeightSpec, modelFile: string): void {
  const ok =
    spec &&
    typeof spec.name === 'string' &&
    Array.isArray(spec.shape) &&
    spec.shape.every((d) => Number.isInteger(d) && d >= 0);
  if (!ok) throw new Error(`loadModel: ${modelFile}: malformed weight entry ${JSON.stringify(spec)}`);
}

/**
 * Every model weight of the manifest (optimiser state skipped), keyed by name.
 */
export async function readTfjsWeights(
  groups: readonly TfjsManifestGroup[],
  modelFile: string,
  store: ModelStore,
): Promise<Map<string, TfjsWeight>> {
  const weights = new Map<string, TfjsWeight>();
  for (const [g, group] of groups.entries()) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new Error(`loadModel: ${modelFile}: weightsManifest[${g}] needs 'paths' and 'weights' lists`);
    }
    const shards = await Promise.all(
      group.paths.map((p) => store.read(store.locate(p), 'weights shard', modelFile)),
    );
    const bytes = concat(shards);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (const spec of group.weights) {
      checkSpec(spec, modelFile);
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const length = size * bytesPerElement(spec, modelFile);
      if (offset + length > bytes.length) {
        throw new Error(
          `loadModel: weights of ${modelFile} are truncated: weight '${spec.name}' needs bytes ${offset}–${offset + length} ` +
            `but the shards of group ${g + 1} (${group.paths.join(', ')}) hold ${bytes.length}`,
        );
      }
      if (spec.group !== 'optimizer')
        weights.set(spec.name, { spec, values: decode(spec, view, offset, size) });
      offset += length;
    }
  }
  return weights;
}
