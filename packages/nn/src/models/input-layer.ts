/** `input()`: the entry points of a functional model, as Keras's Input / InputLayer. */
import { type DType, type Tensor } from '@zen/autograd-core';
import { type CallOptions, Layer, type LayerConfig } from '../layers/layer';
import { registerLayer } from '../layers/registry';
import { optionNames } from '../options';
import { type SymbolicShape, formatSymbolicShape } from '../shapes';
import { type Node, SymbolicTensor } from './symbolic';

export interface InputArgs {
  /** Shape of one sample, without the batch axis; null marks an axis of any length. */
  shape: readonly (number | null)[];
  /** Element type fed to this input (default 'float32'; 'int32' for token ids and labels). */
  dtype?: DType;
  /** The input's name (x may be given as an object keyed by input names). */
  name?: string;
}

export interface InputLayerArgs {
  /** Shape with the batch axis (usually null). */
  batchInputShape: readonly (number | null)[];
  dtype?: DType;
  name?: string;
}

/** The layer behind `input()`: passes its input through; its one node has no inputs. */
export class InputLayer extends Layer {
  override readonly className = 'InputLayer';
  static readonly optionNames = optionNames<InputLayerArgs>()(['batchInputShape', 'dtype', 'name']);
  readonly batchInputShape: SymbolicShape;
  readonly inputDType: DType;
  /** The symbolic tensor this input stands for. */
  readonly output: SymbolicTensor;

  constructor(args: InputLayerArgs) {
    super({ name: args.name });
    const shape = args?.batchInputShape;
    if (!Array.isArray(shape) || !shape.every((d) => d === null || (Number.isInteger(d) && d > 0))) {
      throw new Error(
        `input: shape must list positive integers (or null for any length), got ${JSON.stringify(shape?.slice(1))}`,
      );
    }
    const dtype = args.dtype ?? 'float32';
    if (!['float32', 'float64', 'int32'].includes(dtype))
      throw new Error(
        `input '${this.name}': dtype must be 'float32', 'float64' or 'int32', got '${String(dtype)}'`,
      );
    this.batchInputShape = [...shape];
    this.inputDType = dtype;
    this.built = true;
    this.builtInputShape = this.batchInputShape;
    const node: Node = {
      layer: this,
      inputs: [],
      inputIsList: false,
      kwargs: {},
      kwargInputs: [],
      outputs: [],
    };
    this.output = new SymbolicTensor(this.batchInputShape, dtype, node, 0);
    node.outputs.push(this.output);
    this.inboundNodes.push(node);
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    return x;
  }

  override outputDType(): DType {
    return this.inputDType;
  }

  /** Throws unless `x` fits the declared shape (rank and every known axis after the batch). */
  checkFeed(x: Tensor, where: string): void {
    const shape = this.batchInputShape;
    const fits = x.ndim === shape.length && shape.every((d, i) => i === 0 || d === null || d === x.shape[i]);
    if (!fits) {
      throw new Error(
        `${where}: input '${this.name}' expects shape ${formatSymbolicShape(shape)}, got ${formatSymbolicShape(x.shape)}`,
      );
    }
  }

  override getConfig(): LayerConfig {
    return { name: this.name, batchInputShape: [...this.batchInputShape], dtype: this.inputDType };
  }
}

registerLayer('InputLayer', InputLayer);

/** A symbolic input of a functional model (batch axis null): `input({ shape: [28, 28, 1] })`. */
export function input(args: InputArgs): SymbolicTensor {
  if (!args || !Array.isArray(args.shape))
    throw new Error('input: { shape } is required (one sample, no batch axis)');
  return new InputLayer({ batchInputShape: [null, ...args.shape], dtype: args.dtype, name: args.name })
    .output;
}
