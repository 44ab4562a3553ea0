/** Axis-moving layers: RepeatVector ([b, f] → [b, n, f]) and Permute (reorders the non-batch axes). */
import { type Tensor } from '@zen/autograd-core';
import { type SymbolicShape } from '../shapes';
import { optionNames } from '../options';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from './layer';
import { registerLayer } from './registry';
import { positiveInteger } from './conv-common';

export interface RepeatVectorArgs extends LayerArgs {
  /** How many times to repeat the input. */
  n: number;
}

/** Repeats a [batch, features] input n times: [batch, n, features] (a broadcast; gradients sum). */
export class RepeatVector extends Layer {
  static readonly optionNames = optionNames<RepeatVectorArgs, LayerArgs>()(['n']);
  override readonly className = 'RepeatVector';
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    super(args);
    this.n = positiveInteger('RepeatVector', 'n', args.n);
  }

  override build(): void {
    this.inputSpec = { ndim: 2 };
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    const [b, f] = x.shape;
    return x.reshape([b, 1, f]).broadcastTo([b, this.n, f]);
  }

  override computeOutputShape([b, f]: SymbolicShape): SymbolicShape {
    return [b, this.n, f];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), n: this.n };
  }
}

export interface PermuteArgs extends LayerArgs {
  /** The new order of the non-batch axes, numbered from 1 (Keras): [2, 1] swaps the two. */
  dims: readonly number[];
}

/** Reorders the axes after the batch axis. */
export class Permute extends Layer {
  static readonly optionNames = optionNames<PermuteArgs, LayerArgs>()(['dims']);
  override readonly className = 'Permute';
  readonly dims: number[];

  constructor(args: PermuteArgs) {
    super(args);
    const dims = args.dims;
    const sorted = Array.isArray(dims) ? [...dims].sort((a, b) => a - b) : [];
    if (!Array.isArray(dims) || dims.length === 0 || !sorted.every((d, i) => d === i + 1)) {
      throw new Error(
        `Permute: dims must be a permutation of 1…${Array.isArray(dims) ? dims.length : 'n'}, got ${JSON.stringify(dims)}`,
      );
    }
    this.dims = [...dims];
  }

  override build(): void {
    this.inputSpec = { ndim: this.dims.length + 1 };
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    return x.transpose([0, ...this.dims]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), dims: this.dims };
  }
}

registerLayer('RepeatVector', RepeatVector);
registerLayer('Permute', Permute);
