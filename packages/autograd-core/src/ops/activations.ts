/**
 * Keras activations as ops: selu, silu (swish), relu6, softsign, mish, hardSigmoid.
 * Each forward is one kernel pass; the derivative rules are written with Tensor ops from
 * the input and the output, so they serve reverse mode, forward mode and higher orders.
 */
import { defineOp } from '../engine';
import { floatDType } from '../dtype';
import { type Tensor, emptyTensor } from '../tensor';
import { type ActivationKernel, SELU_ALPHA, SELU_SCALE } from '../kernels/activations';
import { getBackend } from '../backend';
import { sigmoid, softplus, where } from './elementwise';
import { ValueError } from '../errors';

interface Slope {
  slope: number;
  offset: number;
}

/** A unary activation whose derivative is `g · f'(x)`, with f' written from the input, output and attrs. */
function activationOp<A extends Slope | undefined>(
  kernel: ActivationKernel,
  derivative: (x: Tensor, out: Tensor, attrs: A) => Tensor,
) {
  return defineOp<A>({
    name: kernel,
    forward: ([a], attrs) => {
      const out = emptyTensor(a.shape, floatDType(a.dtype));
      getBackend().activation(kernel, a.data, out.data, attrs?.slope, attrs?.offset);
      return out;
    },
    vjp: (g, [a], out, attrs) => [g.mul(derivative(a, out, attrs))],
    jvp: ([t], [a], out, attrs) => t!.mul(derivative(a, out, attrs)),
  });
}

// For x ≤ 0, selu(x) = s·α·(e^x − 1), so its slope s·α·e^x is the output plus s·α.
const seluOp = activationOp<undefined>('selu', (x, out) =>
  where(x.greater(0), SELU_SCALE, out.add(SELU_SCALE * SELU_ALPHA)),
);

// d/dx x·σ(x) = σ + x·σ·(1 − σ) = σ + out·(1 − σ).
const siluOp = activationOp<undefined>('silu', (x, out) => {
  const s = sigmoid(x);
  return s.add(out.mul(s.neg().add(1)));
});

const relu6Op = activationOp<undefined>('relu6', (x) => x.greater(0).mul(x.less(6)));

// d/dx x/(1 + |x|) = 1/(1 + |x|)².
const softsignOp = activationOp<undefined>('softsign', (x) => x.abs().add(1).square().reciprocal());

// d/dx x·tanh(softplus(x)) = t + x·(1 − t²)·σ(x), with t = tanh(softplus(x)).
const mishOp = activationOp<undefined>('mish', (x) => {
  const t = softplus(x).tanh();
  return t.add(x.mul(t.square().neg().add(1)).mul(sigmoid(x)));
});

// The slope inside the linear segment, 0 where the output is clipped.
const hardSigmoidOp = activationOp<Slope>('hardSigmoid', (x, _out, { slope, offset }) => {
  const y = x.mul(slope).add(offset);
  return y.greater(0).mul(y.less(1)).mul(slope);
});

/** Scaled exponential linear unit: s·x for x > 0, s·α·(e^x − 1) otherwise (s ≈ 1.0507, α ≈ 1.6733). */
export const selu = (x: Tensor): Tensor => seluOp([x], undefined);
/** Sigmoid-weighted linear unit x·σ(x) (Keras's silu and swish). */
export const silu = (x: Tensor): Tensor => siluOp([x], undefined);
/** The same function as `silu` under TensorFlow.js's name. */
export const swish = silu;
/** min(max(x, 0), 6). */
export const relu6 = (x: Tensor): Tensor => relu6Op([x], undefined);
/** x / (1 + |x|). */
export const softsign = (x: Tensor): Tensor => softsignOp([x], undefined);
/** x·tanh(softplus(x)) (Misra 2019). */
export const mish = (x: Tensor): Tensor => mishOp([x], undefined);

/**
 * Piecewise-linear sigmoid clip(slope·x + offset, 0, 1). The defaults are TensorFlow.js's
 * (and Keras 2's) 0.2x + 0.5; Keras 3 uses relu6(x + 3)/6, i.e. slope 1/6.
 */
export function hardSigmoid(x: Tensor, slope = 0.2, offset = 0.5): Tensor {
  if (!(slope > 0)) throw new ValueError(`hardSigmoid: slope must be positive, got ${slope}`);
  return hardSigmoidOp([x], { slope, offset });
}
