/**
 * Learned position embeddings (KerasHub): PositionEmbedding returns the embeddings of
 * positions 0…T−1 for a [batch, T, …] input; TokenAndPositionEmbedding adds them to token
 * embeddings of integer ids [batch, T]. Positions start at `startIndex` when decoding
 * with a cache.
 */
import { type Tensor } from '@zen/autograd-core';
import {
  type Initializer,
  type InitializerSpec,
  getInitializer,
  serializeInitializer,
} from '../initializers';
import { type SymbolicShape, formatSymbolicShape } from '../shapes';
import { Embedding } from './embedding';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig, type LayerWeight } from './layer';
import { registerLayer } from './registry';
import { optionNames } from '../options';

export interface PositionEmbeddingArgs extends LayerArgs {
  /** The longest sequence the layer embeds. */
  sequenceLength: number;
  /** Default 'glorotUniform' (KerasHub's). */
  initializer?: InitializerSpec;
}

export interface PositionCallOptions extends CallOptions {
  /** Position of the first step (default 0). */
  startIndex?: number;
}

function checkPositive(layer: string, what: string, n: number): void {
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${layer}: ${what} must be a positive integer, got ${n}`);
}

/** The rows startIndex … startIndex + steps − 1 of a [sequenceLength, width] table, or an error. */
function positions(label: string, table: Tensor, steps: number, startIndex: number): Tensor {
  const [length, width] = table.shape;
  if (!Number.isInteger(startIndex) || startIndex < 0 || startIndex + steps > length) {
    throw new Error(
      `${label}: positions ${startIndex}…${startIndex + steps - 1} do not fit sequenceLength ${length}`,
    );
  }
  return steps === length ? table : table.slice([startIndex, 0], [steps, width]);
}

/** Learned embeddings of positions: [batch, T, width] input → [batch, T, width] position embeddings. */
export class PositionEmbedding extends Layer {
  static readonly optionNames = optionNames<PositionEmbeddingArgs, LayerArgs>()([
    'sequenceLength',
    'initializer',
  ]);
  override readonly className = 'PositionEmbedding';
  readonly sequenceLength: number;
  private readonly initializer: Initializer;
  embeddings: LayerWeight | null = null;

  constructor(args: PositionEmbeddingArgs) {
    super(args);
    checkPositive('PositionEmbedding', 'sequenceLength', args.sequenceLength);
    this.sequenceLength = args.sequenceLength;
    this.initializer = getInitializer(args.initializer ?? 'glorotUniform');
  }

  override build(inputShape: SymbolicShape): void {
    const width = inputShape[inputShape.length - 1];
    if (inputShape.length < 3 || width === null) {
      throw new Error(
        `${this.label}: input must be [batch, steps, features], got ${formatSymbolicShape(inputShape)}`,
      );
    }
    this.embeddings = this.addWeight('embeddings', [this.sequenceLength, width], this.initializer);
  }

  call(x: Tensor, options: PositionCallOptions): Tensor {
    const steps = x.shape[x.ndim - 2];
    return positions(this.label, this.embeddings!.value, steps, options.startIndex ?? 0).broadcastTo(x.shape);
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      sequenceLength: this.sequenceLength,
      initializer: serializeInitializer(this.initializer),
    };
  }
}

export interface TokenAndPositionEmbeddingArgs extends LayerArgs {
  vocabularySize: number;
  sequenceLength: number;
  embeddingDim: number;
  /** For both tables; default 'randomUniform' (±0.05, KerasHub's 'uniform'). */
  embeddingsInitializer?: InitializerSpec;
}

/** Token ids [batch, T] → token embedding + position embedding [batch, T, embeddingDim]. */
export class TokenAndPositionEmbedding extends Layer {
  static readonly optionNames = optionNames<TokenAndPositionEmbeddingArgs, LayerArgs>()([
    'vocabularySize',
    'sequenceLength',
    'embeddingDim',
    'embeddingsInitializer',
  ]);
  override readonly className = 'TokenAndPositionEmbedding';
  readonly vocabularySize: number;
  readonly sequenceLength: number;
  readonly embeddingDim: number;
  protected override readonly castsInput = false;
  private readonly embeddingsInitializer: Initializer;
  tokenEmbedding: Embedding | null = null;
  positionEmbedding: PositionEmbedding | null = null;

  constructor(args: TokenAndPositionEmbeddingArgs) {
    super(args);
    for (const key of ['vocabularySize', 'sequenceLength', 'embeddingDim'] as const) {
      checkPositive('TokenAndPositionEmbedding', key, args[key]);
    }
    this.vocabularySize = args.vocabularySize;
    this.sequenceLength = args.sequenceLength;
    this.embeddingDim = args.embeddingDim;
    this.embeddingsInitializer = getInitializer(args.embeddingsInitializer ?? 'randomUniform');
  }

  override build(inputShape: SymbolicShape): void {
    if (inputShape.length !== 2) {
      throw new Error(
        `${this.label}: input must be token ids [batch, steps], got ${formatSymbolicShape(inputShape)}`,
      );
    }
    const spec = serializeInitializer(this.embeddingsInitializer);
    const token = new Embedding({
      name: 'token_embedding',
      inputDim: this.vocabularySize,
      outputDim: this.embeddingDim,
      embeddingsInitializer: spec,
      dtype: this.dtype,
    });
    const position = new PositionEmbedding({
      name: 'position_embedding',
      sequenceLength: this.sequenceLength,
      initializer: spec,
      dtype: this.dtype,
    });
    this.tokenEmbedding = this.trackLayer(token, inputShape);
    this.positionEmbedding = this.trackLayer(position, [...inputShape, this.embeddingDim]);
    this.inputSpec = { ndim: 2 };
  }

  call(ids: Tensor, options: PositionCallOptions): Tensor {
    const tokens = this.tokenEmbedding!.apply(ids, options);
    const steps = ids.shape[1];
    return tokens.add(
      positions(this.label, this.positionEmbedding!.embeddings!.value, steps, options.startIndex ?? 0),
    );
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape, this.embeddingDim];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      vocabularySize: this.vocabularySize,
      sequenceLength: this.sequenceLength,
      embeddingDim: this.embeddingDim,
      embeddingsInitializer: serializeInitializer(this.embeddingsInitializer),
    };
  }
}

registerLayer('PositionEmbedding', PositionEmbedding);
registerLayer('TokenAndPositionEmbedding', TokenAndPositionEmbedding);
