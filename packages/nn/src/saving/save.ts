/**
 * Sequential.save: weights.bin (little-endian floats) and model.json, each written to
 * a temporary file, flushed and renamed into place, in an order that makes model.json
 * the commit point: a save interrupted at any moment leaves either the previous model
 * or the new one loadable, never a mix.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { Sequential } from '../models/sequential';
import { crc32, formatCrc } from './crc32';
import {
  FORMAT_NAME,
  FORMAT_VERSION,
  MODEL_FILE,
  ModelFile,
  STAGED_WEIGHTS_FILE,
  WEIGHTS_FILE,
  WeightEntry,
  bytesPer,
} from './format';

/** Packs every weight into one little-endian buffer and describes where each one lives. */
export function encodeWeights(model: Sequential): { bytes: Uint8Array; entries: WeightEntry[] } {
  const entries: WeightEntry[] = [];
  let offset = 0;
  const list = model.layers.flatMap((layer) => layer.weights.map((w) => ({ layer, w })));
  for (const { layer, w } of list) {
    const dtype = w.value.dtype === 'float64' ? 'float64' : 'float32';
    const byteLength = w.value.size * bytesPer(dtype);
    entries.push({
      name: `${layer.name}/${w.name}`,
      shape: [...w.value.shape],
      dtype,
      byteOffset: offset,
      byteLength,
      trainable: w.trainable,
    });
    offset += byteLength;
  }
  const bytes = new Uint8Array(offset);
  const view = new DataView(bytes.buffer);
  list.forEach(({ w }, k) => {
    const { byteOffset, dtype } = entries[k];
    const data = w.value.data;
    if (dtype === 'float64')
      for (let i = 0; i < data.length; i++) view.setFloat64(byteOffset + 8 * i, data[i], true);
    else for (let i = 0; i < data.length; i++) view.setFloat32(byteOffset + 4 * i, data[i], true);
  });
  return { bytes, entries };
}

/** Writes `data` to `file` via a temporary file in the same directory, flushed, then renamed. */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/** Saves `model` into directory `dir` as model.json + weights.bin. */
export async function saveModel(model: Sequential, dir: string): Promise<void> {
  if (typeof dir !== 'string' || dir === '') throw new Error('save: a directory path is required');
  if (!model.built) {
    throw new Error(
      `save: model '${model.name}' is not built yet; build it (or call it on data) before saving`,
    );
  }
  const { bytes, entries } = encodeWeights(model);
  const describe = (weightsPath: string): string => {
    const file: ModelFile = {
      format: FORMAT_NAME,
      formatVersion: FORMAT_VERSION,
      modelConfig: { className: 'Sequential', config: model.getConfig() },
      trainingConfig: model.getTrainingConfig(),
      weightsManifest: {
        path: weightsPath,
        byteLength: bytes.length,
        byteOrder: 'little-endian',
        checksum: { algorithm: 'crc32', value: formatCrc(crc32(bytes)) },
        weights: entries,
      },
    };
    return JSON.stringify(file, null, 2) + '\n';
  };
  await fs.mkdir(dir, { recursive: true });
  // model.json is the commit point. Until it is replaced, the previous model.json and
  // weights.bin are untouched; once it is, it names weights that are already on disk.
  // If the process dies before the final rewrite, model.json still names STAGED_WEIGHTS_FILE,
  // or — after the rename — loadModel finds the same bytes (checked by CRC) under WEIGHTS_FILE.
  await writeFileAtomic(path.join(dir, STAGED_WEIGHTS_FILE), bytes);
  await writeFileAtomic(path.join(dir, MODEL_FILE), describe(STAGED_WEIGHTS_FILE));
  await fs.rename(path.join(dir, STAGED_WEIGHTS_FILE), path.join(dir, WEIGHTS_FILE));
  await writeFileAtomic(path.join(dir, MODEL_FILE), describe(WEIGHTS_FILE));
}
