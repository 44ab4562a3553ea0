/** Dropout: zeroes a random fraction of the inputs during training only. */
import { type Tensor, dropout } from '@zen/autograd-core';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from './layer';
import { registerLayer } from './registry';
import { optionNames } from '../options';

export interface DropoutArgs extends LayerArgs {
  /** Fraction of inputs to drop, in [0, 1). */
  rate: number;
}

/**
 * Inverted dropout: in training, each element is zeroed with probability `rate` and the
 * rest scaled by 1/(1 − rate); at inference it is the identity. Draws from the seeded generator.
 */
export class Dropout extends Layer {
  static readonly optionNames = optionNames<DropoutArgs, LayerArgs>()(['rate']);
  override readonly className = 'Dropout';
  readonly rate: number;

  constructor(args: DropoutArgs) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1))
      throw new Error(`Dropout: rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
  }

  call(x: Tensor, options: CallOptions): Tensor {
    return dropout(x, this.rate, { training: options.training ?? false });
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), rate: this.rate };
  }
}

registerLayer('Dropout', Dropout);
