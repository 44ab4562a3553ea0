/** Image-size layers over NHWC: UpSampling2D (nearest), ZeroPadding2D, Cropping2D. */
import { type Tensor } from '@zen/autograd-core';
import { type SymbolicShape, toPair } from '../shapes';
import { optionNames } from '../options';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from './layer';
import { registerLayer } from './registry';

/** [[top, bottom], [left, right]] from a number, [h, w] or the nested form (Keras's three spellings). */
type Margins =
  number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

function toMargins(owner: string, value: Margins): [[number, number], [number, number]] {
  const nested =
    typeof value === 'number'
      ? [
          [value, value],
          [value, value],
        ]
      : typeof value[0] === 'number'
        ? [
            [value[0], value[0]],
            [value[1] as number, value[1] as number],
          ]
        : (value as readonly (readonly number[])[]);
  const flat = nested.flat();
  if (nested.length !== 2 || flat.length !== 4 || !flat.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(
      `${owner}: expected a non-negative integer, [h, w] or [[top, bottom], [left, right]], got ${JSON.stringify(value)}`,
    );
  }
  return [
    [flat[0], flat[1]],
    [flat[2], flat[3]],
  ];
}

const grow = (length: number | null, by: number) => (length === null ? null : length + by);

export interface UpSampling2DArgs extends LayerArgs {
  /** Repeat factor for rows and columns; default 2. */
  size?: number | readonly [number, number];
  /** Only 'nearest' (the default). */
  interpolation?: 'nearest';
}

/** Repeats each pixel size[0] × size[1] times (nearest-neighbour upsampling), by reshape and broadcast. */
export class UpSampling2D extends Layer {
  static readonly optionNames = optionNames<UpSampling2DArgs, LayerArgs>()(['size', 'interpolation']);
  override readonly className = 'UpSampling2D';
  readonly size: [number, number];

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    this.size = toPair(args.size ?? 2, 'UpSampling2D: size');
    if ((args.interpolation ?? 'nearest') !== 'nearest') {
      throw new Error(
        `UpSampling2D: only 'nearest' interpolation is supported, got '${args.interpolation as string}'`,
      );
    }
  }

  override build(): void {
    this.inputSpec = { ndim: 4 };
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    const [n, h, w, c] = x.shape;
    const [sh, sw] = this.size;
    return x
      .reshape([n, h, 1, w, 1, c])
      .broadcastTo([n, h, sh, w, sw, c])
      .reshape([n, h * sh, w * sw, c]);
  }

  override computeOutputShape([b, h, w, c]: SymbolicShape): SymbolicShape {
    return [b, h === null ? null : h * this.size[0], w === null ? null : w * this.size[1], c];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), size: this.size, interpolation: 'nearest' };
  }
}

export interface ZeroPadding2DArgs extends LayerArgs {
  /** A number, [h, w], or [[top, bottom], [left, right]]; default 1. */
  padding?: Margins;
}

/** Adds rows and columns of zeros around each image. */
export class ZeroPadding2D extends Layer {
  static readonly optionNames = optionNames<ZeroPadding2DArgs, LayerArgs>()(['padding']);
  override readonly className = 'ZeroPadding2D';
  readonly padding: [[number, number], [number, number]];

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    this.padding = toMargins('ZeroPadding2D: padding', args.padding ?? 1);
  }

  override build(): void {
    this.inputSpec = { ndim: 4 };
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    return x.pad([[0, 0], this.padding[0], this.padding[1], [0, 0]]);
  }

  override computeOutputShape([b, h, w, c]: SymbolicShape): SymbolicShape {
    const [[t, bo], [l, r]] = this.padding;
    return [b, grow(h, t + bo), grow(w, l + r), c];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), padding: this.padding };
  }
}

export interface Cropping2DArgs extends LayerArgs {
  /** A number, [h, w], or [[top, bottom], [left, right]]; default 0. */
  cropping?: Margins;
}

/** Removes rows and columns at the edges of each image. */
export class Cropping2D extends Layer {
  static readonly optionNames = optionNames<Cropping2DArgs, LayerArgs>()(['cropping']);
  override readonly className = 'Cropping2D';
  readonly cropping: [[number, number], [number, number]];

  constructor(args: Cropping2DArgs = {}) {
    super(args);
    this.cropping = toMargins('Cropping2D: cropping', args.cropping ?? 0);
  }

  override build(inputShape: SymbolicShape): void {
    const [[t, b], [l, r]] = this.cropping;
    const [, h, w] = inputShape;
    if ((h !== null && h <= t + b) || (w !== null && w <= l + r)) {
      throw new Error(
        `${this.label}: cropping ${JSON.stringify(this.cropping)} leaves nothing of ${h}×${w} images`,
      );
    }
    this.inputSpec = { ndim: 4 };
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    const [n, h, w, c] = x.shape;
    const [[t, b], [l, r]] = this.cropping;
    return x.slice([0, t, l, 0], [n, h - t - b, w - l - r, c]);
  }

  override computeOutputShape([b, h, w, c]: SymbolicShape): SymbolicShape {
    const [[t, bo], [l, r]] = this.cropping;
    return [b, grow(h, -(t + bo)), grow(w, -(l + r)), c];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), cropping: this.cropping };
  }
}

registerLayer('UpSampling2D', UpSampling2D);
registerLayer('ZeroPadding2D', ZeroPadding2D);
registerLayer('Cropping2D', Cropping2D);
