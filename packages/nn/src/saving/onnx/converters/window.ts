/** Window attributes shared by Conv and the pooling ops: TensorFlow's 'same'/'valid' padding in ONNX terms. */
import type { AttrValue } from '../proto';
import type { OnnxValue } from '../graph';

/**
 * 'valid' is no padding. 'same' pads (out − 1)·stride + span − in in total, the extra
 * one at the bottom/right (TensorFlow's rule); explicit pads when the image size is
 * known, else auto_pad SAME_UPPER, which is the same rule computed at run time.
 */
export function windowAttributes(
  input: OnnxValue,
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  padding: 'valid' | 'same',
): Record<string, AttrValue> {
  const attrs: Record<string, AttrValue> = { kernel_shape: kernel, strides };
  if (padding === 'valid') return { ...attrs, pads: [0, 0, 0, 0] };
  const [, h, w] = input.shape; // NHWC
  if (h === null || w === null) return { ...attrs, auto_pad: 'SAME_UPPER' };
  const begin: number[] = [];
  const end: number[] = [];
  [h, w].forEach((size, i) => {
    const out = Math.ceil(size / strides[i]);
    const span = (kernel[i] - 1) * dilations[i] + 1;
    const total = Math.max((out - 1) * strides[i] + span - size, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  });
  return { ...attrs, pads: [...begin, ...end] };
}
