/**
 * What TransformerEncoder and TransformerDecoder share (KerasHub's layout): arguments,
 * validation, and the two residual blocks — attention and feed-forward — each with a
 * layer norm before (normalizeFirst) or after the residual sum, and dropout on the
 * block's output.
 */
import { type Tensor, dropout } from '@zen/autograd-core';
import { type ActivationName, getActivation } from '../activations';
import { type InitializerSpec, getInitializer, serializeInitializer } from '../initializers';
import { type SymbolicShape, formatSymbolicShape } from '../shapes';
import { Dense } from './dense';
import { type Layer, type LayerArgs } from './layer';
import { type AttentionCache, type AttentionCallOptions, MultiHeadAttention } from './multi-head-attention';
import { LayerNormalization } from './normalization';

export interface TransformerArgs extends LayerArgs {
  /** Width of the feed-forward block's hidden layer. */
  intermediateDim: number;
  numHeads: number;
  /** Dropout after each block and on the attention probabilities (training only); default 0. */
  dropout?: number;
  /** Feed-forward activation; default 'relu'. */
  activation?: ActivationName;
  /** Default 1e-5. */
  layerNormEpsilon?: number;
  /** Layer norm before each block (pre-norm, GPT-2) instead of after the residual sum; default false. */
  normalizeFirst?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
}

/** The resolved arguments. */
export interface TransformerOptions {
  intermediateDim: number;
  numHeads: number;
  dropout: number;
  activation: ActivationName;
  layerNormEpsilon: number;
  normalizeFirst: boolean;
  kernelInitializer: InitializerSpec;
  biasInitializer: InitializerSpec;
}

export function transformerOptions(layer: string, args: TransformerArgs): TransformerOptions {
  for (const key of ['intermediateDim', 'numHeads'] as const) {
    if (!Number.isInteger(args[key]) || args[key] <= 0) {
      throw new Error(`${layer}: ${key} must be a positive integer, got ${args[key]}`);
    }
  }
  const rate = args.dropout ?? 0;
  if (!(rate >= 0 && rate < 1)) throw new Error(`${layer}: dropout must be in [0, 1), got ${rate}`);
  const activation = args.activation ?? 'relu';
  getActivation(activation);
  const kernelInitializer = serializeInitializer(getInitializer(args.kernelInitializer ?? 'glorotUniform'));
  const biasInitializer = serializeInitializer(getInitializer(args.biasInitializer ?? 'zeros'));
  return {
    intermediateDim: args.intermediateDim,
    numHeads: args.numHeads,
    dropout: rate,
    activation,
    layerNormEpsilon: args.layerNormEpsilon ?? 1e-5,
    normalizeFirst: args.normalizeFirst ?? false,
    kernelInitializer,
    biasInitializer,
  };
}

/** The hidden width of a [batch, steps, width] input; an error naming the layer otherwise. */
export function modelWidth(label: string, inputShape: SymbolicShape, numHeads: number): number {
  const width = inputShape[inputShape.length - 1];
  if (inputShape.length !== 3 || width === null) {
    throw new Error(
      `${label}: input must be [batch, steps, features], got ${formatSymbolicShape(inputShape)}`,
    );
  }
  if (width % numHeads !== 0) {
    throw new Error(`${label}: the width ${width} is not divisible by numHeads ${numHeads}`);
  }
  return width;
}

/** An attention block: (norm) → attention → dropout → + residual → (norm). */
export class AttentionBlock {
  constructor(
    readonly attention: MultiHeadAttention,
    readonly norm: LayerNormalization,
    private readonly options: TransformerOptions,
  ) {}

  /** Builds the sublayers as parts of `owner` (via `track`). */
  static create(
    prefix: string,
    o: TransformerOptions,
    width: number,
    dtype: Layer['dtype'],
  ): { attention: MultiHeadAttention; norm: LayerNormalization } {
    return {
      attention: new MultiHeadAttention({
        name: prefix,
        numHeads: o.numHeads,
        keyDim: width / o.numHeads,
        dropout: o.dropout,
        kernelInitializer: o.kernelInitializer,
        biasInitializer: o.biasInitializer,
        dtype,
      }),
      norm: new LayerNormalization({ name: `${prefix}_layer_norm`, epsilon: o.layerNormEpsilon, dtype }),
    };
  }

  /** x attends `context` (itself when null), continuing `cache`; returns the block's output and the cache. */
  run(
    x: Tensor,
    context: Tensor | null,
    options: AttentionCallOptions & { cache?: AttentionCache | null },
  ): { output: Tensor; cache: AttentionCache } {
    const { normalizeFirst, dropout: rate } = this.options;
    const training = options.training ?? false;
    const h = normalizeFirst ? this.norm.apply(x, { training }) : x;
    const ctx = context ?? h;
    const { output, cache } = this.attention.attend(h, ctx, ctx, options);
    let y = dropout(output, rate, { training }).add(x);
    if (!normalizeFirst) y = this.norm.apply(y, { training });
    return { output: y, cache };
  }
}

/** The feed-forward block: (norm) → Dense(intermediate, activation) → Dense(width) → dropout → + residual → (norm). */
export class FeedForwardBlock {
  constructor(
    readonly intermediate: Dense,
    readonly output: Dense,
    readonly norm: LayerNormalization,
    private readonly options: TransformerOptions,
  ) {}

  static create(
    o: TransformerOptions,
    width: number,
    dtype: Layer['dtype'],
  ): { intermediate: Dense; output: Dense; norm: LayerNormalization } {
    const dense = (name: string, units: number, activation: ActivationName) =>
      new Dense({
        name,
        units,
        activation,
        kernelInitializer: o.kernelInitializer,
        biasInitializer: o.biasInitializer,
        dtype,
      });
    return {
      intermediate: dense('feedforward_intermediate_dense', o.intermediateDim, o.activation),
      output: dense('feedforward_output_dense', width, 'linear'),
      norm: new LayerNormalization({ name: 'feedforward_layer_norm', epsilon: o.layerNormEpsilon, dtype }),
    };
  }

  run(x: Tensor, training: boolean): Tensor {
    const { normalizeFirst, dropout: rate } = this.options;
    const h = normalizeFirst ? this.norm.apply(x, { training }) : x;
    const f = this.output.apply(this.intermediate.apply(h, { training }), { training });
    const y = dropout(f, rate, { training }).add(x);
    return normalizeFirst ? y : this.norm.apply(y, { training });
  }
}
