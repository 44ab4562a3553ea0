/**
 * The calls of a layer in a functional topology (`inbound_nodes`), in the two forms files
 * use: TensorFlow.js and Keras 2 write each call as a list of
 * `[layer name, node index, tensor index, kwargs]`; Keras 3 writes
 * `{ args: [keras tensor or list of them], kwargs }`, each tensor carrying its
 * `keras_history: [layer name, node index, tensor index]`.
 */
import { FormatError } from '@zen/autograd-core';

/** A tensor as a topology names it: the output `tensor` of call `node` of layer `layer`. */
export type TensorRef = [layer: string, node: number, tensor: number];

/** One call of a layer: the tensors it reads, whether it took them as a list, what Zen-TS cannot honour. */
export interface InboundCall {
  refs: TensorRef[];
  isList: boolean;
  problems: string[];
  /**
   * Written by Keras 3, whose node indices count only the calls inside this model; TensorFlow.js
   * and Keras 2 count a nested model's own graph as its node 0.
   */
  keras3: boolean;
}

function isRef(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length >= 3 &&
    typeof value[0] === 'string' &&
    Number.isInteger(value[1]) &&
    Number.isInteger(value[2])
  );
}

/** Keyword arguments that do not change what a loaded model computes. */
function kwargProblems(kwargs: unknown): string[] {
  if (kwargs === undefined || kwargs === null) return [];
  if (typeof kwargs !== 'object') return [`call argument ${JSON.stringify(kwargs)}`];
  return Object.entries(kwargs)
    .filter(([key, value]) => key !== 'training' && value !== null && value !== undefined)
    .map(([key, value]) => `call argument ${key} = ${JSON.stringify(value)?.slice(0, 60)}`);
}

/** A Keras 3 `__keras_tensor__` as a reference. */
function kerasTensorRef(value: unknown, where: string): TensorRef {
  const history = (value as { config?: { keras_history?: unknown; kerasHistory?: unknown } })?.config;
  const ref = history?.keras_history ?? history?.kerasHistory;
  if (!isRef(ref))
    throw new FormatError(
      `loadModel: ${where}: expected a Keras tensor with keras_history, got ${JSON.stringify(value)?.slice(0, 80)}`,
    );
  const [layer, node, tensor] = ref as TensorRef;
  return [layer, node, tensor];
}

function parseCall(node: unknown, where: string): InboundCall {
  if (Array.isArray(node)) {
    if (!node.every(isRef))
      throw new FormatError(
        `loadModel: ${where}: malformed inbound node ${JSON.stringify(node)?.slice(0, 80)}`,
      );
    const refs = node.map(([layer, n, t]) => [layer, n, t] as TensorRef);
    return {
      refs,
      isList: refs.length > 1,
      problems: node.flatMap((r) => kwargProblems(r[3])),
      keras3: false,
    };
  }
  const call = node as { args?: unknown; kwargs?: unknown };
  if (typeof call !== 'object' || call === null || !Array.isArray(call.args) || call.args.length === 0)
    throw new FormatError(
      `loadModel: ${where}: malformed inbound node ${JSON.stringify(node)?.slice(0, 80)}`,
    );
  const first = call.args[0];
  const problems = kwargProblems(call.kwargs);
  if (call.args.length > 1) problems.push(`${call.args.length} positional call arguments`);
  const isList = Array.isArray(first);
  const refs = (isList ? (first as unknown[]) : [first]).map((t) => kerasTensorRef(t, where));
  return { refs, isList, problems, keras3: true };
}

/** Every call recorded for one layer. */
export function parseInboundNodes(raw: unknown, where: string): InboundCall[] {
  if (!Array.isArray(raw)) throw new FormatError(`loadModel: ${where}: inbound_nodes must be a list`);
  return raw.map((node) => parseCall(node, where));
}

/** `input_layers` / `output_layers`: a list of references (Keras 3 writes a single one unwrapped). */
export function parseTensorRefs(raw: unknown, where: string): TensorRef[] {
  const list = isRef(raw) ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isRef))
    throw new FormatError(`loadModel: ${where} must list [layer name, node index, tensor index] entries`);
  return list.map(([layer, node, tensor]) => [layer, node, tensor] as TensorRef);
}
