/**
 * Reads a tfjs-layers / Keras model topology into a plan: Sequential stacks and functional
 * graphs (`layers[*].inbound_nodes`, `input_layers`, `output_layers`), nested models
 * included. Nothing is built here; every unsupported layer or option is collected so one
 * error can list them all.
 */
import { FormatError } from '@zen/autograd-core';
import { type KerasObject, classNameOf } from './format';
import { type InboundCall, parseInboundNodes, parseTensorRefs, type TensorRef } from './inbound-nodes';
import { type LayerPlan, type SourceInfo, planLayer } from './layers-from-tfjs';

export type BatchShape = (number | null)[];

/** Classes that hold a whole model (a model can be a layer of another). */
const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

export const isModelEntry = (entry: unknown): boolean => MODEL_CLASSES.has(classNameOf(entry) ?? '');

/** An input of a functional model. */
export interface InputPlan {
  kind: 'input';
  name: string;
  batchShape: BatchShape;
  dtype: 'float32' | 'int32';
}

/** A layer of a Sequential model: a layer, or a nested model. */
export type StackEntry = LayerPlan | ModelPlan;

export interface SequentialPlan {
  kind: 'Sequential';
  name?: string;
  /** The input shape the file declares (InputLayer entry or the first layer's batch_input_shape). */
  batchShape: BatchShape | null;
  layers: StackEntry[];
}

/** A layer of a functional model with its calls (each a list of tensor references). */
export interface GraphEntry {
  plan: LayerPlan | ModelPlan | InputPlan;
  calls: InboundCall[];
}

export interface FunctionalPlan {
  kind: 'Functional';
  name: string;
  layers: GraphEntry[];
  inputs: TensorRef[];
  outputs: TensorRef[];
}

export type ModelPlan = SequentialPlan | FunctionalPlan;

export const isInputPlan = (p: unknown): p is InputPlan => (p as InputPlan)?.kind === 'input';

export const isModelPlan = (p: unknown): p is ModelPlan =>
  (p as ModelPlan)?.kind === 'Sequential' || (p as ModelPlan)?.kind === 'Functional';

/** The input layer's batch shape (Keras writes an InputLayer; TensorFlow.js puts it on the first layer). */
export function inputBatchShape(entry: KerasObject, file: string): BatchShape {
  const c = entry.config ?? {};
  const shape = c.batch_input_shape ?? c.batchInputShape ?? c.batch_shape ?? c.batchShape;
  if (!Array.isArray(shape))
    throw new FormatError(`loadModel: ${file}: InputLayer '${String(c.name)}' has no batch shape`);
  if (c.sparse || c.ragged)
    throw new FormatError(`loadModel: ${file}: InputLayer '${String(c.name)}' is sparse or ragged`);
  return shape as BatchShape;
}

function planInput(entry: KerasObject, file: string): InputPlan {
  const c = entry.config ?? {};
  const name = String(c.name ?? (entry as { name?: unknown }).name);
  const raw = c.dtype as unknown;
  const dtypeName = typeof raw === 'object' && raw !== null ? (raw as KerasObject).config?.name : raw;
  const dtype = dtypeName === 'int32' ? 'int32' : 'float32';
  return { kind: 'input', name, batchShape: inputBatchShape(entry, file), dtype };
}

/** The layer entries and name of a Sequential config (older files list the layers directly). */
function sequentialEntries(config: unknown, file: string): { name?: string; entries: KerasObject[] } {
  const entries = Array.isArray(config) ? config : (config as { layers?: unknown })?.layers;
  if (!Array.isArray(entries))
    throw new FormatError(`loadModel: ${file}: the Sequential topology has no layer list`);
  const name = Array.isArray(config) ? undefined : (config as { name?: string }).name;
  return { name, entries: entries as KerasObject[] };
}

function planSequential(model: KerasObject, source: SourceInfo, file: string): SequentialPlan {
  const { name, entries } = sequentialEntries(model.config, file);
  let batchShape: BatchShape | null = null;
  const layers: StackEntry[] = [];
  entries.forEach((entry, i) => {
    if (classNameOf(entry) === 'InputLayer') batchShape = inputBatchShape(entry, file);
    else if (isModelEntry(entry)) layers.push(planModel(entry, source, file));
    else layers.push(planLayer(entry, i, source));
  });
  if (layers.length === 0) throw new FormatError(`loadModel: ${file}: the model has no layers`);
  const first = layers[0];
  batchShape ??= isModelPlan(first) ? null : first.batchInputShape;
  return { kind: 'Sequential', name, batchShape, layers };
}

function planFunctional(model: KerasObject, source: SourceInfo, file: string): FunctionalPlan {
  const c = model.config ?? {};
  const name = String(c.name ?? 'model');
  const where = `${classNameOf(model)} '${name}'`;
  const entries = c.layers;
  if (!Array.isArray(entries)) throw new FormatError(`loadModel: ${file}: ${where} has no 'layers' list`);
  const layers = (entries as KerasObject[]).map((entry, i): GraphEntry => {
    const layerName = String(entry?.config?.name ?? (entry as { name?: unknown })?.name ?? `layer ${i}`);
    const raw =
      (entry as { inbound_nodes?: unknown; inboundNodes?: unknown })?.inbound_nodes ??
      (entry as { inboundNodes?: unknown })?.inboundNodes ??
      [];
    const calls = parseInboundNodes(raw, `${file}: ${where}, layer '${layerName}'`);
    const cls = classNameOf(entry);
    if (cls === 'InputLayer') return { plan: planInput(entry, file), calls: [] };
    if (isModelEntry(entry)) return { plan: planModel(entry, source, file), calls };
    const plan = planLayer(entry, i, source);
    for (const call of calls) plan.problems.push(...call.problems);
    return { plan, calls };
  });
  const inputs = parseTensorRefs(c.input_layers ?? c.inputLayers, `${file}: ${where} input_layers`);
  const outputs = parseTensorRefs(c.output_layers ?? c.outputLayers, `${file}: ${where} output_layers`);
  return { kind: 'Functional', name, layers, inputs, outputs };
}

/** A model entry (`{ class_name: 'Sequential' | 'Model' | 'Functional', config }`) as a plan. */
export function planModel(model: KerasObject, source: SourceInfo, file: string): ModelPlan {
  const cls = classNameOf(model);
  if (cls === 'Sequential') return planSequential(model, source, file);
  if (cls === 'Model' || cls === 'Functional') return planFunctional(model, source, file);
  throw new FormatError(
    `loadModel: ${file}: model class '${String(cls)}' is not supported (Sequential, Model and Functional topologies load)`,
  );
}

/** The plans of every layer of a model, nested models' layers included, with their path ('outer/inner/dense'). */
function layerPlans(plan: ModelPlan, prefix = ''): { path: string; plan: LayerPlan }[] {
  const entries = plan.kind === 'Sequential' ? plan.layers : plan.layers.map((e) => e.plan);
  return entries.flatMap((p) => {
    if (isModelPlan(p)) return layerPlans(p, `${prefix}${p.name ?? 'sequential'}/`);
    if (isInputPlan(p)) return [];
    return [{ path: `${prefix}${p.name}`, plan: p }];
  });
}

/** Throws one error listing every layer Zen-TS cannot build, by name and class. */
export function refuseUnsupported(plan: ModelPlan, file: string): void {
  const bad = layerPlans(plan).filter((p) => p.plan.problems.length > 0);
  if (bad.length === 0) return;
  const lines = bad.map(
    (p) => `  - layer '${p.path}' (${p.plan.sourceClass}): ${p.plan.problems.join('; ')}`,
  );
  throw new Error(
    `loadModel: ${file}: this TensorFlow.js model uses what Zen-TS does not support:\n${lines.join('\n')}`,
  );
}
