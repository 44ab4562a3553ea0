/**
 * The worked example of the autodiff post: f(x, y) = (2x² + 2y) / 4, whose partial
 * derivatives are ∂f/∂x = x and ∂f/∂y = 1/2. Computed three ways — reverse mode,
 * forward mode (dual numbers) and a mathjs expression turned into a graph — and
 * printed beside mathjs's symbolic derivative.
 */
import { derivative } from 'mathjs';
import { type Tensor, fromExpression, grad, jvp, scalar } from '@zen/autograd-core';
import { runMain } from './lib/cli';

const EXPRESSION = '(2*x^2 + 2*y)/4';
const f = (x: Tensor, y: Tensor): Tensor => x.pow(2).mul(2).add(y.mul(2)).div(4);

export function main(point = { x: 3, y: 4 }) {
  const x = scalar(point.x, { dtype: 'float64' });
  const y = scalar(point.y, { dtype: 'float64' });

  // Reverse mode: one backward pass gives both partial derivatives.
  const [dxReverse, dyReverse] = grad(f)(x, y).map((g) => g.item());

  // Forward mode: one pass per input direction, carrying a tangent (the ε part of a + bε).
  const [, dxForward] = jvp(f, [x, y], [scalar(1, { dtype: 'float64' }), scalar(0, { dtype: 'float64' })]);
  const [, dyForward] = jvp(f, [x, y], [scalar(0, { dtype: 'float64' }), scalar(1, { dtype: 'float64' })]);

  // The same function parsed from text by mathjs, then differentiated by Zen-TS.
  const parsed = fromExpression(EXPRESSION);
  const [dxParsed, dyParsed] = grad((a: Tensor, b: Tensor) => parsed({ x: a, y: b }))(x, y).map((g) =>
    g.item(),
  );

  // mathjs's symbolic derivatives, evaluated at the same point: the oracle.
  const symbolicX = derivative(EXPRESSION, 'x');
  const symbolicY = derivative(EXPRESSION, 'y');
  const dxSymbolic = symbolicX.evaluate(point) as number;
  const dySymbolic = symbolicY.evaluate(point) as number;

  console.log(`f(x, y) = ${EXPRESSION} at x = ${point.x}, y = ${point.y}: f = ${f(x, y).item()}`);
  console.log('              ∂f/∂x    ∂f/∂y');
  console.log(`reverse mode  ${dxReverse.toString().padEnd(8)} ${dyReverse}`);
  console.log(`forward mode  ${dxForward.item().toString().padEnd(8)} ${dyForward.item()}`);
  console.log(`expression    ${dxParsed.toString().padEnd(8)} ${dyParsed}`);
  console.log(
    `symbolic      ${dxSymbolic.toString().padEnd(8)} ${dySymbolic}    (mathjs: ∂f/∂x = ${symbolicX}, ∂f/∂y = ${symbolicY})`,
  );
  return {
    reverse: [dxReverse, dyReverse],
    forward: [dxForward.item(), dyForward.item()],
    expression: [dxParsed, dyParsed],
    symbolic: [dxSymbolic, dySymbolic],
  };
}

if (require.main === module) runMain(() => main());
