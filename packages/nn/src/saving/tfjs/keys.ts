/** Keras's snake_case and TensorFlow.js's camelCase spellings of config keys and names. */

/** 'use_bias' → 'useBias', 'beta_1' → 'beta1'; camelCase stays as it is. */
export function toCamelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** 'useBias' → 'use_bias', 'maxPooling2d' → 'max_pooling2d'. */
export function toSnakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A copy of a config object with its top-level keys in camelCase (values untouched). */
export function camelKeys(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) out[toCamelCase(key)] = value;
  return out;
}

/** A copy of a config object with its top-level keys in snake_case (values untouched). */
export function snakeKeys(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) out[toSnakeCase(key)] = value;
  return out;
}
