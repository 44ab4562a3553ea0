/**
 * model.save(target): model.json and one weights file (the model's weights, then the
 * optimiser state and random stream in the manifest group 'optimizer'), committed by the
 * protocol in commit.ts so that a save interrupted at any instant leaves the previous
 * model or the new one loadable, never a mix.
 */
import { crc32, formatCrc } from './crc32';
import { FORMAT_NAME, FORMAT_VERSION, type ModelFile, type WeightsManifest } from './format';
import type { ModelStore } from './model-store';
import { type SavableModel, optimizerArrays, weightArrays } from './model-state';
import { openStore } from './stores';
import { type NamedArray, encodeArrays } from './weights-codec';
import { checkOptions } from '@zen/autograd-core';
import { optionNames } from '../options';

export interface SaveOptions {
  /** Store the optimiser state and random stream too, so training resumes exactly (default true, as Keras). */
  includeOptimizer?: boolean;
}

const SAVE_OPTIONS = optionNames<SaveOptions>()(['includeOptimizer']);

/** Saves `model` to `target`: a directory path (created if needed), a `file://` URL of one, or `indexeddb://name` in browsers. */
export async function saveModel(
  model: SavableModel,
  target: string,
  options: SaveOptions = {},
): Promise<void> {
  checkOptions(
    { call: 'model.save', positional: 'includeOptimizer', before: 'target, ' },
    options,
    SAVE_OPTIONS,
  );
  const store = openStore(target, 'save');
  const includeOptimizer = options.includeOptimizer ?? true;
  if (typeof includeOptimizer !== 'boolean')
    throw new Error(`save: includeOptimizer must be true or false, got ${String(includeOptimizer)}`);
  if (!model.built) {
    throw new Error(
      `save: model '${model.name}' is not built yet; build it (or call it on data) before saving`,
    );
  }
  const modelConfig = model.modelConfig();
  const arrays = weightArrays(model);
  if (includeOptimizer) arrays.push(...optimizerArrays(model));
  const trainingConfig = model.getTrainingConfig();
  await commitArrays(store, arrays, (weightsManifest): ModelFile => ({
    format: FORMAT_NAME,
    formatVersion: FORMAT_VERSION,
    modelConfig,
    trainingConfig,
    weightsManifest,
  }));
}

/**
 * Packs `arrays` into one weights file and commits it with the JSON index file that
 * `describe` makes around the weights manifest (the store's protocol: the index is the commit point).
 */
export async function commitArrays(
  store: ModelStore,
  arrays: readonly NamedArray[],
  describe: (manifest: WeightsManifest) => object,
): Promise<void> {
  const { bytes, entries } = encodeArrays(arrays);
  const checksum = { algorithm: 'crc32' as const, value: formatCrc(crc32(bytes)) };
  await store.commit(bytes, (weightsPath) => {
    const manifest: WeightsManifest = {
      path: weightsPath,
      byteLength: bytes.length,
      byteOrder: 'little-endian',
      checksum,
      weights: entries,
    };
    return JSON.stringify(describe(manifest), null, 2) + '\n';
  });
}
