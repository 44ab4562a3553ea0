/** Optimiser tests: a trajectory from autograd and the same from a scalar update rule written by hand. */
import { tensor } from '@zen/autograd-core';
import { type Optimizer } from '@zen/nn';

/**
 * Runs `steps` updates on p (float64) for the loss ½Σ(p − target)², whose gradient is
 * p − target, and returns p after each step. The gradient comes from autograd.
 */
export function run(optimizer: Optimizer, start: number[], target: number[], steps: number): number[][] {
  const p = tensor(start, { dtype: 'float64', requiresGrad: true });
  const t = tensor(target, { dtype: 'float64' });
  const history: number[][] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad([p]);
    p.sub(t).square().sum().mul(0.5).backward();
    optimizer.step([p]);
    history.push(Array.from(p.data));
  }
  return history;
}

/** The same trajectory from a scalar update rule written out by hand. */
export function reference(
  start: number[],
  target: number[],
  steps: number,
  update: (p: number, g: number, state: Record<string, number>, t: number) => number,
): number[][] {
  const states = start.map(() => ({}) as Record<string, number>);
  let p = [...start];
  const history: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    p = p.map((v, i) => update(v, v - target[i], states[i], t));
    history.push([...p]);
  }
  return history;
}

export function expectTrajectory(actual: number[][], expected: number[][]): void {
  actual.forEach((row, s) => row.forEach((v, i) => expect(v).toBeCloseTo(expected[s][i], 12)));
}
