/**
 * conv2d as three differentiable primitives, each run by the active backend's
 * convolution kernels (see Kernels.conv2d): the convolution C(x, w), its input
 * gradient I(dy, w) and its filter gradient F(x, dy). All three are bilinear and
 * share one trilinear form ⟨C(x, w), dy⟩ = ⟨x, I(dy, w)⟩ = ⟨w, F(x, dy)⟩, so each
 * one's derivatives are the other two (as TensorFlow's Conv2D, Conv2DBackpropInput
 * and Conv2DBackpropFilter), and gradients of any order follow.
 */
import { type Op, defineOp } from '../engine';
import { promote } from '../dtype';
import { Tensor, emptyTensor } from '../tensor';
import { getBackend } from '../backend';
import { castData } from '../creation';
import type { WindowGeometry } from '../kernels/conv';
import { sumTangents } from './util';

interface ConvAttrs {
  geometry: WindowGeometry;
  /** Filters [kernelH, kernelW, inChannels, outChannels]. */
  filterShape: readonly number[];
}

/** Both operands' data in their common dtype (float64 wins), so kernels see one array type. */
function common(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const dtype = promote(a.dtype, b.dtype);
  const cast = (t: Tensor) => (t.dtype === dtype ? t : new Tensor(castData(t.data, dtype), t.shape));
  return [cast(a), cast(b)];
}

const outChannels = (attrs: ConvAttrs) => attrs.filterShape[3];

// C(x, w): with upstream h, ⟨h, C(x, w)⟩ gives dx = I(h, w) and dw = F(x, h).
const conv2dOp: Op<ConvAttrs> = defineOp<ConvAttrs>({
  name: 'conv2d',
  forward: ([x0, w0], attrs) => {
    const [x, w] = common(x0, w0);
    const g = attrs.geometry;
    const out = emptyTensor([g.batch, g.outH, g.outW, outChannels(attrs)], x.dtype);
    getBackend().conv2d(x.data, w.data, g, outChannels(attrs), out.data);
    return out;
  },
  vjp: (h, [x, w], _o, attrs, needs) => [
    needs[0] ? conv2dBackpropInputOp([h, w], attrs) : null,
    needs[1] ? conv2dBackpropFilterOp([x, h], attrs) : null,
  ],
  jvp: ([tx, tw], [x, w], _o, attrs) =>
    sumTangents([tx ? conv2dOp([tx, w], attrs) : null, tw ? conv2dOp([x, tw], attrs) : null]),
});

// I(dy, w): ⟨h, I(dy, w)⟩ = ⟨C(h, w), dy⟩ = ⟨w, F(h, dy)⟩, so d/d(dy) = C(h, w), d/dw = F(h, dy).
const conv2dBackpropInputOp: Op<ConvAttrs> = defineOp<ConvAttrs>({
  name: 'conv2dBackpropInput',
  forward: ([dy0, w0], attrs) => {
    const [dy, w] = common(dy0, w0);
    const g = attrs.geometry;
    const dx = emptyTensor([g.batch, g.inH, g.inW, g.channels], dy.dtype);
    getBackend().conv2dBackpropInput(dy.data, w.data, g, outChannels(attrs), dx.data);
    return dx;
  },
  vjp: (h, [dy, w], _o, attrs, needs) => [
    needs[0] ? conv2dOp([h, w], attrs) : null,
    needs[1] ? conv2dBackpropFilterOp([h, dy], attrs) : null,
  ],
  jvp: ([tdy, tw], [dy, w], _o, attrs) =>
    sumTangents([
      tdy ? conv2dBackpropInputOp([tdy, w], attrs) : null,
      tw ? conv2dBackpropInputOp([dy, tw], attrs) : null,
    ]),
});

// F(x, dy): ⟨h, F(x, dy)⟩ = ⟨C(x, h), dy⟩ = ⟨x, I(dy, h)⟩, so d/dx = I(dy, h), d/d(dy) = C(x, h).
const conv2dBackpropFilterOp: Op<ConvAttrs> = defineOp<ConvAttrs>({
  name: 'conv2dBackpropFilter',
  forward: ([x0, dy0], attrs) => {
    const [x, dy] = common(x0, dy0);
    const dw = emptyTensor(attrs.filterShape, x.dtype);
    getBackend().conv2dBackpropFilter(x.data, dy.data, attrs.geometry, outChannels(attrs), dw.data);
    return dw;
  },
  vjp: (h, [x, dy], _o, attrs, needs) => [
    needs[0] ? conv2dBackpropInputOp([dy, h], attrs) : null,
    needs[1] ? conv2dOp([x, h], attrs) : null,
  ],
  jvp: ([tx, tdy], [x, dy], _o, attrs) =>
    sumTangents([
      tx ? conv2dBackpropFilterOp([tx, dy], attrs) : null,
      tdy ? conv2dBackpropFilterOp([x, tdy], attrs) : null,
    ]),
});

/**
 * x [N, H, W, C] convolved with filters [kh, kw, C, F] over `geometry` (validated by
 * the caller, conv2d in ops/nn.ts) → [N, outH, outW, F].
 */
export function convolve(x: Tensor, filters: Tensor, geometry: WindowGeometry): Tensor {
  return conv2dOp([x, filters], { geometry, filterShape: [...filters.shape] });
}

/**
 * The adjoint of `convolve` in its input: dy [N, outH, outW, F] and filters
 * [kh, kw, C, F] → [N, inH, inW, C] over `geometry` (a transposed convolution).
 */
export function convolveTranspose(dy: Tensor, filters: Tensor, geometry: WindowGeometry): Tensor {
  return conv2dBackpropInputOp([dy, filters], { geometry, filterShape: [...filters.shape] });
}

/** The gradient of `convolve` with respect to its filters [kh, kw, C, F], from x and dy. */
export function convolveFilterGradient(
  x: Tensor,
  dy: Tensor,
  geometry: WindowGeometry,
  filterShape: readonly number[],
): Tensor {
  return conv2dBackpropFilterOp([x, dy], { geometry, filterShape });
}
