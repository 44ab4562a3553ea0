/** Option checks the convolution and pooling layers share. */
import type { BiasedLayerArgs } from './biased-layer';

/** The options every convolution layer takes besides its sizes. */
export interface ConvCommonArgs extends BiasedLayerArgs {
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
}

/** The `padding` option: 'valid' (default) or 'same'. */
export function paddingOption(owner: string, padding: unknown): 'valid' | 'same' {
  const value = padding ?? 'valid';
  if (value !== 'valid' && value !== 'same') {
    throw new Error(`${owner}: padding must be 'valid' or 'same', got '${String(value)}'`);
  }
  return value;
}

/** A positive integer option. */
export function positiveInteger(owner: string, name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw new Error(`${owner}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value as number;
}
