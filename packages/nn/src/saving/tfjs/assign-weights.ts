/**
 * Matches the weights of a tfjs-layers manifest to a built Zen-TS model by name. Files
 * name weights by layer ('dense_Dense1/kernel', Keras's 'lstm/lstm_cell/kernel:0',
 * 'bidirectional/forward_lstm/kernel'); a Zen-TS weight matches an entry that names its
 * layer and its weight, preferring entries that also name the part of a wrapper it
 * belongs to ('forward', the wrapped layer).
 */
import type { Layer } from '../../layers/layer';
import type { Model } from '../../models/model';
import { leafLayers } from './leaf-layers';
import type { TfjsWeight } from './weights';

/** A weight's name without ':0' and spelling: 'depthwise_kernel:0' and 'depthwiseKernel' match. */
const weightKey = (name: string): string => name.replace(/:\d+$/, '').replace(/_/g, '').toLowerCase();

interface Entry {
  parts: string[];
  key: string;
  weight: TfjsWeight;
}

/** How many of `inner` (the wrapper parts of a Zen-TS weight name) the entry's path names. */
function score(entry: Entry, inner: readonly string[]): number {
  return inner.filter((s) => entry.parts.some((p) => p === s || p.startsWith(`${s}_`))).length;
}

function find(entries: readonly Entry[], layer: Layer, weightName: string, file: string): TfjsWeight | null {
  const segments = weightName.split('/');
  const key = weightKey(segments[segments.length - 1]);
  const inner = segments.slice(0, -1);
  const candidates = entries.filter((e) => e.key === key && e.parts.includes(layer.name));
  if (candidates.length <= 1) return candidates[0]?.weight ?? null;
  const scores = candidates.map((c) => score(c, inner));
  const best = Math.max(...scores);
  const winners = candidates.filter((_, i) => scores[i] === best);
  if (winners.length > 1) {
    throw new Error(
      `loadModel: ${file}: weight '${weightName}' of layer '${layer.name}' (${layer.className}) matches several ` +
        `manifest entries: ${winners.map((w) => w.weight.spec.name).join(', ')}`,
    );
  }
  return winners[0].weight;
}

/** Copies every weight of `model` from the manifest; throws naming the layer and weight when one is missing or misshapen. */
export function assignTfjsWeights(model: Model, weights: Map<string, TfjsWeight>, file: string): void {
  const entries: Entry[] = [...weights].map(([name, weight]) => {
    const parts = name.split('/');
    return { parts: parts.slice(0, -1), key: weightKey(parts[parts.length - 1]), weight };
  });
  for (const layer of leafLayers(model)) {
    for (const w of layer.weights) {
      const found = find(entries, layer, w.name, file);
      if (!found) {
        throw new Error(
          `loadModel: ${file}: the weights manifest has no '${w.name}' for layer '${layer.name}' (${layer.className}); ` +
            `it lists ${[...weights.keys()].join(', ') || 'nothing'}`,
        );
      }
      const expected = w.value.shape;
      const shape = found.spec.shape;
      if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
        throw new Error(
          `loadModel: ${file}: weight '${found.spec.name}' has shape [${shape}] but layer '${layer.name}' ` +
            `(${layer.className}) needs '${w.name}' of shape [${expected}]`,
        );
      }
      w.value.data.set(found.values);
    }
  }
}
