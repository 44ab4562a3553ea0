/**
 * Image layout. Zen-TS images are NHWC; ONNX's Conv and pooling ops are NCHW. An image
 * value may be held either way: a convolution transposes its input to NCHW only if it
 * is not already, and leaves its output NCHW, so a chain of convolutions, pooling,
 * batch normalisation and activations carries one transpose in and one out.
 */
import type { SymbolicShape } from '../../shapes';
import { type OnnxGraph, type OnnxValue } from './graph';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** The value held NCHW. */
export function channelsFirst(g: OnnxGraph, v: OnnxValue): OnnxValue {
  if (v.channelsFirst) return v;
  if (v.shape.length !== 4)
    throw new Error(`ONNX export: NCHW needs a rank-4 value, got rank ${v.shape.length}`);
  return { ...v, name: g.op('Transpose', [v.name], { perm: TO_NCHW }), channelsFirst: true };
}

/** The value held as Zen-TS sees it (NHWC). */
export function channelsLast(g: OnnxGraph, v: OnnxValue): OnnxValue {
  if (!v.channelsFirst) return v;
  return { ...v, name: g.op('Transpose', [v.name], { perm: TO_NHWC }), channelsFirst: false };
}

/** Where logical axis `axis` (negative counts from the end) lies in the value as stored. */
export function storedAxis(v: OnnxValue, axis: number): number {
  const rank = v.shape.length;
  const a = axis < 0 ? rank + axis : axis;
  return v.channelsFirst ? TO_NCHW.indexOf(a) : a;
}

/** The shape as stored (NCHW for channels-first values). */
export function storedShape(v: OnnxValue): SymbolicShape {
  return v.channelsFirst ? TO_NCHW.map((a) => v.shape[a]) : v.shape;
}
