/**
 * Loads a tfjs-layers model (model.json + binary shards, as TensorFlow.js saves and the
 * Keras converter writes) as a Zen-TS model — Sequential or functional, nested models
 * included: every layer is checked first, then the model is built, its weights read and
 * matched by name, and it is compiled from the trainingConfig when there is one.
 */
import type { Model } from '../../models/model';
import type { TfjsModelJson, KerasObject } from './format';
import type { SourceInfo } from './layers-from-tfjs';
import { assignTfjsWeights } from './assign-weights';
import { buildModel } from './build-model';
import { planModel, refuseUnsupported } from './topology';
import { compileArgsFromTfjs } from './training';
import { readTfjsWeights } from './weights';
import type { ModelStore } from '../model-store';

function sourceOf(json: TfjsModelJson): SourceInfo {
  const topology = json.modelTopology;
  const version = String(topology.keras_version ?? topology.kerasVersion ?? '');
  return {
    keras3: /^3\./.test(version),
    tfjs: version.startsWith('tfjs') || String(json.generatedBy ?? '').startsWith('TensorFlow.js'),
  };
}

/** Builds the Zen-TS model a parsed tfjs-layers model.json (at `file`) describes, with its weights. */
export async function loadTfjsLayersModel(
  json: TfjsModelJson,
  file: string,
  store: ModelStore,
): Promise<Model> {
  const topology = json.modelTopology;
  const modelEntry = (topology.model_config ?? topology.modelConfig ?? topology) as KerasObject;
  const plan = planModel(modelEntry, sourceOf(json), file);
  refuseUnsupported(plan, file);
  const model = buildModel(plan, file);
  assignTfjsWeights(model, await readTfjsWeights(json.weightsManifest, file, store), file);
  const training = compileArgsFromTfjs(
    (json.trainingConfig ?? topology.training_config ?? topology.trainingConfig) as
      Record<string, unknown> | undefined,
  );
  if (training) model.compile(training);
  return model;
}
