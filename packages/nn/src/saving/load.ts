/**
 * loadModel: rebuilds a Sequential from model.json, checks weights.bin against the
 * manifest (size, CRC-32, names, shapes, dtypes) and restores every weight exactly.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { Sequential } from '../models/sequential';
import { layerFromConfig } from '../layers/registry';
import '../layers';
import { optimizerFromConfig } from '../optimizers/registry';
import { LossConfig } from '../training/loss-spec';
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
import { parseTfjsLayersModel } from './tfjs/format';
import { loadTfjsLayersModel } from './tfjs/load';

async function readOrExplain(file: string, what: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `loadModel: cannot read ${what} ${file}${code === 'ENOENT' ? ' (no such file)' : `: ${(error as Error).message}`}`,
      { cause: error },
    );
  }
}

function parseModelFile(text: string, file: string): ModelFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`loadModel: ${file} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const m = parsed as Partial<ModelFile>;
  if (!m || m.format !== FORMAT_NAME)
    throw new Error(`loadModel: ${file} is not a Zen-TS model file (format '${String(m?.format)}')`);
  if (typeof m.formatVersion !== 'number' || m.formatVersion > FORMAT_VERSION) {
    throw new Error(
      `loadModel: ${file} has format version ${m.formatVersion}; this library reads up to ${FORMAT_VERSION}`,
    );
  }
  if (m.modelConfig?.className !== 'Sequential' || !Array.isArray(m.modelConfig.config?.layers)) {
    throw new Error(`loadModel: ${file} does not describe a Sequential model`);
  }
  const manifest = m.weightsManifest;
  if (
    !manifest ||
    !Array.isArray(manifest.weights) ||
    typeof manifest.byteLength !== 'number' ||
    !manifest.checksum
  ) {
    throw new Error(`loadModel: ${file} has no valid weightsManifest`);
  }
  return m as ModelFile;
}

/** Checks each manifest entry lies inside the file and matches the model's weight of the same name. */
function checkEntry(
  entry: WeightEntry,
  expectedShape: readonly number[],
  dtype: string,
  total: number,
  file: string,
): void {
  const sameShape =
    Array.isArray(entry.shape) &&
    entry.shape.length === expectedShape.length &&
    entry.shape.every((d, i) => d === expectedShape[i]);
  if (!sameShape) {
    throw new Error(
      `loadModel: ${file}: weight '${entry.name}' has shape [${entry.shape}] in the manifest but the model expects [${expectedShape}]`,
    );
  }
  if (entry.dtype !== dtype) {
    throw new Error(
      `loadModel: ${file}: weight '${entry.name}' is ${entry.dtype} in the manifest but the model expects ${dtype}`,
    );
  }
  const size = expectedShape.reduce((a, b) => a * b, 1);
  if (
    entry.byteLength !== size * bytesPer(entry.dtype) ||
    entry.byteOffset < 0 ||
    entry.byteOffset + entry.byteLength > total
  ) {
    throw new Error(
      `loadModel: ${file}: weight '${entry.name}' (byte offset ${entry.byteOffset}, ${entry.byteLength} bytes) does not fit its shape or the ${total}-byte weights file`,
    );
  }
}

/** Loads a model saved with `model.save(dir)`; compiled again when it was compiled with built-in losses. */
/**
 * The weights file model.json names. A save interrupted just after renaming its staged
 * weights into place leaves model.json naming the staged file: the same bytes are then
 * under weights.bin (the CRC check below confirms it).
 */
async function locateWeights(dir: string, named: string): Promise<string> {
  const file = path.join(dir, named);
  if (named !== STAGED_WEIGHTS_FILE) return file;
  try {
    await fs.access(file);
    return file;
  } catch {
    return path.join(dir, WEIGHTS_FILE);
  }
}

export async function loadModel(dir: string): Promise<Sequential> {
  const modelPath = path.join(dir, MODEL_FILE);
  const text = (await readOrExplain(modelPath, 'model file')).toString('utf8');
  const tfjs = parseTfjsLayersModel(text);
  if (tfjs) return loadTfjsLayersModel(tfjs, modelPath);
  const model = parseModelFile(text, modelPath);
  const { config } = model.modelConfig;
  const layers = config.layers.map(({ className, config: layerConfig }) =>
    layerFromConfig(className, layerConfig),
  );
  const result = new Sequential(layers, { name: config.name });
  if (config.buildInputShape) result.build(config.buildInputShape);
  else if (result.inputShape) result.build();

  const manifest = model.weightsManifest;
  const weightsPath = await locateWeights(dir, manifest.path || WEIGHTS_FILE);
  const bytes = await readOrExplain(weightsPath, 'weights file');
  if (bytes.length !== manifest.byteLength) {
    throw new Error(
      `loadModel: ${weightsPath} is ${bytes.length < manifest.byteLength ? 'truncated' : 'too long'}: ` +
        `${bytes.length} bytes, but ${modelPath} describes ${manifest.byteLength}`,
    );
  }
  const actual = formatCrc(crc32(bytes));
  if (actual !== manifest.checksum.value) {
    throw new Error(
      `loadModel: ${weightsPath} is corrupted: its CRC-32 is ${actual} but ${modelPath} records ${manifest.checksum.value}`,
    );
  }
  const byName = new Map(manifest.weights.map((e) => [e.name, e]));
  const modelWeights = result.layers.flatMap((layer) =>
    layer.weights.map((w) => ({ name: `${layer.name}/${w.name}`, w })),
  );
  if (modelWeights.length !== manifest.weights.length) {
    throw new Error(
      `loadModel: ${modelPath}: the manifest lists ${manifest.weights.length} weights but the model has ${modelWeights.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { name, w } of modelWeights) {
    const entry = byName.get(name);
    if (!entry) throw new Error(`loadModel: ${modelPath}: the manifest has no entry for weight '${name}'`);
    checkEntry(entry, w.value.shape, w.value.dtype, bytes.length, modelPath);
    const data = w.value.data;
    if (entry.dtype === 'float64')
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat64(entry.byteOffset + 8 * i, true);
    else for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(entry.byteOffset + 4 * i, true);
  }

  const training = model.trainingConfig;
  if (training && training.loss && training.optimizer) {
    result.compile({
      optimizer: optimizerFromConfig(
        training.optimizer as { className: string; config: Record<string, unknown> },
      ),
      loss: training.loss as LossConfig,
      metrics: (training.metrics as string[] | undefined) ?? [],
    });
  }
  return result;
}
