/**
 * The layers of a subclassed model: found in its fields (PyTorch's module tracking), also
 * inside arrays, Maps and plain objects held by fields, in field order, each once. Each is
 * known by its path of field names ('dense1', 'blocks/0', 'heads/cls'), as PyTorch's
 * state_dict keys, so weights saved by one instance load into another whose layers got
 * other default names.
 */
import { Layer } from '../layers/layer';

/** A tracked layer and where the model holds it. */
export interface TrackedLayer {
  path: string;
  layer: Layer;
}

/** Layers held by `owner`'s own fields (skipping `untracked` names), in arrays, Maps and plain objects up to two levels deep. */
export function trackedLayers(owner: object, untracked: ReadonlySet<string>): TrackedLayer[] {
  const found: TrackedLayer[] = [];
  const seen = new Set<Layer>();
  const visit = (value: unknown, path: string, depth: number): void => {
    if (value instanceof Layer) {
      if (value !== owner && !seen.has(value)) {
        seen.add(value);
        found.push({ path, layer: value });
      }
      return;
    }
    if (depth >= 3 || value === null || typeof value !== 'object') return;
    const items: [string, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [String(i), item])
      : value instanceof Map
        ? [...value.entries()].map(([k, item]) => [String(k), item])
        : Object.getPrototypeOf(value) === Object.prototype
          ? Object.entries(value)
          : [];
    for (const [key, item] of items) visit(item, `${path}/${key}`, depth + 1);
  };
  for (const [key, value] of Object.entries(owner)) if (!untracked.has(key)) visit(value, key, 0);
  return found;
}
