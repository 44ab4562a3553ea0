/**
 * A convolution layer as one op: act(conv2d(x, filters) + bias). The forward pass is one
 * backend call (the wasm backend applies bias and ReLU before copying the result out);
 * so is the first-order backward, which needs only the output y (each supported
 * activation's derivative is a function of it). When a graph of the gradient is
 * recorded (createGraph) or tangents flow through it, the same gradients are built from the
 * differentiable convolution ops, so derivatives of any order work.
 */
import { type Op, type OpDef, defineOp } from '../engine';
import { type TypedArray, floatDType, promote } from '../dtype';
import { formatShape, shapesEqual } from '../shape';
import { Tensor, emptyTensor, outputTensor } from '../tensor';
import { getBackend } from '../backend';
import { castData } from '../creation';
import type { WindowGeometry } from '../kernels/conv';
import type { ConvUpstream } from '../kernels/conv-bias-activation';
import { type BiasActivation, throughActivation } from './bias-activation';
import { convolve, convolveFilterGradient, convolveTranspose } from './convolution';
import { type Conv2DOptions, convGeometry, scatterFlatOp, takeFlatOp } from './nn';
import { firstOrderOnly, sumTangents } from './util';
import { ShapeError, ValueError } from '../errors';

interface Attrs {
  geometry: WindowGeometry;
  /** Filters [kernelH, kernelW, inChannels, outChannels]. */
  filterShape: readonly number[];
  activation: BiasActivation;
}

const ACTIVATIONS: readonly BiasActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

/** The inputs' data in one float dtype (float64 wins), so kernels see one array type. */
function common(inputs: readonly Tensor[]): Tensor[] {
  const dtype = floatDType(inputs.map((t) => t.dtype).reduce(promote));
  return inputs.map((t) => (t.dtype === dtype ? t : new Tensor(castData(t.data, dtype), t.shape)));
}

/** The three gradients in one backend call, from either form of the upstream gradient. */
function fusedGradients(
  inputs: readonly Tensor[],
  upstream: (data: (t: Tensor) => TypedArray) => ConvUpstream,
  upstreamTensors: readonly Tensor[],
  { geometry, filterShape, activation }: Attrs,
  needs: readonly boolean[],
): (Tensor | null)[] {
  const [x, w, b, ...rest] = common([...inputs, ...upstreamTensors]);
  // The backend writes each gradient in full.
  const grads = [x, w, b].map((t, i) => (needs[i] ? outputTensor(t.shape, x.dtype) : null));
  const cast = new Map(upstreamTensors.map((t, i) => [t, rest[i]]));
  getBackend().conv2dBiasActivationBackward(
    x.data,
    w.data,
    upstream((t) => cast.get(t)!.data),
    geometry,
    filterShape[3],
    activation,
    { dx: grads[0]?.data ?? null, dFilters: grads[1]?.data ?? null, dBias: grads[2]?.data ?? null },
  );
  return grads;
}

/** The same gradients from the differentiable ops (recorded when createGraph is set). */
function opGradients(
  dy: Tensor,
  [x, w]: readonly Tensor[],
  y: Tensor,
  attrs: Attrs,
  needs: readonly boolean[],
) {
  const dz = throughActivation(dy, y, attrs.activation);
  return [
    needs[0] ? convolveTranspose(dz, w, attrs.geometry) : null,
    needs[1] ? convolveFilterGradient(x, dz, attrs.geometry, attrs.filterShape) : null,
    needs[2] ? dz : null, // the engine sums it over the leading axes
  ];
}

const convDef: OpDef<Attrs> = {
  name: 'conv2dBiasActivation',
  forward: (inputs, { geometry: g, filterShape, activation }) => {
    const [x, w, b] = common(inputs);
    const out = outputTensor([g.batch, g.outH, g.outW, filterShape[3]], x.dtype);
    getBackend().conv2dBiasActivation(x.data, w.data, b.data, g, filterShape[3], activation, out.data);
    return out;
  },
  vjp: (dy, inputs, y, attrs, needs) =>
    firstOrderOnly([...inputs, dy, y])
      ? fusedGradients(inputs, (data) => ({ dy: data(dy), y: data(y) }), [dy, y], attrs, needs)
      : opGradients(dy, inputs, y, attrs, needs),
  // A bias tangent [F] broadcasts over the rest (the engine broadcasts a tangent left at [F]).
  jvp: ([tx, tw, tb], [x, w], y, { geometry, activation }) =>
    throughActivation(
      sumTangents([tx ? convolve(tx, w, geometry) : null, tw ? convolve(x, tw, geometry) : null, tb]),
      y,
      activation,
    ),
};
const conv2dBiasActivationOp = defineOp(convDef);

interface PoolAttrs extends Attrs {
  /** The layer's output, pooled. */
  y: Tensor;
  pool: WindowGeometry;
  /** Flat index in y of each pooled value. */
  argmax: Int32Array;
}

/*
 * maxPool2d(act(conv2d(x, w) + b)) recorded as one node on (x, w, b): its backward
 * scatters the pooled gradient, gated by act' of the pooled values, straight into the
 * convolution's gradients, so the full-size gradient of the layer's output is never
 * allocated. The layer's output keeps its own node for any other use of it.
 */
const convPoolOp: Op<PoolAttrs> = defineOp<PoolAttrs>({
  name: 'maxPool2dOfConv2dBiasActivation',
  forward: (_inputs, { y, pool, argmax }) => {
    const out = outputTensor([pool.batch, pool.outH, pool.outW, pool.channels], y.dtype);
    getBackend().maxPool2d(y.data, pool, out.data, argmax);
    return out;
  },
  vjp: (gp, inputs, p, attrs, needs) => {
    const { y, argmax } = attrs;
    if (firstOrderOnly([...inputs, gp, p])) {
      const upstream = (data: (t: Tensor) => TypedArray): ConvUpstream => ({
        pooledGrad: data(gp),
        pooled: data(p),
        argmax,
        outputSize: y.size,
      });
      return fusedGradients(inputs, upstream, [gp, p], attrs, needs);
    }
    const dy = scatterFlatOp([gp], { indices: argmax, shape: [...y.shape] });
    return opGradients(dy, inputs, y, attrs, needs);
  },
  jvp: (tangents, inputs, p, attrs) => {
    const { y, argmax } = attrs;
    const ty = convDef.jvp!(tangents, inputs, y, attrs);
    const full = shapesEqual(ty.shape, y.shape) ? ty : ty.add(emptyTensor(y.shape, ty.dtype));
    return takeFlatOp([full], { indices: argmax, shape: [...y.shape], outShape: [...p.shape] });
  },
});

/**
 * maxPool2d of `y` over `pool` as one node with the convolution layer that produced
 * `y` (see convPoolOp), or null when y is not such a layer's recorded output.
 */
export function maxPoolOfConvLayer(y: Tensor, pool: WindowGeometry, argmax: Int32Array): Tensor | null {
  const node = y.node;
  if (!node || node.freed || node.op !== (convDef as OpDef<unknown>)) return null;
  return convPoolOp(node.inputs, { ...(node.attrs as Attrs), y, pool, argmax });
}

/**
 * act(conv2d(x, filters, options) + bias): a Conv2D layer's convolution, bias [F] and
 * activation (linear, relu, sigmoid or tanh) as one op.
 * @example conv2dBiasActivation(images, kernel, bias, 'relu', { padding: 'same' })
 */
export function conv2dBiasActivation(
  x: Tensor,
  filters: Tensor,
  bias: Tensor,
  activation: BiasActivation,
  options: Conv2DOptions = {},
): Tensor {
  const geometry = convGeometry('conv2dBiasActivation', x, filters, options);
  if (bias.ndim !== 1 || bias.shape[0] !== filters.shape[3]) {
    throw new ShapeError(
      `conv2dBiasActivation: bias ${formatShape(bias.shape)} must be [${filters.shape[3]}], one per filter of ${formatShape(filters.shape)}`,
    );
  }
  if (!ACTIVATIONS.includes(activation)) {
    throw new ValueError(
      `conv2dBiasActivation: unsupported activation '${activation}' (linear, relu, sigmoid or tanh)`,
    );
  }
  return conv2dBiasActivationOp([x, filters, bias], {
    geometry,
    filterShape: [...filters.shape],
    activation,
  });
}
