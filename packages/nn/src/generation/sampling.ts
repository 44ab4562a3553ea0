/** Choosing the next token from a row of logits: greedy, temperature, top-k and top-p (nucleus). */

export interface SamplingOptions {
  /** Divides the logits; 0 picks the most likely token (greedy). Default 1. */
  temperature?: number;
  /** Sample among the k most likely tokens only. */
  topK?: number;
  /** Sample among the smallest set of most likely tokens whose probability reaches p. */
  topP?: number;
}

export function checkSamplingOptions(where: string, o: SamplingOptions): void {
  const t = o.temperature ?? 1;
  if (!(t >= 0) || !Number.isFinite(t)) throw new Error(`${where}: temperature must be ≥ 0, got ${t}`);
  if (o.topK !== undefined && (!Number.isInteger(o.topK) || o.topK <= 0)) {
    throw new Error(`${where}: topK must be a positive integer, got ${o.topK}`);
  }
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) {
    throw new Error(`${where}: topP must be in (0, 1], got ${o.topP}`);
  }
}

/** Index of the largest logit (the first one on ties). */
function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/** Draws a token id from `logits` with the options, using `next` (uniform [0, 1)). */
export function sampleToken(logits: ArrayLike<number>, o: SamplingOptions, next: () => number): number {
  const temperature = o.temperature ?? 1;
  if (temperature === 0) return argmax(logits);
  // Candidates sorted by logit, most likely first; softmax over them at the temperature.
  const order = Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => logits[b] - logits[a]);
  const k = Math.min(o.topK ?? order.length, order.length);
  const top = logits[order[0]];
  const weights = order.slice(0, k).map((i) => Math.exp((logits[i] - top) / temperature));
  const total = weights.reduce((s, w) => s + w, 0);
  let kept = weights.length;
  if (o.topP !== undefined) {
    let cumulative = 0;
    for (let i = 0; i < weights.length; i++) {
      cumulative += weights[i] / total;
      if (cumulative >= o.topP) {
        kept = i + 1;
        break;
      }
    }
  }
  const mass = weights.slice(0, kept).reduce((s, w) => s + w, 0);
  let u = next() * mass;
  for (let i = 0; i < kept; i++) {
    u -= weights[i];
    if (u < 0) return order[i];
  }
  return order[kept - 1];
}
