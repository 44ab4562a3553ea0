/**
 * Loads a tfjs-layers model (model.json + binary shards, as TensorFlow.js saves and the
 * Keras converter writes) as a Zen-TS Sequential: every layer is checked first, then the
 * model is built, its weights read and matched by name, and it is compiled from the
 * trainingConfig when there is one.
 */
import { Sequential } from '../../models/sequential';
import type { Layer } from '../../layers/layer';
import { layerFromConfig } from '../../layers/registry';
import '../../layers';
import { type KerasObject, type TfjsModelJson, classNameOf } from './format';
import { type LayerPlan, type SourceInfo, planLayer } from './layers-from-tfjs';
import { compileArgsFromTfjs } from './training';
import { type TfjsWeight, readTfjsWeights } from './weights';
import type { ModelStore } from '../model-store';

type BatchShape = (number | null)[];

function sourceOf(json: TfjsModelJson): SourceInfo {
  const topology = json.modelTopology;
  const version = String(topology.keras_version ?? topology.kerasVersion ?? '');
  return {
    keras3: /^3\./.test(version),
    tfjs: version.startsWith('tfjs') || String(json.generatedBy ?? '').startsWith('TensorFlow.js'),
  };
}

/** The layer entries and input shape of a Sequential topology (older files list the layers directly). */
function sequentialLayers(json: TfjsModelJson, file: string): { name?: string; entries: KerasObject[] } {
  const topology = json.modelTopology;
  const model = (topology.model_config ?? topology.modelConfig ?? topology) as Partial<KerasObject>;
  if (classNameOf(model) !== 'Sequential') {
    throw new Error(
      `loadModel: ${file}: model class '${String(classNameOf(model))}' is not supported (only Sequential tfjs-layers models load so far)`,
    );
  }
  const config = model.config as unknown;
  const entries = Array.isArray(config) ? config : (config as { layers?: unknown })?.layers;
  if (!Array.isArray(entries))
    throw new Error(`loadModel: ${file}: the Sequential topology has no layer list`);
  const name = Array.isArray(config) ? undefined : (config as { name?: string }).name;
  return { name, entries: entries as KerasObject[] };
}

/** Throws one error listing every layer Zen-TS cannot build, by name and class. */
function refuseUnsupported(plans: readonly LayerPlan[], file: string): void {
  const bad = plans.filter((p) => p.problems.length > 0);
  if (bad.length === 0) return;
  const lines = bad.map((p) => `  - layer '${p.name}' (${p.sourceClass}): ${p.problems.join('; ')}`);
  throw new Error(
    `loadModel: ${file}: this TensorFlow.js model uses what Zen-TS does not support:\n${lines.join('\n')}`,
  );
}

/** The input layer's batch shape (Keras writes an InputLayer; TensorFlow.js puts it on the first layer). */
function inputBatchShape(entry: KerasObject, file: string): BatchShape {
  const c = entry.config ?? {};
  const shape = c.batch_input_shape ?? c.batchInputShape ?? c.batch_shape ?? c.batchShape;
  if (!Array.isArray(shape))
    throw new Error(`loadModel: ${file}: InputLayer '${String(c.name)}' has no batch shape`);
  if (c.sparse || c.ragged)
    throw new Error(`loadModel: ${file}: InputLayer '${String(c.name)}' is sparse or ragged`);
  return shape as BatchShape;
}

/** A weight's name without ':0' and spelling: 'depthwise_kernel:0' and 'depthwiseKernel' match. */
const weightKey = (name: string): string => name.replace(/:\d+$/, '').replace(/_/g, '').toLowerCase();

/** Weight names → (layer name, weight name): 'dense_Dense1/kernel', 'lstm/lstm_cell/kernel:0'. */
function weightsByLayer(
  weights: Map<string, TfjsWeight>,
): (layer: string, weight: string) => TfjsWeight | null {
  const index = new Map<string, TfjsWeight>();
  for (const [name, w] of weights) {
    const parts = name.split('/');
    const weight = weightKey(parts[parts.length - 1]);
    for (const part of parts.slice(0, -1)) {
      const key = `${part}/${weight}`;
      if (!index.has(key)) index.set(key, w);
    }
  }
  return (layer, weight) => index.get(`${layer}/${weightKey(weight)}`) ?? null;
}

function assignWeights(layers: readonly Layer[], weights: Map<string, TfjsWeight>, file: string): void {
  const find = weightsByLayer(weights);
  for (const layer of layers) {
    for (const w of layer.weights) {
      const found = find(layer.name, w.name);
      if (!found) {
        throw new Error(
          `loadModel: ${file}: the weights manifest has no '${w.name}' for layer '${layer.name}' (${layer.className}); ` +
            `it lists ${[...weights.keys()].join(', ') || 'nothing'}`,
        );
      }
      const expected = w.value.shape;
      const shape = found.spec.shape;
      if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
        throw new Error(
          `loadModel: ${file}: weight '${found.spec.name}' has shape [${shape}] but layer '${layer.name}' ` +
            `(${layer.className}) needs '${w.name}' of shape [${expected}]`,
        );
      }
      w.value.data.set(found.values);
    }
  }
}

/** Builds the Zen-TS model a parsed tfjs-layers model.json (at `file`) describes, with its weights. */
export async function loadTfjsLayersModel(
  json: TfjsModelJson,
  file: string,
  store: ModelStore,
): Promise<Sequential> {
  const source = sourceOf(json);
  const { name, entries } = sequentialLayers(json, file);
  let batchShape: BatchShape | null = null;
  const plans: LayerPlan[] = [];
  entries.forEach((entry, i) => {
    if (classNameOf(entry) === 'InputLayer') batchShape = inputBatchShape(entry, file);
    else plans.push(planLayer(entry, i, source));
  });
  refuseUnsupported(plans, file);
  if (plans.length === 0) throw new Error(`loadModel: ${file}: the model has no layers`);
  batchShape ??= plans[0].batchInputShape;
  if (!batchShape) throw new Error(`loadModel: ${file}: the first layer declares no input shape`);

  const layers = plans.map((plan, i) => {
    const config = { ...plan.config! };
    if (i === 0) config.inputShape = batchShape!.slice(1);
    else delete config.inputShape;
    try {
      return layerFromConfig(plan.className!, config);
    } catch (error) {
      throw new Error(
        `loadModel: ${file}: layer '${plan.name}' (${plan.sourceClass}): ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  });
  const model = new Sequential(layers, name ? { name } : {});
  model.build(batchShape);
  assignWeights(model.layers, await readTfjsWeights(json.weightsManifest, file, store), file);
  const training = compileArgsFromTfjs(
    (json.trainingConfig ?? json.modelTopology.training_config) as Record<string, unknown> | undefined,
  );
  if (training) model.compile(training);
  return model;
}
