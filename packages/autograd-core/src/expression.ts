/**
 * Turns a mathjs expression such as `'(2*x^2 + 2*y)/4'` into a function of named
 * tensors built from Zen-TS ops, so its result is differentiable like any other graph.
 */
import type { MathNode } from 'mathjs';
import { mathjs } from './mathjs-loader';
import { Tensor } from './tensor';
import { type DType } from './dtype';
import { scalar } from './creation';
import * as ew from './ops/elementwise';
import { ValueError } from './errors';

/** A value while evaluating: a tensor, or a plain number when no tensor is involved (folded in JS). */
type Value = Tensor | number;
type Vars = Readonly<Record<string, Tensor | number>>;
type Evaluate = (vars: Vars) => Value;

/** A compiled expression: call it with a value for each name in `variables`. */
export interface ExpressionFunction {
  (vars: Vars): Tensor;
  /** The variables the expression needs, in order of first appearance. */
  readonly variables: readonly string[];
  /** The source text. */
  readonly expression: string;
}

const CONSTANTS: Record<string, number> = { pi: Math.PI, PI: Math.PI, e: Math.E, E: Math.E };

/** A unary function on tensors and its plain-number counterpart (used for constant folding). */
interface UnaryFunction {
  tensor: (x: Tensor) => Tensor;
  number: (x: number) => number;
}

const sigmoidNumber = (x: number) => 1 / (1 + Math.exp(-x));

const UNARY: Record<string, UnaryFunction> = {
  sin: { tensor: ew.sin, number: Math.sin },
  cos: { tensor: ew.cos, number: Math.cos },
  tan: { tensor: ew.tan, number: Math.tan },
  exp: { tensor: ew.exp, number: Math.exp },
  log: { tensor: ew.log, number: Math.log },
  sqrt: { tensor: ew.sqrt, number: Math.sqrt },
  abs: { tensor: ew.abs, number: Math.abs },
  tanh: { tensor: ew.tanh, number: Math.tanh },
  sigmoid: { tensor: ew.sigmoid, number: sigmoidNumber },
  square: { tensor: ew.square, number: (x) => x * x },
  cube: { tensor: (x) => ew.mul(ew.square(x), x), number: (x) => x * x * x },
  relu: { tensor: ew.relu, number: (x) => (x > 0 ? x : 0) },
  softplus: { tensor: ew.softplus, number: (x) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0) },
  erf: { tensor: ew.erf, number: (x) => ew.erf(scalar(x, { dtype: 'float64' })).item() },
  unaryMinus: { tensor: ew.neg, number: (x) => -x },
  unaryPlus: { tensor: (x) => x, number: (x) => x },
};

/** A binary function on tensors or numbers (numbers are folded in JS). */
interface BinaryFunction {
  tensor: (a: Value, b: Value) => Tensor;
  number: (a: number, b: number) => number;
}

const BINARY: Record<string, BinaryFunction> = {
  add: { tensor: ew.add, number: (a, b) => a + b },
  subtract: { tensor: ew.sub, number: (a, b) => a - b },
  multiply: { tensor: ew.mul, number: (a, b) => a * b },
  dotMultiply: { tensor: ew.mul, number: (a, b) => a * b },
  divide: { tensor: ew.div, number: (a, b) => a / b },
  dotDivide: { tensor: ew.div, number: (a, b) => a / b },
  pow: { tensor: ew.pow, number: Math.pow },
  dotPow: { tensor: ew.pow, number: Math.pow },
  max: { tensor: ew.maximum, number: Math.max },
  min: { tensor: ew.minimum, number: Math.min },
};

/** Function names accepted in expressions (for error messages and docs). */
export const EXPRESSION_FUNCTIONS: readonly string[] = [
  ...Object.keys(UNARY).filter((n) => !n.startsWith('unary')),
  'pow',
  'max',
  'min',
  'log (2 arguments: log(x, base))',
];

function applyUnary(f: UnaryFunction, x: Value): Value {
  return typeof x === 'number' ? f.number(x) : f.tensor(x);
}

function applyBinary(f: BinaryFunction, a: Value, b: Value): Value {
  return typeof a === 'number' && typeof b === 'number' ? f.number(a, b) : f.tensor(a, b);
}

/** Compiles the syntax tree once; unknown functions and unsupported syntax are reported here. */
function compile(node: MathNode, source: string, variables: string[]): Evaluate {
  const fail = (what: string): never => {
    throw new ValueError(`fromExpression: ${what} in '${source}'`);
  };
  switch (node.type) {
    case 'ConstantNode': {
      const value = (node as unknown as { value: unknown }).value;
      if (typeof value !== 'number') fail(`unsupported constant ${JSON.stringify(value)} (only numbers)`);
      return () => value as number;
    }
    case 'ParenthesisNode':
      return compile((node as unknown as { content: MathNode }).content, source, variables);
    case 'SymbolNode': {
      const name = (node as unknown as { name: string }).name;
      if (name in CONSTANTS) {
        const value = CONSTANTS[name];
        return () => value;
      }
      if (!variables.includes(name)) variables.push(name);
      return (vars) => vars[name];
    }
    case 'OperatorNode': {
      const { fn, op, args } = node as unknown as { fn: string; op: string; args: MathNode[] };
      const parts = args.map((a) => compile(a, source, variables));
      if (parts.length === 1 && fn in UNARY) {
        const f = UNARY[fn];
        const [x] = parts;
        return (vars) => applyUnary(f, x(vars));
      }
      if (parts.length === 2 && fn in BINARY) {
        const f = BINARY[fn];
        const [a, b] = parts;
        return (vars) => applyBinary(f, a(vars), b(vars));
      }
      return fail(`unsupported operator '${op}' (${fn})`);
    }
    case 'FunctionNode':
      return compileCall(node, source, variables, fail);
    default:
      return fail(`unsupported syntax (${node.type})`);
  }
}

function compileCall(
  node: MathNode,
  source: string,
  variables: string[],
  fail: (w: string) => never,
): Evaluate {
  const { fn, args } = node as unknown as { fn: MathNode; args: MathNode[] };
  if (fn.type !== 'SymbolNode') return fail('unsupported call of a computed function');
  const name = (fn as unknown as { name: string }).name;
  const parts = args.map((a) => compile(a, source, variables));
  if (name in UNARY && !name.startsWith('unary')) {
    const f = UNARY[name];
    if (name === 'log' && parts.length === 2) {
      // log(x, base) = ln x / ln base, as mathjs.
      const [x, base] = parts;
      return (vars) => applyBinary(BINARY.divide, applyUnary(f, x(vars)), applyUnary(f, base(vars)));
    }
    if (parts.length !== 1) fail(`function '${name}' takes 1 argument, got ${parts.length}`);
    const [x] = parts;
    return (vars) => applyUnary(f, x(vars));
  }
  if (name === 'max' || name === 'min') {
    if (parts.length < 2) fail(`function '${name}' needs at least 2 arguments, got ${parts.length}`);
    const f = BINARY[name];
    return (vars) => parts.slice(1).reduce((acc, p) => applyBinary(f, acc, p(vars)), parts[0](vars));
  }
  if (name === 'pow') {
    if (parts.length !== 2) fail(`function 'pow' takes 2 arguments, got ${parts.length}`);
    const [a, b] = parts;
    return (vars) => applyBinary(BINARY.pow, a(vars), b(vars));
  }
  return fail(`unknown function '${name}' (known: ${EXPRESSION_FUNCTIONS.join(', ')})`);
}

/**
 * Parses a mathjs expression into a differentiable function of named tensors or numbers.
 * Supports + − * / ^ (and .* ./ .^), unary minus, parentheses, numbers, `pi` and `e`, and the
 * functions sin cos tan exp log sqrt abs tanh sigmoid square cube relu softplus erf pow,
 * and max/min of two or more arguments. Numbers given as variables are constants (no gradient).
 * @example
 * const f = fromExpression('(2*x^2 + 2*y)/4');
 * f.variables; // ['x', 'y']
 * const [gx, gy] = grad((x, y) => f({ x, y }))(tensor(3), tensor(1)); // x and 0.5
 */
export function fromExpression(expression: string): ExpressionFunction {
  if (typeof expression !== 'string') throw new ValueError('fromExpression: expected a string expression');
  let tree: MathNode;
  try {
    tree = mathjs().parse(expression);
  } catch (e) {
    throw new ValueError(`fromExpression: cannot parse '${expression}': ${(e as Error).message}`, {
      cause: e,
    });
  }
  const variables: string[] = [];
  const evaluate = compile(tree, expression, variables);
  const run = (vars: Vars): Tensor => {
    if (typeof vars !== 'object' || vars === null) {
      throw new ValueError(`fromExpression: call with an object of variables { ${variables.join(', ')} }`);
    }
    const missing = variables.filter((v) => !Object.prototype.hasOwnProperty.call(vars, v));
    if (missing.length > 0) {
      throw new ValueError(
        `fromExpression: unknown symbol${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} ` +
          `in '${expression}' (not supplied; the expression needs ${variables.join(', ')})`,
      );
    }
    let dtype: DType = 'float32';
    for (const v of variables) {
      const value = vars[v];
      if (value instanceof Tensor) {
        if (dtype === 'float32' && value.dtype === 'float64') dtype = 'float64';
      } else if (typeof value !== 'number') {
        throw new ValueError(
          `fromExpression: variable '${v}' must be a Tensor or a number, got ${typeof value}`,
        );
      }
    }
    const result = evaluate(vars);
    return typeof result === 'number' ? scalar(result, { dtype }) : result;
  };
  return Object.assign(run, { variables: Object.freeze([...variables]), expression });
}
