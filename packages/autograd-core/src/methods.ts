/**
 * Chainable Tensor methods (`x.mul(2).add(1).sum()`). Each forwards to the free
 * function of the same name, so there is one implementation of every op.
 */
import { type Axis, Tensor, type TensorLike } from './tensor';
import { type DType } from './dtype';
import { type Shape } from './shape';
import { type BackwardOptions, backward } from './engine';
import * as ew from './ops/elementwise';
import * as red from './ops/reduce';
import * as sh from './ops/shape';
import * as mm from './ops/matmul';
import * as nn from './ops/nn';
import * as band from './ops/band';

declare module './tensor' {
  interface Tensor {
    /** Backpropagates from this tensor (a scalar, or pass `grad`), filling leaves' `.grad`. */
    backward(grad?: Tensor, options?: BackwardOptions): void;
    add(b: TensorLike): Tensor;
    sub(b: TensorLike): Tensor;
    mul(b: TensorLike): Tensor;
    div(b: TensorLike): Tensor;
    pow(b: TensorLike): Tensor;
    maximum(b: TensorLike): Tensor;
    minimum(b: TensorLike): Tensor;
    equal(b: TensorLike): Tensor;
    notEqual(b: TensorLike): Tensor;
    greater(b: TensorLike): Tensor;
    greaterEqual(b: TensorLike): Tensor;
    less(b: TensorLike): Tensor;
    lessEqual(b: TensorLike): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tan(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    leakyRelu(alpha?: number): Tensor;
    elu(alpha?: number): Tensor;
    gelu(): Tensor;
    softplus(): Tensor;
    erf(): Tensor;
    clip(min: number, max: number): Tensor;
    sum(axis?: Axis, keepDims?: boolean): Tensor;
    mean(axis?: Axis, keepDims?: boolean): Tensor;
    max(axis?: Axis, keepDims?: boolean): Tensor;
    min(axis?: Axis, keepDims?: boolean): Tensor;
    variance(axis?: Axis, keepDims?: boolean): Tensor;
    logSumExp(axis?: Axis, keepDims?: boolean): Tensor;
    argmax(axis?: number): Tensor;
    argmin(axis?: number): Tensor;
    matmul(b: Tensor): Tensor;
    reshape(shape: Shape): Tensor;
    flatten(startAxis?: number): Tensor;
    transpose(perm?: readonly number[]): Tensor;
    permute(perm: readonly number[]): Tensor;
    expandDims(axis: number): Tensor;
    squeeze(axis?: number | number[]): Tensor;
    broadcastTo(shape: Shape): Tensor;
    slice(begin: readonly number[], size?: readonly number[]): Tensor;
    pad(paddings: readonly (readonly [number, number])[]): Tensor;
    split(sizes: number | readonly number[], axis?: number): Tensor[];
    gather(indices: Tensor | readonly number[], axis?: number): Tensor;
    astype(dtype: DType): Tensor;
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    triu(k?: number): Tensor;
    tril(k?: number): Tensor;
  }
}

// Method name → free function taking the tensor first; argument orders match.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const methods: Record<string, (...args: any[]) => unknown> = {
  backward,
  ...pick(ew, ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'notEqual', 'greater']),
  ...pick(ew, ['greaterEqual', 'less', 'lessEqual', 'neg', 'abs', 'sign', 'exp', 'log', 'sqrt', 'square']),
  ...pick(ew, [
    'reciprocal',
    'sin',
    'cos',
    'tan',
    'tanh',
    'sigmoid',
    'relu',
    'leakyRelu',
    'elu',
    'gelu',
    'softplus',
  ]),
  ...pick(ew, ['erf', 'clip']),
  ...pick(red, ['sum', 'mean', 'max', 'min', 'variance', 'logSumExp', 'argmax', 'argmin']),
  matmul: mm.matmul,
  ...pick(sh, [
    'reshape',
    'flatten',
    'transpose',
    'permute',
    'expandDims',
    'squeeze',
    'broadcastTo',
    'slice',
  ]),
  ...pick(sh, ['pad', 'split', 'gather', 'astype']),
  softmax: nn.softmax,
  logSoftmax: nn.logSoftmax,
  ...pick(band, ['triu', 'tril']),
};

function pick<M extends object, K extends keyof M>(module: M, names: K[]): Pick<M, K> {
  const out = {} as Pick<M, K>;
  for (const name of names) out[name] = module[name];
  return out;
}

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      return fn(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}
