/**
 * The graph of a functional model: the nodes (layer calls) between its symbolic inputs
 * and outputs, checked (every output reachable from the inputs, every input used, no
 * cycle, unique names), ordered so each node runs after the nodes it reads, and run on
 * real tensors.
 */
import { ShapeError, Tensor } from '@zen/autograd-core';
import { type SymbolicShape, formatSymbolicShape } from '../shapes';
import { type FusableActivation, getActivation } from '../activations';
import type { CallOptions, Layer, LayerConfig, Logits } from '../layers/layer';
import { describeValue } from '../describe';
import { InputLayer } from './input-layer';
import { type Node, SymbolicTensor, substituteSymbolic } from './symbolic';

/** Where a tensor comes from, as saved: [layer name, node index within the model, output index]. */
export type TensorRef = [string, number, number];

/** A functional model's topology as JSON (model.json's `modelConfig.config`, with the name). */
export interface GraphConfig {
  layers: { className: string; config: LayerConfig }[];
  /** Layer calls in run order; kwargs hold `{ symbolic: TensorRef }` where a symbolic tensor was passed. */
  nodes: { layer: string; inputs: TensorRef[]; inputIsList: boolean; kwargs: Record<string, unknown> }[];
  inputs: TensorRef[];
  outputs: TensorRef[];
}

function asList(value: unknown, what: string, where: string): SymbolicTensor[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new Error(`${where}: ${what} is empty`);
  list.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      throw new Error(
        `${where}: ${what}${Array.isArray(value) ? `[${i}]` : ''} must be a symbolic tensor (from input() or layer.apply), got ${describeValue(t)}`,
      );
    }
  });
  return list as SymbolicTensor[];
}

export class Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Non-input nodes in run order. */
  readonly nodes: readonly Node[];
  /** Every layer once: the input layers (in input order), then the others in run order. */
  readonly layers: Layer[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** How many times each tensor (by id) is read: by nodes, and as an output. */
  private readonly uses = new Map<number, number>();

  constructor(inputs: unknown, outputs: unknown, modelName: string) {
    const where = `Model '${modelName}'`;
    this.inputs = asList(inputs, 'inputs', where);
    this.outputs = asList(outputs, 'outputs', where);
    const names = new Set<string>();
    for (const t of this.inputs) {
      if (!(t.node.layer instanceof InputLayer)) {
        throw new Error(
          `${where}: inputs must come from input(); '${t.name}' is the output of ${t.node.layer.className} layer '${t.node.layer.name}'`,
        );
      }
      if (names.has(t.node.layer.name))
        throw new Error(`${where}: two inputs are named '${t.node.layer.name}'; input names must be unique`);
      names.add(t.node.layer.name);
    }
    this.inputNames = this.inputs.map((t) => t.node.layer.name);
    this.nodes = this.order(where);
    const used = new Set(this.nodes.flatMap((n) => [...n.inputs, ...n.kwargInputs]).concat(this.outputs));
    for (const t of this.inputs) {
      if (!used.has(t)) throw new Error(`${where}: input '${t.node.layer.name}' is not used by any output`);
    }
    const layers = [...this.inputs.map((t) => t.node.layer)];
    for (const node of this.nodes) if (!layers.includes(node.layer)) layers.push(node.layer);
    const byName = new Map<string, Layer>();
    for (const layer of layers) {
      const other = byName.get(layer.name);
      if (other && other !== layer) {
        throw new Error(
          `${where}: two different layers are named '${layer.name}' (${other.className} and ${layer.className}); layer names in a model must be unique`,
        );
      }
      byName.set(layer.name, layer);
    }
    this.layers = layers;
    const outNames = this.outputs.map((t) => t.name.replace(/\//g, '_'));
    this.outputNames = outNames.map((n, i) => (outNames.indexOf(n) === i ? n : `${n}_${i}`));
    for (const t of [...this.nodes.flatMap((n) => [...n.inputs, ...n.kwargInputs]), ...this.outputs])
      this.uses.set(t.id, (this.uses.get(t.id) ?? 0) + 1);
  }

  /**
   * The nodes between inputs and outputs in run order (depth-first from each output, an
   * explicit stack, each node once); throws on an output that needs a missing input, or a cycle.
   */
  private order(where: string): Node[] {
    const inputSet = new Set(this.inputs);
    const state = new Map<Node, 'open' | 'done'>();
    const ordered: Node[] = [];
    for (const output of this.outputs) {
      const stack: { node: Node; next: number; via: SymbolicTensor }[] = [];
      const push = (t: SymbolicTensor): void => {
        if (inputSet.has(t)) return;
        const s = state.get(t.node);
        if (s === 'done') return;
        if (s === 'open') {
          const path = [...stack.map((f) => f.node.layer.name), t.node.layer.name];
          throw new Error(
            `${where}: the graph has a cycle through layers ${path.slice(path.indexOf(t.node.layer.name)).join(' → ')}`,
          );
        }
        if (t.node.layer instanceof InputLayer) {
          throw new Error(
            `${where}: output '${output.name}' cannot be computed from the inputs: it needs input '${t.node.layer.name}', ` +
              `which is not one of the model's inputs (${this.inputs.map((i) => i.node.layer.name).join(', ')})`,
          );
        }
        state.set(t.node, 'open');
        stack.push({ node: t.node, next: 0, via: t });
      };
      push(output);
      while (stack.length > 0) {
        const frame = stack[stack.length - 1];
        const deps = [...frame.node.inputs, ...frame.node.kwargInputs];
        if (frame.next < deps.length) push(deps[frame.next++]);
        else {
          stack.pop();
          state.set(frame.node, 'done');
          ordered.push(frame.node);
        }
      }
    }
    return ordered;
  }

  /**
   * Runs the graph on real inputs. An output `i` with `fuse[i]` set, made by a single-input
   * layer ending in that activation and read by nothing else, comes back as its logits.
   */
  run(
    xs: Tensor[],
    options: CallOptions,
    where: string,
    fuse: readonly (FusableActivation | null)[] | null,
  ): (Tensor | Logits)[] {
    this.checkCount(xs.length, where);
    const values = new Map<number, Tensor>();
    this.inputs.forEach((t, i) => {
      const x = xs[i];
      if (!(x instanceof Tensor))
        throw new Error(`${where}: input '${this.inputNames[i]}' must be a Tensor, got ${describeValue(x)}`);
      (t.node.layer as InputLayer).checkFeed(x, where);
      values.set(t.id, x);
    });
    const lookup = (t: SymbolicTensor): Tensor => values.get(t.id)!;
    const logits = new Map<number, Logits>();
    const fused = new Map<Node, FusableActivation>();
    this.outputs.forEach((t, i) => {
      const activation = fuse?.[i];
      if (activation && t.node.outputs.length === 1 && !t.node.inputIsList && this.uses.get(t.id) === 1)
        fused.set(t.node, activation);
    });
    for (const node of this.nodes) {
      const args = node.inputs.map(lookup);
      const kwargs = { training: options.training, ...(substituteSymbolic(node.kwargs, lookup) as object) };
      const activation = fused.get(node);
      if (activation) {
        const result = node.layer.applyLogits(args[0], kwargs);
        if (result) {
          if (result.activation === activation) logits.set(node.outputs[0].id, result);
          else values.set(node.outputs[0].id, getActivation(result.activation)(result.logits));
          continue;
        }
      }
      const out = node.layer.apply(node.inputIsList ? args : args[0], kwargs) as Tensor | Tensor[];
      const outs = Array.isArray(out) ? out : [out];
      if (outs.length !== node.outputs.length) {
        throw new Error(
          `${where}: layer '${node.layer.name}' returned ${outs.length} outputs, expected ${node.outputs.length}`,
        );
      }
      node.outputs.forEach((t, i) => values.set(t.id, outs[i]));
    }
    return this.outputs.map((t) => logits.get(t.id) ?? values.get(t.id)!);
  }

  private checkCount(count: number, where: string): void {
    if (count !== this.inputs.length) {
      throw new Error(
        `${where}: expects ${this.inputs.length} input${this.inputs.length === 1 ? '' : 's'} (${this.inputNames.join(', ')}), got ${count}`,
      );
    }
  }

  /** Throws unless `shapes` (one per input, batch axis first) fit the inputs' shapes; null axes fit any length. */
  checkInputShapes(shapes: readonly SymbolicShape[], where: string): void {
    this.checkCount(shapes.length, where);
    shapes.forEach((shape, i) => {
      const want = this.inputs[i].shape;
      const fits =
        shape.length === want.length &&
        want.every((d, k) => d === null || shape[k] === null || d === shape[k]);
      if (!fits) {
        throw new ShapeError(
          `${where}: input '${this.inputNames[i]}' expects shape ${formatSymbolicShape(want)}, got ${formatSymbolicShape(shape)}`,
        );
      }
    });
  }

  /** The index of `node` among its layer's nodes in this graph (input layers: 0). */
  localIndex(node: Node): number {
    if (node.layer instanceof InputLayer) return 0;
    return this.nodes.filter((n) => n.layer === node.layer).indexOf(node);
  }

  /** A tensor as saved: [layer, node index in this model, output index]. */
  ref(t: SymbolicTensor): TensorRef {
    return [t.node.layer.name, this.localIndex(t.node), t.outputIndex];
  }

  toConfig(): GraphConfig {
    return {
      layers: this.layers.map((l) => ({ className: l.className, config: l.getConfig() })),
      nodes: this.nodes.map((n) => ({
        layer: n.layer.name,
        inputs: n.inputs.map((t) => this.ref(t)),
        inputIsList: n.inputIsList,
        kwargs: substituteSymbolic(n.kwargs, (t) => ({ symbolic: this.ref(t) })) as Record<string, unknown>,
      })),
      inputs: this.inputs.map((t) => this.ref(t)),
      outputs: this.outputs.map((t) => this.ref(t)),
    };
  }
}
