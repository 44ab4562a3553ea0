/**
 * Autoregressive generation from a language model: a Sequential whose first layer is
 * TokenAndPositionEmbedding and whose output is logits [batch, T, vocabulary]. With the
 * cache (default), TransformerDecoder layers keep the keys and values of earlier steps,
 * so each new token runs the model on one step. Past `sequenceLength` the model sees the
 * last `sequenceLength` tokens, and the cache is rebuilt from them (learned positions
 * cannot go further).
 */
import { Tensor, makeGenerator, noGrad, random } from '@zen/autograd-core';
import type { Sequential } from '../models/sequential';
import { TokenAndPositionEmbedding } from '../layers/position-embedding';
import { TransformerDecoder, TransformerEncoder } from '../layers/transformer';
import { MultiHeadAttention, type AttentionCache } from '../layers/multi-head-attention';
import { type Layer } from '../layers/layer';
import { type SamplingOptions, checkSamplingOptions, sampleToken } from './sampling';

export interface GenerateOptions extends SamplingOptions {
  /** How many tokens to append. */
  maxNewTokens: number;
  /** Seed of the sampling draws (default: the global seeded generator). */
  seed?: number | string;
  /** Reuse keys and values of earlier steps (default true); false runs the whole window per token. */
  useCache?: boolean;
}

/** The model's context length, from its TokenAndPositionEmbedding. */
function contextLength(model: Sequential): number {
  const first = model.layers[0];
  if (!(first instanceof TokenAndPositionEmbedding)) {
    throw new Error(
      `generate: the model's first layer must be a TokenAndPositionEmbedding, got ${first ? first.className : 'none'}`,
    );
  }
  return first.sequenceLength;
}

/** The logits of the last step of a [1, T, vocabulary] output. */
function lastLogits(out: Tensor): ArrayLike<number> {
  const v = out.shape[out.ndim - 1];
  return out.data.subarray(out.size - v);
}

/** Runs the model on `ids` (steps startIndex…), extending each decoder's cache. */
function runCached(
  model: Sequential,
  ids: number[],
  startIndex: number,
  caches: (AttentionCache | null)[],
): Tensor {
  let h = new Tensor(Int32Array.from(ids), [1, ids.length]);
  model.layers.forEach((layer: Layer, i) => {
    if (layer instanceof TokenAndPositionEmbedding) {
      h = layer.call(h, { startIndex });
    } else if (layer instanceof TransformerDecoder) {
      const { output, cache } = layer.callCached(h, caches[i]);
      caches[i] = cache;
      h = output;
    } else if (layer instanceof TransformerEncoder || layer instanceof MultiHeadAttention) {
      throw new Error(`generate: layer '${layer.name}' mixes steps without a cache; pass useCache: false`);
    } else {
      h = layer.apply(h);
    }
  });
  return h;
}

/**
 * Appends `maxNewTokens` tokens to `promptIds` and returns the whole sequence (prompt
 * first). Greedy when `temperature` is 0; otherwise samples, optionally among the topK
 * tokens or the topP nucleus.
 */
export function generate(
  model: Sequential,
  promptIds: readonly number[],
  options: GenerateOptions,
): number[] {
  const { maxNewTokens } = options;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) {
    throw new Error(`generate: maxNewTokens must be a non-negative integer, got ${maxNewTokens}`);
  }
  if (!Array.isArray(promptIds) || promptIds.length === 0) {
    throw new Error('generate: promptIds must be a non-empty array of token ids');
  }
  checkSamplingOptions('generate', options);
  const length = contextLength(model);
  const next = options.seed !== undefined ? makeGenerator(options.seed) : random;
  const tokens = [...promptIds];
  const useCache = options.useCache ?? true;
  return noGrad(() => {
    let caches: (AttentionCache | null)[] = [];
    let position = 0; // steps in the cache
    for (let n = 0; n < maxNewTokens; n++) {
      let out: Tensor;
      const window = tokens.slice(-length);
      if (!useCache) {
        out = model.call(new Tensor(Int32Array.from(window), [1, window.length]));
      } else if (position === 0 || position + 1 > length) {
        // (Re)build the cache from the window.
        caches = model.layers.map(() => null);
        out = runCached(model, window, 0, caches);
        position = window.length;
      } else {
        out = runCached(model, [tokens[tokens.length - 1]], position, caches);
        position += 1;
      }
      tokens.push(sampleToken(lastLogits(out), options, next));
    }
    return tokens;
  });
}
