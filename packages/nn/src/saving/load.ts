/**
 * loadModel: checks model.json completely (validate.ts), builds the model from its config
 * under the weight budget the weights file can fill, checks the weights file's size and
 * CRC-32, restores every weight exactly, and then the optimiser state and random stream.
 */
import { FormatError } from '@zen/autograd-core';
import type { Model } from '../models/model';
import { modelFromConfig } from '../models/serialize';
import { registeredModels } from '../models/registry';
import '../models';
import { withWeightBudget } from '../layers/weight-budget';
import '../layers';
import { optimizerFromConfig } from '../optimizers/registry';
import type { LossSpecs, LossWeights, MetricSpecs } from '../training/outputs';
import { checkWeightsChecksum, checkWeightsLength } from './weights-check';
import { type ModelFile, STAGED_WEIGHTS_FILE, WEIGHTS_FILE, type WeightEntry } from './format';
import { namedWeights, restoreOptimizerState, storedDType } from './model-state';
import type { ModelStore } from './model-store';
import { openStore } from './stores';
import { matchModelWeights, validateModelFile } from './validate';
import { decodeInto } from './weights-codec';
import { parseTfjsLayersModel } from './tfjs/format';
import { WEIGHTS_FORMAT_NAME } from './weights-only';
import { loadTfjsLayersModel } from './tfjs/load';

/**
 * The weights file model.json names. A version-1 save interrupted just after renaming its
 * staged weights into place left model.json naming the staged file: the same bytes are
 * then under weights.bin (the CRC check confirms it).
 */
async function locateWeights(store: ModelStore, named: string): Promise<string> {
  const file = store.locate(named);
  if (named !== STAGED_WEIGHTS_FILE || (await store.exists(file))) return file;
  return store.locate(WEIGHTS_FILE);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Builds the model modelConfig describes, through the model registry (Sequential,
 * functional, or a registered custom kind); every malformed field is named with the file
 * and layer.
 */
function buildModel(file: ModelFile, modelPath: string): Model {
  const fail = (problem: string) => new FormatError(`loadModel: ${modelPath}: ${problem}`);
  const { className, config } = file.modelConfig;
  if (!registeredModels().includes(className))
    throw fail(
      `modelConfig.className '${className}' is not a known model class (known: ${registeredModels().join(', ')})`,
    );
  if (!Array.isArray(config.layers)) throw fail('modelConfig.config.layers must be an array');
  if (config.name !== undefined && typeof config.name !== 'string')
    throw fail(`modelConfig.config.name must be a string, got ${JSON.stringify(config.name)}`);
  (config.layers as unknown[]).forEach((entry, i) => {
    if (!isObject(entry) || typeof entry.className !== 'string' || !isObject(entry.config))
      throw fail(`modelConfig.config.layers[${i}] must be an object { className, config }`);
  });
  const shape = config.buildInputShape;
  const validShape =
    shape === null ||
    shape === undefined ||
    (Array.isArray(shape) &&
      shape.every((d, i) => (i === 0 && d === null) || (Number.isSafeInteger(d) && d >= 0)));
  if (!validShape)
    throw fail(
      `modelConfig.config.buildInputShape must be null or [null, …sizes], got ${JSON.stringify(shape)}`,
    );
  try {
    return modelFromConfig(file.modelConfig);
  } catch (error) {
    const message = (error as Error).message;
    throw fail(message.startsWith('layers[') ? `modelConfig.config.${message}` : `modelConfig: ${message}`);
  }
}

/** Compiles the model as trainingConfig says (built-in losses and optimisers only). */
function compileFrom(model: Model, file: ModelFile, modelPath: string): void {
  const training = file.trainingConfig;
  if (!training || !training.loss || !training.optimizer) return;
  // A custom loss function is saved as null: such a model comes back uncompiled.
  const losses = training.loss;
  const list = Array.isArray(losses)
    ? losses
    : isObject(losses) && !('name' in losses)
      ? Object.values(losses)
      : [losses];
  if (list.some((l) => l === null)) return;
  const optimizer = training.optimizer as { className?: unknown; config?: unknown };
  if (!isObject(optimizer) || typeof optimizer.className !== 'string' || !isObject(optimizer.config))
    throw new FormatError(
      `loadModel: ${modelPath}: trainingConfig.optimizer must be an object { className, config }`,
    );
  try {
    model.compile({
      optimizer: optimizerFromConfig(optimizer as { className: string; config: Record<string, unknown> }),
      loss: training.loss as LossSpecs,
      lossWeights: training.lossWeights as LossWeights | undefined,
      metrics: (training.metrics as MetricSpecs | undefined) ?? [],
    });
  } catch (error) {
    throw new FormatError(`loadModel: ${modelPath}: trainingConfig: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Refuses model entries stored out of the model's weight order (e.g. two same-shape names swapped). */
function checkOrder(names: readonly string[], byName: Map<string, WeightEntry>, modelPath: string): void {
  for (let k = 1; k < names.length; k++) {
    const a = byName.get(names[k - 1])!;
    const b = byName.get(names[k])!;
    if (a.byteOffset > b.byteOffset) {
      throw new FormatError(
        `loadModel: ${modelPath}: weights '${a.name}' and '${b.name}' are stored out of the model's order ` +
          `(byte offsets ${a.byteOffset} and ${b.byteOffset}); the manifest's names do not match the weights file`,
      );
    }
  }
}

/**
 * Loads a model saved with `model.save(target)` from a directory, the path of its model.json,
 * a `file://` URL of either, `indexeddb://name` (browsers) or the http(s) URL of a
 * model.json (weights fetched beside it); compiled again when it was compiled with built-in losses,
 * with the optimiser state restored when it was saved.
 */
export async function loadModel<T extends Model = Model>(source: string): Promise<T> {
  const store = openStore(source, 'loadModel');
  const { modelPath } = store;
  const text = new TextDecoder().decode(await store.read(modelPath, 'model file'));
  const tfjs = parseTfjsLayersModel(text);
  if (tfjs) return (await loadTfjsLayersModel(tfjs, modelPath, store)) as unknown as T;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`loadModel: ${modelPath} is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (isObject(parsed) && parsed.format === WEIGHTS_FORMAT_NAME)
    throw new FormatError(
      `loadModel: ${modelPath} holds weights only (written by saveWeights), not a model: ` +
        `construct the model in code and call model.loadWeights('${source}')`,
    );
  const file = validateModelFile(parsed, modelPath);
  const manifest = file.weightsManifest;
  const weightsPath = await locateWeights(store, manifest.path);
  const bytes = await store.read(weightsPath, 'weights file');
  checkWeightsLength({ bytes, manifest, weightsPath, modelPath });
  const modelEntries = manifest.weights.filter((e) => e.group === undefined);
  const stored = modelEntries.reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0);
  const model = withWeightBudget(
    stored,
    (needed) =>
      `the config asks for more weights than ${weightsPath} holds (${stored} values in all, ${needed} needed here)`,
    () => buildModel(file, modelPath),
  );
  const weights = namedWeights(model);
  const byName = matchModelWeights(
    manifest.weights,
    weights.map(({ name, weight }) => ({
      name,
      shape: weight.value.shape,
      dtype: storedDType(weight.value),
    })),
    modelPath,
  );
  checkOrder(
    weights.map((w) => w.name),
    byName,
    modelPath,
  );
  compileFrom(model, file, modelPath);

  checkWeightsChecksum({ bytes, manifest, weightsPath, modelPath });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { name, weight } of weights) decodeInto(view, byName.get(name)!, weight.value.data);
  restoreOptimizerState(
    model,
    manifest.weights.filter((e) => e.group !== undefined),
    view,
    modelPath,
  );
  return model as T;
}
