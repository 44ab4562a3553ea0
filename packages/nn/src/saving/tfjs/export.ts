/**
 * exportTfjs: writes a Zen-TS Sequential in the tfjs-layers format (model.json +
 * group1-shard1of1.bin) that `tf.loadLayersModel` reads, weights as float32.
 */
import type { Sequential } from '../../models/sequential';
import { TFJS_SHARD_FILE, type TfjsModelJson, type TfjsWeightSpec } from './format';
import { toSnakeCase } from './keys';
import { layerToTfjs } from './layers-to-tfjs';
import { trainingConfigToTfjs } from './training';
import { writeTfjsFiles } from './write-files';

/** Every weight as float32, back to back, with its manifest entry `layer/weight`. */
function packWeights(model: Sequential): { bytes: Uint8Array; specs: TfjsWeightSpec[] } {
  const specs: TfjsWeightSpec[] = [];
  const parts: Float32Array[] = [];
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      specs.push({
        name: `${layer.name}/${toSnakeCase(w.name)}`,
        shape: [...w.value.shape],
        dtype: 'float32',
      });
      parts.push(Float32Array.from(w.value.data));
    }
  }
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  // Manifests are little-endian; so are the platforms Node and browsers run on.
  return { bytes: new Uint8Array(all.buffer), specs };
}

/**
 * Writes `model` into directory `dir` as a tfjs-layers model (model.json and one weights
 * shard), for `tf.loadLayersModel`. Layers or options TensorFlow.js lacks are all listed,
 * by layer, before anything is written.
 */
export async function exportTfjs(model: Sequential, dir: string): Promise<void> {
  if (typeof dir !== 'string' || dir === '') throw new Error('exportTfjs: a directory path is required');
  if (!model.built) {
    throw new Error(
      `exportTfjs: model '${model.name}' is not built yet; build it (or call it on data) first`,
    );
  }
  const inputShape = model.builtInputShape ? [...model.builtInputShape] : null;
  const entries = model.layers.map((layer, i) => ({
    layer,
    ...layerToTfjs(layer, i === 0 ? inputShape : null),
  }));
  const bad = entries.filter((e) => e.problems.length > 0);
  if (bad.length > 0) {
    const lines = bad.map(
      (e) => `  - layer '${e.layer.name}' (${e.layer.className}): ${e.problems.join('; ')}`,
    );
    throw new Error(
      `exportTfjs: model '${model.name}' uses what TensorFlow.js does not support:\n${lines.join('\n')}`,
    );
  }
  const { bytes, specs } = packWeights(model);
  const json: TfjsModelJson = {
    modelTopology: {
      class_name: 'Sequential',
      config: { name: model.name, layers: entries.map((e) => e.entry) },
      keras_version: 'tfjs-layers (written by Zen-TS)',
      backend: 'tensor_flow.js',
    },
    format: 'layers-model',
    generatedBy: 'Zen-TS',
    convertedBy: null,
    weightsManifest: [{ paths: [TFJS_SHARD_FILE], weights: specs }],
  };
  const training = trainingConfigToTfjs(model.getTrainingConfig());
  if (training) json.trainingConfig = training;
  await writeTfjsFiles(dir, bytes, JSON.stringify(json, null, 2) + '\n');
}
