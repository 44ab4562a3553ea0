/**
 * conv2dTranspose (a "deconvolution", as tf.conv2dTranspose): the input-gradient of a
 * conv2d used as a forward op, so it upsamples by the stride. Differentiable to any
 * order through the conv2d primitives (ops/convolution.ts).
 */
import { type Tensor } from '../tensor';
import { windowGeometry } from '../kernels/conv';
import { formatShape } from '../shape';
import { ShapeError } from '../errors';
import { convolveTranspose } from './convolution';

export interface Conv2DTransposeOptions {
  /** Upsampling step, a number or [h, w]; default 1. */
  strides?: number | readonly [number, number];
  /** 'valid' (default: output (in − 1)·stride + kernel) or 'same' (output in·stride). */
  padding?: 'valid' | 'same';
}

const pair = (v: number | readonly [number, number]): [number, number] =>
  typeof v === 'number' ? [v, v] : [v[0], v[1]];

/**
 * x [N, H, W, inChannels] with filters [kh, kw, outChannels, inChannels] (tfjs's layout)
 * → [N, outH, outW, outChannels]: each input pixel adds the kernel, scaled, into the output.
 */
export function conv2dTranspose(x: Tensor, filters: Tensor, options: Conv2DTransposeOptions = {}): Tensor {
  if (x.ndim !== 4) {
    throw new ShapeError(
      `conv2dTranspose: input must be NHWC [batch, height, width, channels], got ${formatShape(x.shape)}`,
    );
  }
  if (filters.ndim !== 4 || filters.shape[3] !== x.shape[3]) {
    throw new ShapeError(
      `conv2dTranspose: filters must be [kh, kw, outChannels, inChannels] with inChannels ${x.shape[3]}, got ${formatShape(filters.shape)}`,
    );
  }
  const [kh, kw, outChannels] = filters.shape;
  const strides = pair(options.strides ?? 1);
  const padding = options.padding ?? 'valid';
  const [n, h, w] = x.shape;
  const outH = padding === 'same' ? h * strides[0] : (h - 1) * strides[0] + kh;
  const outW = padding === 'same' ? w * strides[1] : (w - 1) * strides[1] + kw;
  // The conv2d whose input gradient this is maps [n, outH, outW, outChannels] to x's shape.
  const geometry = windowGeometry(
    'conv2dTranspose',
    [n, outH, outW, outChannels],
    [kh, kw],
    strides,
    [1, 1],
    padding,
  );
  return convolveTranspose(x, filters, geometry);
}
