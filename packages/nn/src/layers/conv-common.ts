/** What the convolution layers added beside Conv2D share: options, checks, bias + activation, config. */
import { type Tensor } from '@zen/autograd-core';
import { type ActivationName, addBiasAndActivate, getActivation } from '../activations';
import {
  type Initializer,
  type InitializerSpec,
  getInitializer,
  serializeInitializer,
} from '../initializers';

export interface ConvCommonArgs {
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
}

/** The resolved common options. */
export class ConvCommon {
  readonly padding: 'valid' | 'same';
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly biasInitializer: Initializer;

  constructor(owner: string, args: ConvCommonArgs) {
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') {
      throw new Error(`${owner}: padding must be 'valid' or 'same', got '${this.padding as string}'`);
    }
    this.activation = args.activation ?? 'linear';
    getActivation(this.activation);
    this.useBias = args.useBias ?? true;
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
  }

  /** z + bias, then the activation. */
  finish(z: Tensor, bias: Tensor | null): Tensor {
    return addBiasAndActivate(z, bias, this.activation);
  }

  config(): Record<string, unknown> {
    return {
      padding: this.padding,
      activation: this.activation,
      useBias: this.useBias,
      biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }
}

/** A positive integer option. */
export function positiveInteger(owner: string, name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw new Error(`${owner}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value as number;
}
