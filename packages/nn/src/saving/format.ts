/** The on-disk model format: model.json (architecture, training config, weights manifest) + weights.bin. */
import type { SequentialConfig } from '../models/sequential';

export const FORMAT_NAME = 'zen-ts-model';
export const FORMAT_VERSION = 1;
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
/** Where a save stages the new weights before model.json is switched to them. */
export const STAGED_WEIGHTS_FILE = 'weights.bin.next';

/** One weight's place in weights.bin. */
export interface WeightEntry {
  /** 'layerName/weightName'. */
  name: string;
  shape: number[];
  dtype: 'float32' | 'float64';
  byteOffset: number;
  byteLength: number;
  trainable: boolean;
}

export interface WeightsManifest {
  path: string;
  byteLength: number;
  /** Little-endian IEEE floats, weights back to back in manifest order. */
  byteOrder: 'little-endian';
  checksum: { algorithm: 'crc32'; value: string };
  weights: WeightEntry[];
}

export interface ModelFile {
  format: typeof FORMAT_NAME;
  formatVersion: number;
  modelConfig: { className: 'Sequential'; config: SequentialConfig };
  trainingConfig: Record<string, unknown> | null;
  weightsManifest: WeightsManifest;
}

/** Bytes per element of a stored dtype. */
export function bytesPer(dtype: 'float32' | 'float64'): number {
  return dtype === 'float64' ? 8 : 4;
}
