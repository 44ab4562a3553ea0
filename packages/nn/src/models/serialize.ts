/**
 * Model topology to and from JSON (model.json's `modelConfig`): every model and layer is
 * rebuilt through the registries; a functional model replays its recorded layer calls.
 */
import type { Layer, LayerConfig } from '../layers/layer';
import { layerFromConfig } from '../layers/registry';
import { type GraphConfig, type TensorRef } from './graph';
import { InputLayer } from './input-layer';
import { Model } from './model';
import { getModelFactory, registerModel, registeredModels } from './registry';
import type { SymbolicTensor } from './symbolic';

/** A layer or a model from `{ className, config }` (models first, through the model registry). */
export function deserializeLayer(entry: { className: string; config: LayerConfig }): Layer {
  if (
    !entry ||
    typeof entry.className !== 'string' ||
    typeof entry.config !== 'object' ||
    entry.config === null
  )
    throw new Error(
      `cannot rebuild a layer from ${JSON.stringify(entry)?.slice(0, 80)}: expected { className, config }`,
    );
  const factory = getModelFactory(entry.className);
  return factory ? factory(entry.config) : layerFromConfig(entry.className, entry.config);
}

/** A model from model.json's `modelConfig`, through the model registry. */
export function modelFromConfig(modelConfig: { className: string; config: Record<string, unknown> }): Model {
  const factory =
    modelConfig && typeof modelConfig.className === 'string'
      ? getModelFactory(modelConfig.className)
      : undefined;
  if (!factory) {
    throw new Error(
      `unknown model class '${String(modelConfig?.className)}' (registered: ${registeredModels().join(', ')}); ` +
        'register custom model classes with registerModel before loading',
    );
  }
  return factory(modelConfig.config);
}

/** Rebuilds a functional model: its layers from their configs, then each recorded call replayed in order. */
export function functionalFromConfig(config: GraphConfig & { name?: string }): Model {
  const where = `Model '${config?.name}' config`;
  if (
    !Array.isArray(config?.layers) ||
    !Array.isArray(config.nodes) ||
    !Array.isArray(config.inputs) ||
    !Array.isArray(config.outputs)
  )
    throw new Error(`${where}: expected layers, nodes, inputs and outputs`);
  const layers = new Map<string, Layer>();
  for (const entry of config.layers) {
    const layer = deserializeLayer(entry);
    layers.set(layer.name, layer);
  }
  const tensors = new Map<string, SymbolicTensor>();
  const key = (ref: TensorRef) => JSON.stringify(ref);
  for (const layer of layers.values())
    if (layer instanceof InputLayer) tensors.set(key([layer.name, 0, 0]), layer.output);
  const find = (ref: TensorRef): SymbolicTensor => {
    const t = tensors.get(key(ref));
    if (!t)
      throw new Error(`${where}: refers to tensor ${JSON.stringify(ref)}, which no earlier node produces`);
    return t;
  };
  const calls = new Map<string, number>();
  for (const node of config.nodes) {
    const layer = layers.get(node.layer);
    if (!layer) throw new Error(`${where}: a node calls layer '${node.layer}', which is not in its layers`);
    const inputs = node.inputs.map(find);
    const kwargs = substituteKwargs(node.kwargs ?? {}, find);
    const out = layer.apply<SymbolicTensor | SymbolicTensor[]>(node.inputIsList ? inputs : inputs[0], kwargs);
    const index = calls.get(layer.name) ?? 0;
    calls.set(layer.name, index + 1);
    (Array.isArray(out) ? out : [out]).forEach((t, i) => tensors.set(key([layer.name, index, i]), t));
  }
  return new Model({ inputs: config.inputs.map(find), outputs: config.outputs.map(find), name: config.name });
}

/** Puts symbolic tensors back where the saved kwargs hold `{ symbolic: ref }`. */
function substituteKwargs(
  kwargs: Record<string, unknown>,
  find: (ref: TensorRef) => SymbolicTensor,
): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (Array.isArray(record.symbolic) && Object.keys(record).length === 1)
        return find(record.symbolic as TensorRef);
      return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  return walk(kwargs) as Record<string, unknown>;
}

registerModel('Functional', (config) =>
  functionalFromConfig(config as unknown as GraphConfig & { name?: string }),
);
registerModel('Model', (config) =>
  functionalFromConfig(config as unknown as GraphConfig & { name?: string }),
);
