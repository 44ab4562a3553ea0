/**
 * One list of ops: the package's exports. Every exported function is an op with cases in
 * the op table, or is named here as not an op; every Tensor method is an exported op, or
 * is named here as a Tensor member that is not one. A new op that skips the table, or a
 * method with no op behind it, fails here.
 */
import * as core from '@zen/autograd-core';
import { OP_CASES } from './op-cases';

/** Exported functions that are not tensor ops: creation, randomness, transforms, backends, helpers. */
const NOT_OPS = new Set([
  'broadcastShapes',
  'sizeOf',
  'tensor',
  'tensor1d',
  'tensor2d',
  'tensor3d',
  'tensor4d',
  'scalar',
  'zeros',
  'ones',
  'full',
  'zerosLike',
  'onesLike',
  'arange',
  'linspace',
  'eye',
  'rand',
  'randn',
  'randint',
  'setSeed',
  'random',
  'randomNormal',
  'makeGenerator',
  'shuffleInPlace',
  'noGrad',
  'isGradEnabled',
  'withGradMode',
  'scratchScope',
  'keepGradients',
  'gradientStore',
  'adoptGradient',
  'defineOp',
  'grad',
  'valueAndGrad',
  'vjp',
  'jvp',
  'jacobian',
  'hessian',
  'gradcheck',
  'gradgradcheck',
  'setBackend',
  'getBackend',
  'registerBackend',
  'listBackends',
  'ready',
  'registerKernel',
  'getKernel',
  'fromExpression',
  'checkOptions',
  'nearestName',
  'firstNonFinite',
]);

/** Tensor members that are not ops. */
const NOT_OP_MEMBERS = new Set([
  'constructor',
  'data',
  'ndim',
  'size',
  'isLeaf',
  'toArray',
  'item',
  'clone',
  'detach',
  'toString',
  'zeroGrad',
  'backward',
  'dataSync',
  'arraySync',
  'print',
]);

const exportedFunctions = Object.entries(core)
  .filter(([name, value]) => typeof value === 'function' && /^[a-z]/.test(name))
  .map(([name]) => name);

test('every exported op has cases in the op table', () => {
  const withCases = new Set(OP_CASES.map((c) => c.op));
  expect(exportedFunctions.filter((name) => !NOT_OPS.has(name) && !withCases.has(name))).toEqual([]);
});

test('every Tensor method is an exported op', () => {
  const members = Object.getOwnPropertyNames(core.Tensor.prototype);
  expect(members.filter((m) => !NOT_OP_MEMBERS.has(m) && !exportedFunctions.includes(m))).toEqual([]);
});

test('the lists of exceptions name only things that exist', () => {
  expect([...NOT_OPS].filter((name) => !exportedFunctions.includes(name))).toEqual([]);
  const members = Object.getOwnPropertyNames(core.Tensor.prototype);
  expect([...NOT_OP_MEMBERS].filter((m) => !members.includes(m))).toEqual([]);
});
