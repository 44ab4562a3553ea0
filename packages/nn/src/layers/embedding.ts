/** Embedding: integer indices → rows of a learned table. */
import { type Tensor, gather } from '@zen/autograd-core';
import {
  type Initializer,
  type InitializerSpec,
  getInitializer,
  serializeInitializer,
} from '../initializers';
import { type SymbolicShape } from '../shapes';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig, type LayerWeight } from './layer';
import { registerLayer } from './registry';
import { optionNames } from '../options';

export interface EmbeddingArgs extends LayerArgs {
  /** Vocabulary size: indices must lie in [0, inputDim). */
  inputDim: number;
  /** Length of each embedding vector. */
  outputDim: number;
  /** Default 'randomUniform' (±0.05, as Keras). */
  embeddingsInitializer?: InitializerSpec;
}

/** Looks up rows of `embeddings` [inputDim, outputDim]: input [N, …] of indices → [N, …, outputDim]. */
export class Embedding extends Layer {
  static readonly optionNames = optionNames<EmbeddingArgs, LayerArgs>()([
    'inputDim',
    'outputDim',
    'embeddingsInitializer',
  ]);
  override readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  protected override readonly castsInput = false;
  private readonly embeddingsInitializer: Initializer;
  embeddings: LayerWeight | null = null;

  constructor(args: EmbeddingArgs) {
    super(args);
    for (const key of ['inputDim', 'outputDim'] as const) {
      if (!Number.isInteger(args[key]) || args[key] <= 0) {
        throw new Error(`Embedding: ${key} must be a positive integer, got ${args[key]}`);
      }
    }
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.embeddingsInitializer = getInitializer(args.embeddingsInitializer ?? 'randomUniform');
  }

  override build(): void {
    this.embeddings = this.addWeight(
      'embeddings',
      [this.inputDim, this.outputDim],
      this.embeddingsInitializer,
    );
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    const d = x.data;
    for (let i = 0; i < d.length; i++) {
      if (!(d[i] >= 0 && d[i] < this.inputDim) || !Number.isInteger(d[i])) {
        throw new Error(
          `${this.label}: index ${d[i]} at position ${i} is not an integer in [0, ${this.inputDim})`,
        );
      }
    }
    const indices = x.dtype === 'int32' ? x : x.detach().astype('int32');
    return gather(this.embeddings!.value, indices, 0);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape, this.outputDim];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: serializeInitializer(this.embeddingsInitializer),
    };
  }
}

registerLayer('Embedding', Embedding);
