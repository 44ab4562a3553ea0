/** Option checks the convolution and pooling layers share. */
import type { BiasedLayerArgs } from './biased-layer';

/** The options every convolution layer takes besides its sizes. */
export interface ConvCommonArgs extends BiasedLayerArgs {
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
}

/** The own options of Conv1D and Conv2D, the positional one (filters) first. */
export const CONV_OPTIONS = ['filters', 'kernelSize', 'strides', 'padding', 'dilationRate'] as const;

/** The `padding` option: 'valid' (default) or 'same'. */
export function paddingOption(owner: string, padding: unknown): 'valid' | 'same' {
  const value = padding ?? 'valid';
  if (value !== 'valid' && value !== 'same') {
    throw new Error(`${owner}: padding must be 'valid' or 'same', got '${String(value)}'`);
  }
  return value;
}

/** The window options a convolution saves in its config (filters and dilation where it has them). */
export function windowConfig(layer: {
  readonly padding: 'valid' | 'same';
  readonly kernelSize: number | readonly number[];
  readonly strides: number | readonly number[];
  readonly filters?: number;
  readonly dilationRate?: number | readonly number[];
}): Record<string, unknown> {
  const { padding, kernelSize, strides, filters, dilationRate } = layer;
  return {
    padding,
    kernelSize,
    strides,
    ...(filters === undefined ? {} : { filters }),
    ...(dilationRate === undefined ? {} : { dilationRate }),
  };
}

/** A positive integer option. */
export function positiveInteger(owner: string, name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw new Error(`${owner}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value as number;
}
