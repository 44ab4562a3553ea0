/** Window attributes shared by Conv and the pooling ops: TensorFlow's 'same'/'valid' padding in ONNX terms. */
import type { AttrValue } from '../proto';

/**
 * 'valid' is no padding. 'same' pads (out − 1)·stride + span − in in total, the extra
 * one at the bottom/right (TensorFlow's rule); explicit pads when the image size is
 * known, else auto_pad SAME_UPPER, which is the same rule computed at run time.
 */
export function windowAttributes(
  spatial: readonly (number | null)[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  padding: 'valid' | 'same',
): Record<string, AttrValue> {
  const attrs: Record<string, AttrValue> = { kernel_shape: kernel, strides };
  if (padding === 'valid') return { ...attrs, pads: spatial.flatMap(() => [0, 0]) };
  if (spatial.some((d) => d === null)) return { ...attrs, auto_pad: 'SAME_UPPER' };
  const begin: number[] = [];
  const end: number[] = [];
  (spatial as number[]).forEach((size, i) => {
    const out = Math.ceil(size / strides[i]);
    const span = (kernel[i] - 1) * dilations[i] + 1;
    const total = Math.max((out - 1) * strides[i] + span - size, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  });
  return { ...attrs, pads: [...begin, ...end] };
}

/** The window attributes for an NHWC image value (its height and width from the logical shape). */
export function imageWindow(
  image: { readonly shape: readonly (number | null)[] },
  kernel: readonly number[],
  strides: readonly number[],
  padding: 'valid' | 'same',
  dilations: readonly number[] = [1, 1],
): Record<string, AttrValue> {
  return windowAttributes(image.shape.slice(1, 3), kernel, strides, dilations, padding);
}
