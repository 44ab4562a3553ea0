/** Elementwise ops with numpy broadcasting, and their derivative rules. */
import { type Op, defineOp } from '../engine';
import { type DType, floatDType, isFloat, promote } from '../dtype';
import { broadcastShapes } from '../shape';
import { Tensor, type TensorLike, emptyTensor, outputTensor } from '../tensor';
import type { BinaryKernel, UnaryKernel } from '../kernels/elementwise';
import { getBackend } from '../backend';
import { asTensor, expandData, sumTangents } from './util';
import { ValueError } from '../errors';
import { fusedGelu } from './gelu';

function binaryForward(kernel: BinaryKernel, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const shape = broadcastShapes(kernel, a.shape, b.shape);
  const out = outputTensor(shape, dtype);
  const aScalar = a.size === 1;
  const bScalar = b.size === 1;
  getBackend().binary(
    kernel,
    aScalar ? a.data : expandData(a, shape),
    aScalar ? 0 : 1,
    bScalar ? b.data : expandData(b, shape),
    bScalar ? 0 : 1,
    out.data,
  );
  return out;
}

const addOp: Op<undefined> = defineOp({
  name: 'add',
  forward: ([a, b]) => binaryForward('add', a, b, promote(a.dtype, b.dtype)),
  vjp: (g) => [g, g],
  jvp: (t) => sumTangents(t),
});

const subOp: Op<undefined> = defineOp({
  name: 'sub',
  forward: ([a, b]) => binaryForward('sub', a, b, promote(a.dtype, b.dtype)),
  vjp: (g, _x, _o, _a, needs) => [g, needs[1] ? g.neg() : null],
  jvp: ([ta, tb]) => sumTangents([ta, tb ? tb.neg() : null]),
});

// Product rule: d(ab) = da·b + a·db.
const mulOp: Op<undefined> = defineOp({
  name: 'mul',
  forward: ([a, b]) => binaryForward('mul', a, b, promote(a.dtype, b.dtype)),
  vjp: (g, [a, b], _o, _a, needs) => [needs[0] ? g.mul(b) : null, needs[1] ? g.mul(a) : null],
  jvp: ([ta, tb], [a, b]) => sumTangents([ta ? ta.mul(b) : null, tb ? a.mul(tb) : null]),
});

// Quotient rule: d(a/b) = da/b − (a/b)·db/b.
const divOp: Op<undefined> = defineOp({
  name: 'div',
  forward: ([a, b]) => binaryForward('div', a, b, floatDType(promote(a.dtype, b.dtype))),
  vjp: (g, [, b], out, _a, needs) => [needs[0] ? g.div(b) : null, needs[1] ? g.mul(out).div(b).neg() : null],
  jvp: ([ta, tb], [, b], out) => sumTangents([ta, tb ? out.mul(tb).neg() : null]).div(b),
});

// Power rule: d(a^b) = b·a^(b−1)·da + a^b·ln(a)·db. At a = 0 the limits are used (as PyTorch):
// 0^0 has slope 0 (not 0·∞) and 0^b does not change with b (0, not 0·ln 0 = NaN). The base is
// replaced by 1 where the formula would divide by zero, so higher derivatives stay finite too.
const powBaseSlope = (a: Tensor, b: Tensor): Tensor =>
  b.mul(where(a.equal(0).mul(b.equal(0)), 1, a).pow(b.sub(1)));
const powExponentSlope = (a: Tensor, out: Tensor): Tensor => out.mul(where(a.equal(0), 1, a).log());

const powOp: Op<undefined> = defineOp({
  name: 'pow',
  forward: ([a, b]) => binaryForward('pow', a, b, promote(a.dtype, b.dtype)),
  vjp: (g, [a, b], out, _a, needs) => [
    needs[0] ? g.mul(powBaseSlope(a, b)) : null,
    needs[1] ? g.mul(powExponentSlope(a, out)) : null,
  ],
  jvp: ([ta, tb], [a, b], out) =>
    sumTangents([ta ? ta.mul(powBaseSlope(a, b)) : null, tb ? tb.mul(powExponentSlope(a, out)) : null]),
});

// The gradient goes to the larger (smaller) operand; ties go to the first.
function extremumOp(name: 'maximum' | 'minimum', pick: 'greaterEqual' | 'lessEqual') {
  return defineOp({
    name,
    forward: ([a, b]) => binaryForward(name, a, b, promote(a.dtype, b.dtype)),
    vjp: (g, [a, b]) => {
      const mask = compare(pick, a, b, g.dtype);
      return [g.mul(mask), g.mul(mask.neg().add(1))];
    },
    jvp: ([ta, tb], [a, b], out) => {
      const mask = compare(pick, a, b, out.dtype);
      return sumTangents([ta ? ta.mul(mask) : null, tb ? tb.mul(mask.neg().add(1)) : null]);
    },
  });
}
const maximumOp = extremumOp('maximum', 'greaterEqual');
const minimumOp = extremumOp('minimum', 'lessEqual');

/** Comparison masks carry no gradient; they are float (or the given dtype) 0/1 tensors. */
function compare(kernel: BinaryKernel, a: Tensor, b: Tensor, dtype?: DType): Tensor {
  return binaryForward(kernel, a, b, dtype ?? (isFloat(a.dtype) ? a.dtype : 'float32'));
}

/** a + b, broadcasting. */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary(addOp, a, b);
/** a − b, broadcasting. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary(subOp, a, b);
/** a · b elementwise, broadcasting. */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary(mulOp, a, b);
/** a / b elementwise, broadcasting; the result is floating point. */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary(divOp, a, b);
/** a^b elementwise; differentiable in both the base and the exponent. */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary(powOp, a, b);
/** Elementwise maximum. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary(maximumOp, a, b);
/** Elementwise minimum. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary(minimumOp, a, b);

function binary(op: (inputs: Tensor[], attrs: undefined) => Tensor, a: TensorLike, b: TensorLike): Tensor {
  const ta = asTensor(a, b instanceof Tensor ? b : undefined);
  return op([ta, asTensor(b, ta)], undefined);
}

function comparison(kernel: BinaryKernel) {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const ta = asTensor(a, b instanceof Tensor ? b : undefined);
    return compare(kernel, ta, asTensor(b, ta));
  };
}
/** 1 where a = b, else 0 (no gradient). */
export const equal = comparison('equal');
export const notEqual = comparison('notEqual');
export const greater = comparison('greater');
export const greaterEqual = comparison('greaterEqual');
export const less = comparison('less');
export const lessEqual = comparison('lessEqual');

function unaryForward(kernel: UnaryKernel, a: Tensor, dtype: DType = a.dtype): Tensor {
  const out = outputTensor(a.shape, dtype);
  getBackend().unary(kernel, a.data, out.data);
  return out;
}

/** A unary op whose derivative is `g · f'(x)`, with f' written from the input and the output. */
function unaryOp(kernel: UnaryKernel, derivative: (x: Tensor, out: Tensor) => Tensor, float = true) {
  const op = defineOp({
    name: kernel,
    forward: ([a]) => unaryForward(kernel, a, float ? floatDType(a.dtype) : a.dtype),
    vjp: (g, [a], out) => [g.mul(derivative(a, out))],
    jvp: ([t], [a], out) => t!.mul(derivative(a, out)),
  });
  return (a: Tensor): Tensor => op([a], undefined);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** −x. */
export const neg = unaryOp('neg', (x) => asTensor(-1, x), false);
/** |x|; the derivative at 0 is taken as 0. */
export const abs = unaryOp('abs', (x) => sign(x), false);
/** e^x. */
export const exp = unaryOp('exp', (_x, out) => out);
/** Natural logarithm. */
export const log = unaryOp('log', (x) => x.reciprocal());
/** √x; d/dx = 1 / (2√x). */
export const sqrt = unaryOp('sqrt', (_x, out) => out.mul(2).reciprocal());
/** x². */
export const square = unaryOp('square', (x) => x.mul(2), false);
export const sin = unaryOp('sin', (x) => x.cos());
export const cos = unaryOp('cos', (x) => x.sin().neg());
/** tan x; d/dx = 1 + tan² x. */
export const tan = unaryOp('tan', (_x, out) => out.square().add(1));
/**
 * g·f′ for f = tanh or σ written from the output y, one pass: g·(1 − y²) and g·y(1 − y).
 * Differentiable in g and y (∂/∂y: −2gy and g(1 − 2y)), so higher derivatives work.
 */
function outputGradOp(kernel: 'tanhGrad' | 'sigmoidGrad'): Op<undefined> {
  const dy = (g: Tensor, y: Tensor) => (kernel === 'tanhGrad' ? g.mul(y).mul(-2) : g.mul(y.mul(-2).add(1)));
  const op: Op<undefined> = defineOp({
    name: kernel,
    forward: ([g, y]) => binaryForward(kernel, g, y, promote(g.dtype, y.dtype)),
    vjp: (h, [g, y], _o, _a, needs) => [
      needs[0] ? op([h, y], undefined) : null,
      needs[1] ? h.mul(dy(g, y)) : null,
    ],
    jvp: ([tg, ty], [g, y]) =>
      sumTangents([tg ? op([tg, y], undefined) : null, ty ? ty.mul(dy(g, y)) : null]),
  });
  return op;
}
const tanhGrad = outputGradOp('tanhGrad');
const sigmoidGrad = outputGradOp('sigmoidGrad');

/** A unary op whose gradient is one op on (g, output). */
function unaryOutputGradOp(kernel: UnaryKernel, gradient: Op<undefined>) {
  const op = defineOp({
    name: kernel,
    forward: ([a]) => unaryForward(kernel, a, floatDType(a.dtype)),
    vjp: (g, _inputs, out) => [gradient([g, out], undefined)],
    jvp: ([t], _inputs, out) => gradient([t!, out], undefined),
  });
  return (a: Tensor): Tensor => op([a], undefined);
}

/** tanh x; d/dx = 1 − tanh² x. */
export const tanh = unaryOutputGradOp('tanh', tanhGrad);
/** σ(x) = 1 / (1 + e^−x); d/dx = σ(1 − σ). */
export const sigmoid = unaryOutputGradOp('sigmoid', sigmoidGrad);
// The ReLU gradient g·[x > 0] in one pass (rather than step, then mul): linear in g, and
// flat in x (the mask's derivative is zero almost everywhere).
const reluGradOp: Op<undefined> = defineOp({
  name: 'reluGrad',
  forward: ([g, x]) => binaryForward('gatePositive', g, x, promote(g.dtype, x.dtype)),
  vjp: (h, [, x], _o, _a, needs) => [needs[0] ? reluGradOp([h, x], undefined) : null, null],
  jvp: ([tg], [, x], out) => (tg ? reluGradOp([tg, x], undefined) : emptyTensor(out.shape, out.dtype)),
});

const reluOp: Op<undefined> = defineOp({
  name: 'relu',
  forward: ([a]) => unaryForward('relu', a),
  vjp: (g, [a]) => [reluGradOp([g, a], undefined)],
  jvp: ([t], [a]) => reluGradOp([t!, a], undefined),
});

/** max(x, 0). */
export const relu = (a: Tensor): Tensor => reluOp([a], undefined);
/** @internal g·[x > 0], the ReLU gradient (differentiable in g). */
export const reluGrad = (g: Tensor, x: Tensor): Tensor => reluGradOp([g, x], undefined);
/** log(1 + e^x), stable for large |x|; d/dx = σ(x). */
export const softplus = unaryOp('softplus', (x) => sigmoid(x));
/** The error function; d/dx = 2/√π · e^(−x²). */
export const erf = unaryOp('erf', (x) =>
  x
    .square()
    .neg()
    .exp()
    .mul(SQRT_2_OVER_PI * Math.SQRT2),
);

/** −1, 0 or 1 (no gradient). */
export const sign = (a: Tensor): Tensor => unaryForward('sign', a);
/** 1 where x > 0, else 0 (no gradient). */
export const step = (a: Tensor): Tensor => unaryForward('step', a, isFloat(a.dtype) ? a.dtype : 'float32');

/** 1 / x. */
export const reciprocal = (a: Tensor): Tensor => div(1, a);

/** x for x > 0, alpha·x otherwise (Keras default alpha 0.3). */
export function leakyRelu(x: Tensor, alpha = 0.3): Tensor {
  // x · (alpha + (1 − alpha)·step(x)): the mask is constant, so the derivative follows.
  return x.mul(
    step(x)
      .mul(1 - alpha)
      .add(alpha),
  );
}

/** x for x > 0, alpha·(e^x − 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  return where(greater(x, 0), x, minimum(x, 0).exp().sub(1).mul(alpha));
}

/** Gaussian error linear unit, exact form x·Φ(x) = x/2·(1 + erf(x/√2)) (Keras default). */
export function gelu(x: Tensor): Tensor {
  return fusedGelu(x);
}

/** Limits values to [min, max]; the gradient is 1 inside the range and 0 outside. */
export function clip(x: Tensor, min: number, max: number): Tensor {
  if (min > max) throw new ValueError(`clip: min (${min}) is greater than max (${max})`);
  return minimum(maximum(x, min), max);
}

const whereOp: Op<undefined> = defineOp({
  name: 'where',
  forward: ([c, a, b]) => {
    const shape = broadcastShapes('where', broadcastShapes('where', c.shape, a.shape), b.shape);
    const out = emptyTensor(shape, promote(a.dtype, b.dtype));
    getBackend().where(expandData(c, shape), expandData(a, shape), expandData(b, shape), out.data);
    return out;
  },
  vjp: (g, [c], _o, _a, needs) => {
    const mask = c.dtype === g.dtype ? c : c.astype(g.dtype);
    return [null, needs[1] ? g.mul(mask) : null, needs[2] ? g.mul(mask.neg().add(1)) : null];
  },
  jvp: ([, ta, tb], [c], out) => {
    const mask = c.dtype === out.dtype ? c : c.astype(out.dtype);
    return sumTangents([ta ? ta.mul(mask) : null, tb ? tb.mul(mask.neg().add(1)) : null]);
  },
});

/** Picks from `a` where `condition` is non-zero, else from `b` (broadcasting all three). */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const ta = asTensor(a, b instanceof Tensor ? b : undefined);
  return whereOp([condition.detach(), ta, asTensor(b, ta)], undefined);
}
