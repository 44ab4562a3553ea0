/**
 * The on-disk model format: model.json (architecture, training config, weights manifest)
 * and one weights file of little-endian floats, the model's weights followed (format
 * version 2) by the optimiser's state in the manifest group 'optimizer'.
 */
export const FORMAT_NAME = 'zen-ts-model';
/** The version written; every version from 1 up to it is read. */
export const FORMAT_VERSION = 2;
export const MODEL_FILE = 'model.json';
/** The weights file name of format version 1 (version 2 uses a fresh name per save). */
export const WEIGHTS_FILE = 'weights.bin';
/** Where a version-1 save staged the new weights before model.json was switched to them. */
export const STAGED_WEIGHTS_FILE = 'weights.bin.next';
/** The manifest group of the optimiser's (and the model's random stream's) state. */
export const OPTIMIZER_GROUP = 'optimizer';

export type StoredDType = 'float32' | 'float64';

/** One array's place in the weights file. */
export interface WeightEntry {
  /** 'layerName/weightName'; optimiser state: 'optimizer/…'. */
  name: string;
  shape: number[];
  dtype: StoredDType;
  byteOffset: number;
  byteLength: number;
  trainable: boolean;
  /** Absent for the model's weights; 'optimizer' for optimiser and random-stream state. */
  group?: typeof OPTIMIZER_GROUP;
}

export interface WeightsManifest {
  /** The weights file, a bare name in model.json's directory. */
  path: string;
  byteLength: number;
  /** Little-endian IEEE floats, arrays back to back in manifest order. */
  byteOrder: 'little-endian';
  checksum: { algorithm: 'crc32'; value: string };
  weights: WeightEntry[];
}

export interface ModelFile {
  format: typeof FORMAT_NAME;
  formatVersion: number;
  /** The topology: `{ className, config }` of the model. */
  modelConfig: { className: string; config: Record<string, unknown> };
  trainingConfig: Record<string, unknown> | null;
  weightsManifest: WeightsManifest;
}

/** Bytes per element of a stored dtype. */
export function bytesPer(dtype: StoredDType): number {
  return dtype === 'float64' ? 8 : 4;
}
