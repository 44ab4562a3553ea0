/**
 * The layers of a subclassed model: found in its fields (PyTorch's module tracking), also
 * inside arrays and plain objects held by fields, in field order, each once.
 */
import { Layer } from '../layers/layer';

/** Layers held by `owner`'s own fields (skipping `untracked` names), arrays and plain objects up to two levels deep. */
export function trackedLayers(owner: object, untracked: ReadonlySet<string>): Layer[] {
  const found: Layer[] = [];
  const seen = new Set<Layer>();
  const visit = (value: unknown, depth: number): void => {
    if (value instanceof Layer) {
      if (value !== owner && !seen.has(value)) {
        seen.add(value);
        found.push(value);
      }
      return;
    }
    if (depth >= 3 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) for (const item of value) visit(item, depth + 1);
    else if (value instanceof Map) for (const item of value.values()) visit(item, depth + 1);
    else if (Object.getPrototypeOf(value) === Object.prototype)
      for (const item of Object.values(value)) visit(item, depth + 1);
  };
  for (const [key, value] of Object.entries(owner)) if (!untracked.has(key)) visit(value, 0);
  return found;
}
