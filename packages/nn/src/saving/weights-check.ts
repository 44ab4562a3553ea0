/** The checks a weights file passes before any value is read: its length and its CRC-32, as model.json records them. */
import { FormatError } from '@zen/autograd-core';
import { crc32, formatCrc } from './crc32';
import type { WeightsManifest } from './format';

/** A weights file read, with the manifest that describes it. */
export interface WeightsFileBytes {
  bytes: Uint8Array;
  manifest: WeightsManifest;
  weightsPath: string;
  /** The model.json naming it. */
  modelPath: string;
  /** The caller, for messages (default 'loadModel'). */
  where?: string;
}

/** Refuses a weights file shorter or longer than the manifest says. */
export function checkWeightsLength(file: WeightsFileBytes): void {
  const size = file.bytes.length;
  const expected = file.manifest.byteLength;
  if (size !== expected) {
    throw new FormatError(
      `${file.where ?? 'loadModel'}: ${file.weightsPath} is ${size < expected ? 'truncated' : 'too long'}: ` +
        `${size} bytes, but ${file.modelPath} describes ${expected}`,
    );
  }
}

/** Refuses a weights file whose CRC-32 differs from the manifest's. */
export function checkWeightsChecksum(file: WeightsFileBytes): void {
  const actual = formatCrc(crc32(file.bytes));
  const recorded = file.manifest.checksum.value;
  if (actual !== recorded) {
    throw new FormatError(
      `${file.where ?? 'loadModel'}: ${file.weightsPath} is corrupted: its CRC-32 is ${actual} but ${file.modelPath} records ${recorded}`,
    );
  }
}
