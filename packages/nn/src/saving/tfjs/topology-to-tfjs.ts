/**
 * Zen-TS models → tfjs-layers topologies: a Sequential as `{ class_name: 'Sequential' }`, a
 * functional model as `{ class_name: 'Model' }` with each layer's calls (`inbound_nodes`),
 * `input_layers` and `output_layers`, nested models written inside. What TensorFlow.js
 * cannot express is collected per layer for one error.
 */
import type { Layer } from '../../layers/layer';
import { InputLayer } from '../../models/input-layer';
import { Model } from '../../models/model';
import { Sequential } from '../../models/sequential';
import type { Node, SymbolicTensor } from '../../models/symbolic';
import type { KerasObject } from './format';
import { layerToTfjs } from './layers-to-tfjs';

/** A layer TensorFlow.js cannot express, with its path in the model ('encoder/dense'). */
export interface Refusal {
  path: string;
  className: string;
  problems: string[];
}

type Ref = [string, number, number];

function layerEntry(
  layer: Layer,
  batchInputShape: (number | null)[] | null,
  prefix: string,
  refusals: Refusal[],
): KerasObject {
  if (layer instanceof Model) return modelToTfjs(layer, `${prefix}${layer.name}/`, refusals);
  const { entry, problems } = layerToTfjs(layer, batchInputShape);
  if (problems.length > 0)
    refusals.push({ path: `${prefix}${layer.name}`, className: layer.className, problems });
  return entry;
}

function sequentialToTfjs(model: Sequential, prefix: string, refusals: Refusal[]): KerasObject {
  const inputShape = model.builtInputShape ? [...model.builtInputShape] : null;
  const layers = model.layers.map((layer, i) =>
    layerEntry(layer, i === 0 ? inputShape : null, prefix, refusals),
  );
  return { class_name: 'Sequential', config: { name: model.name, layers } };
}

/** Keyword arguments of a call TensorFlow.js's topology can carry: none but `training`. */
function kwargProblems(node: Node): string[] {
  return Object.keys(node.kwargs)
    .filter((k) => k !== 'training')
    .map((k) => `called with '${k}', which a TensorFlow.js topology cannot record`);
}

function functionalToTfjs(model: Model, prefix: string, refusals: Refusal[]): KerasObject {
  const graph = model.graph!;
  // A nested model's own graph is its node 0 in TensorFlow.js, so its calls count from 1.
  const nodeIndex = (node: Node) => graph.localIndex(node) + (node.layer instanceof Model ? 1 : 0);
  const ref = (t: SymbolicTensor): Ref => [t.node.layer.name, nodeIndex(t.node), t.outputIndex];
  const layers = graph.layers.map((layer) => {
    if (layer instanceof InputLayer) {
      const config = {
        batch_input_shape: [...layer.batchInputShape],
        dtype: layer.inputDType,
        sparse: false,
        name: layer.name,
      };
      return { name: layer.name, class_name: 'InputLayer', config, inbound_nodes: [] };
    }
    const entry = layerEntry(layer, null, prefix, refusals);
    const nodes = graph.nodes.filter((n) => n.layer === layer);
    const problems = nodes.flatMap(kwargProblems);
    if (problems.length > 0)
      refusals.push({ path: `${prefix}${layer.name}`, className: layer.className, problems });
    const inbound = nodes.map((n) => n.inputs.map((t) => [...ref(t), {}]));
    return { name: layer.name, class_name: entry.class_name, config: entry.config, inbound_nodes: inbound };
  });
  return {
    class_name: 'Model',
    config: {
      name: model.name,
      layers,
      input_layers: graph.inputs.map(ref),
      output_layers: graph.outputs.map(ref),
    },
  };
}

/** The topology of `model` (prefix: the path of a nested model, for messages). */
export function modelToTfjs(model: Model, prefix: string, refusals: Refusal[]): KerasObject {
  if (model instanceof Sequential) return sequentialToTfjs(model, prefix, refusals);
  if (model.graph) return functionalToTfjs(model, prefix, refusals);
  refusals.push({
    path: prefix.replace(/\/$/, '') || model.name,
    className: model.className,
    problems: ['a subclassed model (its architecture is code, which a topology cannot hold)'],
  });
  return { class_name: model.className, config: {} };
}
