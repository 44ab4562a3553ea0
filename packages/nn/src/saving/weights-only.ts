/**
 * model.saveWeights(target) / model.loadWeights(source): the weights without the
 * architecture (Keras's save_weights, PyTorch's state_dict), for models whose architecture
 * is code. The same container as save — an index file (model.json, format
 * 'zen-ts-weights') and one weights file, committed by the store's protocol and CRC-32
 * checked — so the targets are save's. loadWeights also reads the weights of a full save.
 */
import { FormatError } from '@zen/autograd-core';
import { FORMAT_NAME, type WeightsManifest } from './format';
import { type SavableModel, namedWeights, storedDType, weightArrays } from './model-state';
import { commitArrays } from './save';
import { openStore } from './stores';
import { matchModelWeights, validateManifest, validateModelFile } from './validate';
import { checkWeightsChecksum, checkWeightsLength } from './weights-check';
import { decodeInto } from './weights-codec';

export const WEIGHTS_FORMAT_NAME = 'zen-ts-weights';
/** The version written and read. */
export const WEIGHTS_FORMAT_VERSION = 1;

/** The index file of a weights-only save. */
export interface WeightsFile {
  format: typeof WEIGHTS_FORMAT_NAME;
  formatVersion: number;
  /** The class and name of the model saved (for messages; loading matches weights by name). */
  className: string;
  name: string;
  weightsManifest: WeightsManifest;
}

/** What saving and loading weights use of a model. */
export type WeightsOwner = Pick<SavableModel, 'className' | 'name' | 'built' | 'namedWeights'>;

function checkBuilt(model: WeightsOwner, where: string): void {
  if (!model.built || model.namedWeights().length === 0) {
    throw new Error(
      `${where}: ${model.className} '${model.name}' has no weights yet (its layers create them on the first call); ` +
        'call it once on a batch (e.g. model.predict(x)) first',
    );
  }
}

/** Writes `model`'s weights to `target` (a directory, `file://` URL or `indexeddb://name`). */
export async function saveWeightsFile(model: WeightsOwner, target: string): Promise<void> {
  const store = openStore(target, 'saveWeights');
  checkBuilt(model, 'saveWeights');
  await commitArrays(store, weightArrays(model), (weightsManifest): WeightsFile => ({
    format: WEIGHTS_FORMAT_NAME,
    formatVersion: WEIGHTS_FORMAT_VERSION,
    className: model.className,
    name: model.name,
    weightsManifest,
  }));
}

/** The weights manifest of a weights-only or full save, checked. */
function readManifest(parsed: unknown, file: string, where: string): WeightsManifest {
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (record.format === FORMAT_NAME) return validateModelFile(parsed, file, where).weightsManifest;
  if (record.format !== WEIGHTS_FORMAT_NAME)
    throw new FormatError(
      `${where}: ${file} is not a Zen-TS weights or model file (format '${String(record.format)}')`,
    );
  if (record.formatVersion !== WEIGHTS_FORMAT_VERSION)
    throw new FormatError(
      `${where}: ${file}: formatVersion ${JSON.stringify(record.formatVersion)} is not supported (this library reads version ${WEIGHTS_FORMAT_VERSION})`,
    );
  validateManifest(record.weightsManifest, WEIGHTS_FORMAT_VERSION, file, where);
  return record.weightsManifest as WeightsManifest;
}

/**
 * Loads the weights saved at `source` into `model` (built), after checking that the file
 * holds exactly the model's weights, by name, shape and dtype, and that its bytes are intact.
 */
export async function loadWeightsFile(model: WeightsOwner, source: string): Promise<void> {
  const where = 'loadWeights';
  const store = openStore(source, where);
  checkBuilt(model, where);
  const { modelPath } = store;
  const text = new TextDecoder().decode(await store.read(modelPath, 'weights index file'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${where}: ${modelPath} is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  const manifest = readManifest(parsed, modelPath, where);
  const weights = namedWeights(model);
  const expected = weights.map(({ name, weight }) => ({
    name,
    shape: weight.value.shape,
    dtype: storedDType(weight.value),
  }));
  const byName = matchModelWeights(manifest.weights, expected, modelPath, where);
  const weightsPath = store.locate(manifest.path);
  const bytes = await store.read(weightsPath, 'weights file', modelPath);
  const file = { bytes, manifest, weightsPath, modelPath, where };
  checkWeightsLength(file);
  checkWeightsChecksum(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { name, weight } of weights) decodeInto(view, byName.get(name)!, weight.value.data);
}
