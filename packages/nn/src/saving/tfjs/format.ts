/**
 * The tfjs-layers model format (what `tf.loadLayersModel` reads and `model.save` writes):
 * model.json holds `modelTopology` (a Keras config, snake_case keys) and a
 * `weightsManifest` of groups, each a list of little-endian binary shards
 * (group1-shard1of1.bin, …) holding its weights back to back.
 */

/** `{ class_name, config }` as Keras and TensorFlow.js serialise classes. */
export interface KerasObject {
  class_name: string;
  config: Record<string, unknown>;
}

/** One weight in a manifest group. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  /** 'optimizer' for optimiser state; absent for the model's weights. */
  group?: string;
  /** Stored with fewer bits: value = q·scale + min (uint8/uint16), or IEEE half floats. */
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

export interface TfjsManifestGroup {
  /** Shard files, relative to model.json, concatenated in this order. */
  paths: string[];
  weights: TfjsWeightSpec[];
}

export interface TfjsModelJson {
  modelTopology: Record<string, unknown>;
  weightsManifest: TfjsManifestGroup[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: Record<string, unknown>;
}

/** The file name TensorFlow.js gives the first shard of a single-group model. */
export const TFJS_SHARD_FILE = 'group1-shard1of1.bin';

/** Whether parsed model.json content is a tfjs-layers model (topology + weights manifest). */
export function isTfjsLayersModel(json: unknown): json is TfjsModelJson {
  if (typeof json !== 'object' || json === null) return false;
  const m = json as Record<string, unknown>;
  return typeof m.modelTopology === 'object' && m.modelTopology !== null && Array.isArray(m.weightsManifest);
}

/** The parsed content when `text` is a tfjs-layers model.json (the format is told by content, not by name). */
export function parseTfjsLayersModel(text: string): TfjsModelJson | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return isTfjsLayersModel(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** The class name of a serialised object, in Keras's (`class_name`) or TensorFlow.js's (`className`) spelling. */
export function classNameOf(object: unknown): string | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const o = object as { class_name?: unknown; className?: unknown };
  const name = o.class_name ?? o.className;
  return typeof name === 'string' ? name : undefined;
}
