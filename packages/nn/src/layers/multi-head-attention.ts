/**
 * MultiHeadAttention (Keras): project query, key and value into `numHeads` heads,
 * attend with the fused scaled dot-product attention op, and project the heads back.
 * Weights as Keras lays them out: query/key/value kernels [dim, heads, keyDim] (value:
 * valueDim) with biases [heads, keyDim], output kernel [heads, valueDim, outDim] with
 * bias [outDim].
 */
import {
  type DType,
  Tensor,
  concat,
  dropout,
  linear,
  ones,
  scaledDotProductAttention,
  softmax,
} from '@zen/autograd-core';
import {
  type Initializer,
  type InitializerSpec,
  getInitializer,
  serializeInitializer,
} from '../initializers';
import { type ShapeOrShapes, type SymbolicShape, formatSymbolicShape, isShapeList } from '../shapes';
import { type SymbolicTensor, containsSymbolic } from '../models/symbolic';
import {
  type CallKwargs,
  type CallOptions,
  Layer,
  type LayerArgs,
  type LayerConfig,
  type LayerWeight,
} from './layer';
import { registerLayer } from './registry';
import { optionNames } from '../options';

export interface MultiHeadAttentionArgs extends LayerArgs {
  numHeads: number;
  /** Width of each head for query and key. */
  keyDim: number;
  /** Width of each head for value; default keyDim. */
  valueDim?: number;
  /** Dropout rate on the attention probabilities (training only); default 0. */
  dropout?: number;
  /** Default true. */
  useBias?: boolean;
  /** Width of the output; default the query's last axis. */
  outputShape?: number;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
}

export interface AttentionCallOptions extends CallOptions {
  /** [batch, Tq, Tk] (or [Tq, Tk]): 1 where a query may attend a key, 0 where not. */
  attentionMask?: Tensor;
  /** Query i attends keys up to i only (Keras's `use_causal_mask`). Default false. */
  useCausalMask?: boolean;
  /** Also return the attention probabilities [batch, heads, Tq, Tk]. */
  returnAttentionScores?: boolean;
}

/** Projected keys and values of the steps seen so far ([batch, heads, steps, width]). */
export interface AttentionCache {
  key: Tensor;
  value: Tensor;
}

/** What `attend` returns: the output, the probabilities when asked, and the extended cache. */
export interface AttentionResult {
  output: Tensor;
  scores: Tensor | null;
  cache: AttentionCache;
}

/**
 * Initialises a [a, b, c] kernel as the [a, b·c] (or, `splitFirst`, [a·b, c]) matrix it
 * acts as, so fan-based initialisers see the same fans as a Dense layer of that shape.
 */
function asMatrix(inner: Initializer, splitFirst: boolean): Initializer {
  return {
    className: inner.className,
    getConfig: () => inner.getConfig(),
    generate: (shape: readonly number[], dtype: DType) => {
      const [a, b, c] = shape;
      const matrix = splitFirst ? [a * b, c] : [a, b * c];
      return inner.generate(matrix, dtype).reshape(shape);
    },
  };
}

/** [batch, T, heads, width] ↔ [batch, heads, T, width]. */
const swapHeads = (x: Tensor): Tensor => x.permute([0, 2, 1, 3]);

/** The cache of heads-last keys and values, transposed to heads first only if it is read. */
function headsFirstCache(k: Tensor, v: Tensor): AttentionCache {
  let key: Tensor | null = null;
  let value: Tensor | null = null;
  return {
    get key() {
      return (key ??= swapHeads(k));
    },
    get value() {
      return (value ??= swapHeads(v));
    },
  };
}

function positiveInteger(what: string, n: number | undefined): void {
  if (!Number.isInteger(n) || (n as number) <= 0) {
    throw new Error(`MultiHeadAttention: ${what} must be a positive integer, got ${n}`);
  }
}

export class MultiHeadAttention extends Layer {
  static readonly optionNames = optionNames<MultiHeadAttentionArgs, LayerArgs>()([
    'numHeads',
    'keyDim',
    'valueDim',
    'dropout',
    'useBias',
    'outputShape',
    'kernelInitializer',
    'biasInitializer',
  ]);
  override readonly className = 'MultiHeadAttention';
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly outputShape: number | undefined;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private projections: Record<
    'query' | 'key' | 'value' | 'output',
    { kernel: LayerWeight; bias: LayerWeight | null }
  > | null = null;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    positiveInteger('numHeads', args.numHeads);
    positiveInteger('keyDim', args.keyDim);
    if (args.valueDim !== undefined) positiveInteger('valueDim', args.valueDim);
    if (args.outputShape !== undefined) positiveInteger('outputShape', args.outputShape);
    const rate = args.dropout ?? 0;
    if (!(rate >= 0 && rate < 1))
      throw new Error(`MultiHeadAttention: dropout must be in [0, 1), got ${rate}`);
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim;
    this.valueDim = args.valueDim ?? args.keyDim;
    this.dropout = rate;
    this.useBias = args.useBias ?? true;
    this.outputShape = args.outputShape;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
  }

  /**
   * Builds for a query of `queryShape` ([batch, Tq, dim]); value and key widths default
   * to the query's (self-attention). Call `buildFor` to give them explicitly.
   */
  override build(queryShape: ShapeOrShapes): void {
    // A list is [query, value, key?] (a symbolic call on several inputs).
    if (isShapeList(queryShape)) {
      const [q, v = q, k = v] = queryShape;
      this.buildFor(q, v, k);
    } else this.buildFor(queryShape, queryShape, queryShape);
  }

  /** Creates the projections for query, value and key inputs of these shapes. */
  buildFor(queryShape: SymbolicShape, valueShape: SymbolicShape, keyShape: SymbolicShape): void {
    const width = (what: string, s: SymbolicShape) => {
      const d = s[s.length - 1];
      if (s.length !== 3 || d === null) {
        throw new Error(
          `${this.label}: ${what} must be [batch, steps, features], got ${formatSymbolicShape(s)}`,
        );
      }
      return d;
    };
    const dq = width('query', queryShape);
    const dv = width('value', valueShape);
    const dk = width('key', keyShape);
    const h = this.numHeads;
    const project = (name: string, kernelShape: number[], biasShape: number[], splitFirst: boolean) => ({
      kernel: this.addWeight(`${name}/kernel`, kernelShape, asMatrix(this.kernelInitializer, splitFirst)),
      bias: this.useBias ? this.addWeight(`${name}/bias`, biasShape, this.biasInitializer) : null,
    });
    const out = this.outputShape ?? dq;
    this.projections = {
      query: project('query', [dq, h, this.keyDim], [h, this.keyDim], false),
      key: project('key', [dk, h, this.keyDim], [h, this.keyDim], false),
      value: project('value', [dv, h, this.valueDim], [h, this.valueDim], false),
      output: project('attention_output', [h, this.valueDim, out], [out], true),
    };
    this.built = true;
    this.builtInputShape = [null, ...queryShape.slice(1)];
  }

  /** x [batch, T, dim] → heads [batch, T, heads, width] (heads last: no transpose). */
  private toHeads(x: Tensor, which: 'query' | 'key' | 'value'): Tensor {
    const { kernel, bias } = this.projections![which];
    const [dim, h, w] = kernel.value.shape;
    const [b, t] = x.shape;
    if (x.shape[2] !== dim) {
      throw new Error(
        `${this.label}: ${which} of shape ${formatSymbolicShape(x.shape)} has width ${x.shape[2]}, built for ${dim}`,
      );
    }
    const rows = x.reshape([b * t, dim]);
    const k = kernel.value.reshape([dim, h * w]);
    // Product and bias in one op (one kernel call, no separate bias pass).
    const y = bias ? linear(rows, k, bias.value.reshape([h * w])) : rows.matmul(k);
    return y.reshape([b, t, h, w]);
  }

  /** heads [batch, T, heads, valueDim] → [batch, T, out]. */
  private fromHeads(o: Tensor): Tensor {
    const { kernel, bias } = this.projections!.output;
    const [h, w, out] = kernel.value.shape;
    const [b, t] = o.shape;
    const rows = o.reshape([b * t, h * w]);
    const k = kernel.value.reshape([h * w, out]);
    const y = bias ? linear(rows, k, bias.value) : rows.matmul(k);
    return y.reshape([b, t, out]);
  }

  private checkInputs(query: Tensor, value: Tensor, key: Tensor): void {
    for (const [what, t] of [
      ['query', query],
      ['value', value],
      ['key', key],
    ] as const) {
      if (!(t instanceof Tensor) || t.ndim !== 3) {
        throw new Error(
          `${this.label}: ${what} must be a [batch, steps, features] Tensor, got ${t instanceof Tensor ? formatSymbolicShape(t.shape) : typeof t}`,
        );
      }
    }
    if (
      query.shape[0] !== value.shape[0] ||
      key.shape[0] !== value.shape[0] ||
      key.shape[1] !== value.shape[1]
    ) {
      throw new Error(
        `${this.label}: query ${formatSymbolicShape(query.shape)}, value ${formatSymbolicShape(value.shape)} and key ` +
          `${formatSymbolicShape(key.shape)} must share the batch axis, and key and value the steps`,
      );
    }
  }

  /**
   * Attention of `query` over `value` (and `key`, default value), continuing `cache` when
   * given: the new keys and values are appended to the cached ones, and a causal mask is
   * aligned at the end (query i is step cacheLength + i). Used by `call` and by decoders.
   */
  attend(
    query: Tensor,
    value: Tensor,
    key: Tensor = value,
    options: AttentionCallOptions & { cache?: AttentionCache | null } = {},
  ): AttentionResult {
    this.checkInputs(query, value, key);
    if (!this.built) this.buildFor(query.shape, value.shape, key.shape);
    const cast = (t: Tensor) => (t.dtype === this.dtype ? t : t.astype(this.dtype));
    const q = this.toHeads(cast(query), 'query');
    const k = this.toHeads(cast(key), 'key');
    const v = this.toHeads(cast(value), 'value');
    const causal = options.useCausalMask ?? false;
    const rate = options.training ? this.dropout : 0;
    if (!options.cache && !options.returnAttentionScores) {
      // Training and plain calls: attention reads the heads-last projections directly.
      const mask = this.headMask(options.attentionMask, q.shape[1], k.shape[1]);
      const output = scaledDotProductAttention(q, k, v, {
        mask: mask ?? undefined,
        causal,
        dropout: rate,
        headsLast: true,
      });
      return { output: this.fromHeads(output), scores: null, cache: headsFirstCache(k, v) };
    }
    // With a cache or the scores: heads first ([batch, heads, T, width]), as the cache keeps them.
    const qf = swapHeads(q);
    let kf = swapHeads(k);
    let vf = swapHeads(v);
    if (options.cache) {
      kf = concat([options.cache.key, kf], 2);
      vf = concat([options.cache.value, vf], 2);
    }
    const mask = this.headMask(options.attentionMask, qf.shape[2], kf.shape[2]);
    let output: Tensor;
    let scores: Tensor | null = null;
    if (options.returnAttentionScores) {
      scores = this.probabilities(qf, kf, mask, causal);
      output = dropout(scores, rate).matmul(vf);
    } else {
      output = scaledDotProductAttention(qf, kf, vf, { mask: mask ?? undefined, causal, dropout: rate });
    }
    return { output: this.fromHeads(swapHeads(output)), scores, cache: { key: kf, value: vf } };
  }

  /** The attention mask as [batch, 1, Tq, Tk] (broadcast over heads). */
  private headMask(mask: Tensor | undefined, tq: number, tk: number): Tensor | null {
    if (!mask) return null;
    const ok =
      (mask.ndim === 3 || mask.ndim === 2) &&
      mask.shape[mask.ndim - 2] === tq &&
      mask.shape[mask.ndim - 1] === tk;
    if (!ok) {
      throw new Error(
        `${this.label}: attentionMask must be [batch, ${tq}, ${tk}] or [${tq}, ${tk}], got ${formatSymbolicShape(mask.shape)}`,
      );
    }
    return mask.ndim === 3 ? mask.reshape([mask.shape[0], 1, tq, tk]) : mask;
  }

  /** softmax(q·kᵀ/√d) with the masks, from plain ops (when the probabilities are returned). */
  private probabilities(q: Tensor, k: Tensor, mask: Tensor | null, causal: boolean): Tensor {
    const tq = q.shape[2];
    const tk = k.shape[2];
    let scores = q.matmul(k.permute([0, 1, 3, 2])).mul(1 / Math.sqrt(this.keyDim));
    let keep: Tensor | null = mask ? mask.notEqual(0).astype(q.dtype) : null;
    if (causal) {
      const band = ones([tq, tk], { dtype: q.dtype }).tril(tk - tq);
      keep = keep ? keep.mul(band) : band;
    }
    if (!keep) return softmax(scores, -1);
    scores = scores.add(keep.sub(1).mul(1e30));
    return softmax(scores, -1).mul(keep);
  }

  /** Self-attention on a Tensor (`mha.call(x)`), or cross-attention with `apply([query, value, key?])`. */
  call(x: Tensor, options: AttentionCallOptions): Tensor {
    return this.attend(x, x, x, options).output;
  }

  /**
   * `mha.apply([query, value, key?], { attentionMask, useCausalMask, training })`, or one
   * tensor for self-attention. With `returnAttentionScores` it returns [output, scores].
   */
  override apply<T extends SymbolicTensor | SymbolicTensor[] = SymbolicTensor>(
    x: SymbolicTensor | SymbolicTensor[],
    options?: CallKwargs, // a symbolic attentionMask is a graph edge
  ): T;
  override apply(
    x: Tensor | readonly Tensor[],
    options?: AttentionCallOptions & { returnAttentionScores?: false },
  ): Tensor;
  override apply(
    x: Tensor | readonly Tensor[],
    options: AttentionCallOptions & { returnAttentionScores: true },
  ): [Tensor, Tensor];
  override apply(
    x: Tensor | readonly Tensor[] | SymbolicTensor | SymbolicTensor[],
    options: AttentionCallOptions = {},
  ): Tensor | [Tensor, Tensor] | SymbolicTensor | SymbolicTensor[] {
    if (containsSymbolic(x) || containsSymbolic(options)) return super.apply(x as SymbolicTensor[], options);
    return this.applyTensors(x as Tensor | readonly Tensor[], options);
  }

  private applyTensors(
    x: Tensor | readonly Tensor[],
    options: AttentionCallOptions,
  ): Tensor | [Tensor, Tensor] {
    const [query, value, key] = x instanceof Tensor ? [x, x, x] : [x[0], x[1] ?? x[0], x[2] ?? x[1] ?? x[0]];
    if (!(x instanceof Tensor) && (!Array.isArray(x) || x.length < 2 || x.length > 3)) {
      throw new Error(`${this.label}: apply takes a Tensor or [query, value, key?]`);
    }
    const result = this.attend(query, value, key, options);
    return options.returnAttentionScores ? [result.output, result.scores!] : result.output;
  }

  override computeOutputShape(shape: ShapeOrShapes): SymbolicShape {
    const inputShape = isShapeList(shape) ? shape[0] : shape;
    return [...inputShape.slice(0, -1), this.outputShape ?? inputShape[inputShape.length - 1]];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      ...(this.outputShape !== undefined ? { outputShape: this.outputShape } : {}),
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }
}

registerLayer('MultiHeadAttention', MultiHeadAttention);
