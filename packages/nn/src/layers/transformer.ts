/**
 * TransformerEncoder and TransformerDecoder (KerasHub): an attention block and a
 * feed-forward block, each residual, with post-norm (default) or pre-norm
 * (`normalizeFirst`). The decoder's self-attention is causal; given an
 * `encoderSequence` it also cross-attends to it. A decoder keeps keys and values of
 * earlier steps in a cache for generation (`callCached`).
 */
import { type Tensor } from '@zen/autograd-core';
import { type SymbolicShape } from '../shapes';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from './layer';
import { type AttentionCache } from './multi-head-attention';
import { registerLayer } from './registry';
import { optionNames } from '../options';
import {
  AttentionBlock,
  FeedForwardBlock,
  type TransformerArgs,
  type TransformerOptions,
  modelWidth,
  transformerOptions,
} from './transformer-block';

export type TransformerEncoderArgs = TransformerArgs;
export type TransformerDecoderArgs = TransformerArgs;

const TRANSFORMER_OPTIONS = optionNames<TransformerArgs, LayerArgs>()([
  'intermediateDim',
  'numHeads',
  'dropout',
  'activation',
  'layerNormEpsilon',
  'normalizeFirst',
  'kernelInitializer',
  'biasInitializer',
]);

/** Shared construction of the self-attention and feed-forward blocks. */
abstract class TransformerLayer extends Layer {
  readonly options: TransformerOptions;
  protected selfAttention: AttentionBlock | null = null;
  protected feedForward: FeedForwardBlock | null = null;

  constructor(className: string, args: TransformerArgs) {
    super(args);
    this.options = transformerOptions(className, args);
  }

  override build(inputShape: SymbolicShape): void {
    const width = modelWidth(this.label, inputShape, this.options.numHeads);
    const a = AttentionBlock.create('self_attention', this.options, width, this.dtype);
    this.selfAttention = new AttentionBlock(
      this.trackLayer(a.attention, inputShape),
      this.trackLayer(a.norm, inputShape),
      this.options,
    );
    const f = FeedForwardBlock.create(this.options, width, this.dtype);
    const inner = [...inputShape.slice(0, -1), this.options.intermediateDim];
    this.feedForward = new FeedForwardBlock(
      this.trackLayer(f.intermediate, inputShape),
      this.trackLayer(f.output, inner),
      this.trackLayer(f.norm, inputShape),
      this.options,
    );
    this.inputSpec = { ndim: 3, axes: { [-1]: width } };
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), ...this.options };
  }
}

export interface EncoderCallOptions extends CallOptions {
  /** [batch, T, T] (or [T, T]): 1 where step i may attend step j. */
  attentionMask?: Tensor;
}

/** A transformer encoder block: bidirectional self-attention, then feed-forward. */
export class TransformerEncoder extends TransformerLayer {
  static readonly optionNames = TRANSFORMER_OPTIONS;
  override readonly className = 'TransformerEncoder';

  constructor(args: TransformerEncoderArgs) {
    super('TransformerEncoder', args);
  }

  call(x: Tensor, options: EncoderCallOptions): Tensor {
    const training = options.training ?? false;
    const { output } = this.selfAttention!.run(x, null, { training, attentionMask: options.attentionMask });
    return this.feedForward!.run(output, training);
  }
}

export interface DecoderCallOptions extends CallOptions {
  /** Output of an encoder [batch, S, width]: adds cross-attention to it. */
  encoderSequence?: Tensor;
  /** Causal self-attention (default true). */
  useCausalMask?: boolean;
  /** [batch, T, T] (or [T, T]) self-attention mask: 1 where step i may attend step j. */
  decoderAttentionMask?: Tensor;
  /** [batch, T, S] (or [T, S]) cross-attention mask. */
  encoderAttentionMask?: Tensor;
}

/** A transformer decoder block: causal self-attention, optional cross-attention, feed-forward. */
export class TransformerDecoder extends TransformerLayer {
  static readonly optionNames = TRANSFORMER_OPTIONS;
  override readonly className = 'TransformerDecoder';
  private crossAttention: AttentionBlock | null = null;

  constructor(args: TransformerDecoderArgs) {
    super('TransformerDecoder', args);
  }

  /** Creates the cross-attention block for an encoder output of `encoderShape` (on first use). */
  private buildCrossAttention(inputShape: SymbolicShape, encoderShape: SymbolicShape): AttentionBlock {
    if (!this.crossAttention) {
      const width = modelWidth(this.label, inputShape, this.options.numHeads);
      const c = AttentionBlock.create('cross_attention', this.options, width, this.dtype);
      c.attention.buildFor(inputShape, encoderShape, encoderShape);
      this.crossAttention = new AttentionBlock(
        this.trackLayer(c.attention, inputShape),
        this.trackLayer(c.norm, inputShape),
        this.options,
      );
    }
    return this.crossAttention;
  }

  call(x: Tensor, options: DecoderCallOptions): Tensor {
    return this.callCached(x, null, options).output;
  }

  /**
   * The decoder on new steps `x` [batch, t, width] after the steps whose keys and values
   * are in `cache` (null: none): x's step i is step cacheLength + i of the sequence.
   * Returns the output for the new steps and the cache extended by them.
   */
  callCached(
    x: Tensor,
    cache: AttentionCache | null,
    options: DecoderCallOptions = {},
  ): { output: Tensor; cache: AttentionCache } {
    if (!this.built) this.maybeBuild(x.shape);
    if (x.dtype !== this.dtype) x = x.astype(this.dtype);
    const training = options.training ?? false;
    const self = this.selfAttention!.run(x, null, {
      training,
      cache,
      useCausalMask: options.useCausalMask ?? true,
      attentionMask: options.decoderAttentionMask,
    });
    let h = self.output;
    if (options.encoderSequence) {
      const enc = options.encoderSequence;
      const cross = this.buildCrossAttention(x.shape, enc.shape);
      h = cross.run(h, enc.dtype === this.dtype ? enc : enc.astype(this.dtype), {
        training,
        attentionMask: options.encoderAttentionMask,
      }).output;
    }
    return { output: this.feedForward!.run(h, training), cache: self.cache };
  }
}

registerLayer('TransformerEncoder', TransformerEncoder);
registerLayer('TransformerDecoder', TransformerDecoder);
