/**
 * Builds Zen-TS models from checked plans: a Sequential stack, or a functional Model whose
 * layer calls are replayed (a call waits until the tensors it reads exist, as Keras does),
 * nested models first.
 */
import { FormatError } from '@zen/autograd-core';
import type { Layer } from '../../layers/layer';
import { layerFromConfig } from '../../layers/registry';
import '../../layers';
import { InputLayer } from '../../models/input-layer';
import { Model } from '../../models/model';
import { Sequential } from '../../models/sequential';
import type { SymbolicTensor } from '../../models/symbolic';
import type { LayerPlan } from './layers-from-tfjs';
import type { InboundCall, TensorRef } from './inbound-nodes';
import {
  type BatchShape,
  type FunctionalPlan,
  type ModelPlan,
  type SequentialPlan,
  isInputPlan,
  isModelPlan,
} from './topology';

function buildLayer(plan: LayerPlan, file: string, batchShape: BatchShape | null): Layer {
  const config = { ...plan.config! };
  if (batchShape) config.inputShape = batchShape.slice(1);
  else delete config.inputShape;
  try {
    return layerFromConfig(plan.className!, config);
  } catch (error) {
    throw new Error(
      `loadModel: ${file}: layer '${plan.name}' (${plan.sourceClass}): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The batch shape a built model takes (its first input's). */
function modelInputShape(model: Model): BatchShape | null {
  if (model.graph) return [...model.graph.inputs[0].shape];
  return model.builtInputShape ? [...(model.builtInputShape as BatchShape)] : null;
}

function buildSequential(plan: SequentialPlan, file: string): Sequential {
  const layers = plan.layers.map((p, i) =>
    isModelPlan(p) ? buildModel(p, file) : buildLayer(p, file, i === 0 ? plan.batchShape : null),
  );
  const model = new Sequential(layers, plan.name ? { name: plan.name } : {});
  const first = layers[0];
  const batchShape = plan.batchShape ?? (first instanceof Model ? modelInputShape(first) : null);
  if (!batchShape) throw new FormatError(`loadModel: ${file}: the first layer declares no input shape`);
  if (!model.built) model.build(batchShape);
  return model;
}

interface PendingCall {
  layer: Layer;
  call: InboundCall;
  /** Which call of its layer this is, counting only this model's calls. */
  node: number;
}

const key = (layer: string, node: number) => `${layer}\u0000${node}`;

/**
 * A reference with its node index counted among this model's calls. TensorFlow.js and Keras 2
 * count a nested model's own graph as its node 0, so its first call here is node 1; Keras 3
 * does so only in `input_layers`/`output_layers`, and only for nested functional models.
 */
function ownIndex(
  nested: Map<string, 'Sequential' | 'Functional'>,
  keras3: boolean,
  inCall: boolean,
): (ref: TensorRef) => TensorRef {
  return ([layer, node, tensor]) => {
    const kind = nested.get(layer);
    const offset = !kind ? 0 : !keras3 ? 1 : !inCall && kind === 'Functional' ? 1 : 0;
    return [layer, node - offset, tensor];
  };
}

function buildFunctional(plan: FunctionalPlan, file: string): Model {
  const where = `loadModel: ${file}: model '${plan.name}'`;
  const outputs = new Map<string, SymbolicTensor[]>();
  const nested = new Map<string, 'Sequential' | 'Functional'>();
  let pending: PendingCall[] = [];
  for (const entry of plan.layers) {
    const p = entry.plan;
    if (isInputPlan(p)) {
      const layer = new InputLayer({ batchInputShape: p.batchShape, dtype: p.dtype, name: p.name });
      outputs.set(key(p.name, 0), [layer.output]);
      continue;
    }
    const layer = isModelPlan(p) ? buildModel(p, file) : buildLayer(p, file, null);
    if (isModelPlan(p)) nested.set(layer.name, p.kind);
    entry.calls.forEach((call, node) => pending.push({ layer, call, node }));
  }
  const keras3 = plan.layers.some((e) => e.calls.some((c) => c.keras3));
  const find = ([layer, node, tensor]: TensorRef) => outputs.get(key(layer, node))?.[tensor];
  const refsOf = (call: InboundCall) => call.refs.map(ownIndex(nested, call.keras3, true));
  while (pending.length > 0) {
    const waiting: PendingCall[] = [];
    for (const p of pending) {
      const inputs = refsOf(p.call).map(find);
      if (inputs.some((t) => !t)) {
        waiting.push(p);
        continue;
      }
      const out = p.layer.apply<SymbolicTensor | SymbolicTensor[]>(
        p.call.isList ? (inputs as SymbolicTensor[]) : inputs[0]!,
      );
      outputs.set(key(p.layer.name, p.node), Array.isArray(out) ? out : [out]);
    }
    if (waiting.length === pending.length) {
      // Name a tensor that no waiting call would produce either (not one merely downstream of it).
      const promised = new Set(waiting.map((p) => key(p.layer.name, p.node)));
      const absent = (r: TensorRef) => !find(r) && !promised.has(key(r[0], r[1]));
      const stuck = waiting.find((p) => refsOf(p.call).some(absent)) ?? waiting[0];
      const index = refsOf(stuck.call).findIndex(absent);
      const missing = stuck.call.refs[index >= 0 ? index : refsOf(stuck.call).findIndex((r) => !find(r))];
      throw new FormatError(
        `${where}: layer '${stuck.layer.name}' reads tensor ${JSON.stringify(missing)}, which no layer of the model produces`,
      );
    }
    pending = waiting;
  }
  const resolve = (refs: TensorRef[], what: string) =>
    refs.map((ref) => {
      const t = find(ownIndex(nested, keras3, false)(ref));
      if (!t) throw new FormatError(`${where}: ${what} ${JSON.stringify(ref)} is not produced by any layer`);
      return t;
    });
  return new Model({
    inputs: resolve(plan.inputs, 'input'),
    outputs: resolve(plan.outputs, 'output'),
    name: plan.name,
  });
}

/** The Zen-TS model (layers built, weights not yet set) a checked plan describes. */
export function buildModel(plan: ModelPlan, file: string): Model {
  return plan.kind === 'Sequential' ? buildSequential(plan, file) : buildFunctional(plan, file);
}
