/**
 * A convolution layer as one op: act(conv2d(x, filters) + bias). The forward pass is one
 * backend call (the wasm backend applies bias and ReLU before copying the result out);
 * so is the first-order backward, which needs only the output y (each supported
 * activation's derivative is a function of it). When a graph of the gradient is
 * recorded (createGraph) or tangents flow through it, the same gradients are built from the
 * differentiable convolution ops, so derivatives of any order work.
 */
import { type Op, defineOp, isGradEnabled } from '../engine';
import { floatDType, promote } from '../dtype';
import { formatShape } from '../shape';
import { Tensor, emptyTensor } from '../tensor';
import { getBackend } from '../backend';
import { castData } from '../creation';
import type { WindowGeometry } from '../kernels/conv';
import { type BiasActivation, throughActivation } from './bias-activation';
import { convolve, convolveFilterGradient, convolveTranspose } from './convolution';
import { type Conv2DOptions, convGeometry } from './nn';
import { sumTangents } from './util';
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

/** Whether forward mode gives `t` no tangent (else the gradient's ops must carry it along). */
const withoutTangents = (t: Tensor) => !t.tangents || t.tangents.size === 0;

const conv2dBiasActivationOp: Op<Attrs> = defineOp<Attrs>({
  name: 'conv2dBiasActivation',
  forward: (inputs, { geometry: g, filterShape, activation }) => {
    const [x, w, b] = common(inputs);
    const out = emptyTensor([g.batch, g.outH, g.outW, filterShape[3]], x.dtype);
    getBackend().conv2dBiasActivation(x.data, w.data, b.data, g, filterShape[3], activation, out.data);
    return out;
  },
  vjp: (dy, inputs, y, { geometry, filterShape, activation }, needs) => {
    if (!isGradEnabled() && [...inputs, dy, y].every(withoutTangents)) {
      // First order: the three gradients in one backend call.
      const [x, w, b, g, out] = common([...inputs, dy, y]);
      const grads = {
        dx: needs[0] ? emptyTensor(x.shape, x.dtype) : null,
        dFilters: needs[1] ? emptyTensor(w.shape, x.dtype) : null,
        dBias: needs[2] ? emptyTensor(b.shape, x.dtype) : null,
      };
      getBackend().conv2dBiasActivationBackward(
        x.data,
        w.data,
        out.data,
        g.data,
        geometry,
        filterShape[3],
        activation,
        {
          dx: grads.dx?.data ?? null,
          dFilters: grads.dFilters?.data ?? null,
          dBias: grads.dBias?.data ?? null,
        },
      );
      return [grads.dx, grads.dFilters, grads.dBias];
    }
    const [x, w] = inputs;
    const dz = throughActivation(dy, y, activation);
    return [
      needs[0] ? convolveTranspose(dz, w, geometry) : null,
      needs[1] ? convolveFilterGradient(x, dz, geometry, filterShape) : null,
      needs[2] ? dz : null, // the engine sums it over the leading axes
    ];
  },
  // A bias tangent [F] broadcasts over the rest (the engine broadcasts a tangent left at [F]).
  jvp: ([tx, tw, tb], [x, w], y, { geometry, activation }) =>
    throughActivation(
      sumTangents([tx ? convolve(tx, w, geometry) : null, tw ? convolve(x, tw, geometry) : null, tb]),
      y,
      activation,
    ),
});

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
