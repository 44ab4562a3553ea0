/**
 * exportTfjs: writes a Zen-TS model (Sequential or functional, nested models included) in
 * the tfjs-layers format (model.json + group1-shard1of1.bin) that `tf.loadLayersModel`
 * reads, weights as float32 under the names TensorFlow.js gives them.
 */
import type { Layer } from '../../layers/layer';
import type { Model } from '../../models/model';
import { Bidirectional } from '../../layers/wrappers';
import { TFJS_SHARD_FILE, type TfjsModelJson, type TfjsWeightSpec } from './format';
import { toSnakeCase } from './keys';
import { leafLayers } from './leaf-layers';
import { type Refusal, modelToTfjs } from './topology-to-tfjs';
import { trainingConfigToTfjs } from './training';
import { writeTfjsFiles } from './write-files';

/**
 * The name TensorFlow.js gives a weight: 'dense_1/kernel'; a wrapped layer's weights are
 * the wrapper's ('time_distributed/kernel'), a Bidirectional's sit under
 * 'forward_<layer>' and 'backward_<layer>'.
 */
function tfjsWeightName(layer: Layer, weightName: string): string {
  const segments = weightName.split('/');
  const leaf = toSnakeCase(segments[segments.length - 1]);
  if (layer instanceof Bidirectional)
    return `${layer.name}/${segments[0]}_${layer.forwardLayer.name}/${leaf}`;
  if (layer.className === 'TimeDistributed') return `${layer.name}/${leaf}`;
  return `${layer.name}/${segments.map(toSnakeCase).join('/')}`;
}

/** Every weight as float32, back to back, with its manifest entry. */
function packWeights(model: Model): { bytes: Uint8Array; specs: TfjsWeightSpec[] } {
  const specs: TfjsWeightSpec[] = [];
  const parts: Float32Array[] = [];
  for (const layer of leafLayers(model)) {
    for (const w of layer.weights) {
      specs.push({ name: tfjsWeightName(layer, w.name), shape: [...w.value.shape], dtype: 'float32' });
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
export async function exportTfjs(model: Model, dir: string): Promise<void> {
  if (typeof dir !== 'string' || dir === '') throw new Error('exportTfjs: a directory path is required');
  if (!model.built) {
    throw new Error(
      `exportTfjs: model '${model.name}' is not built yet; build it (or call it on data) first`,
    );
  }
  const refusals: Refusal[] = [];
  const topology = modelToTfjs(model, '', refusals);
  if (refusals.length > 0) {
    const lines = refusals.map((r) => `  - layer '${r.path}' (${r.className}): ${r.problems.join('; ')}`);
    throw new Error(
      `exportTfjs: model '${model.name}' uses what TensorFlow.js does not support:\n${lines.join('\n')}`,
    );
  }
  const { bytes, specs } = packWeights(model);
  const json: TfjsModelJson = {
    modelTopology: {
      ...topology,
      keras_version: 'tfjs-layers (written by Zen-TS)',
      backend: 'tensor_flow.js',
    },
    format: 'layers-model',
    generatedBy: 'Zen-TS',
    convertedBy: null,
    weightsManifest: [{ paths: [TFJS_SHARD_FILE], weights: specs }],
  };
  const training = trainingConfigToTfjs(model.getTrainingConfig(), model.outputNames);
  if (training) json.trainingConfig = training;
  await writeTfjsFiles(dir, bytes, JSON.stringify(json, null, 2) + '\n');
}
