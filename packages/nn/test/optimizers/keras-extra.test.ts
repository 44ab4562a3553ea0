/**
 * Nadam, Adadelta, Adamax and Lion: the first steps on ½Σ(p − target)² (gradient from
 * autograd) against the update rules written out by hand, scalar by scalar, with Keras's defaults.
 */
import { Adadelta, Adamax, Lion, Nadam, Sequential, Dense, getOptimizer } from '@zen/nn';
import { tensor } from '@zen/autograd-core';
import { expectTrajectory, reference, run } from './trajectory';

const start = [1, -2, 0.5];
const target = [0, 1, 0.25];

describe('Keras optimisers: first steps against hand-written updates', () => {
  test('Adamax: first step moves each weight by lr (m/(1−β₁) = g, u = |g|)', () => {
    const traj = run(new Adamax({ learningRate: 0.01 }), start, target, 3);
    // Step 1 by hand: m = 0.1g, u = |g|, alpha = 0.01/0.1 → p − 0.01·g/(|g| + 1e-7).
    expect(traj[0][0]).toBeCloseTo(1 - 0.01 / (1 + 1e-7), 12);
    expectTrajectory(
      traj,
      reference(start, target, 3, (p, g, s, t) => {
        s.m = 0.9 * (s.m ?? 0) + 0.1 * g;
        s.u = Math.max(0.999 * (s.u ?? 0), Math.abs(g));
        return p - ((0.01 / (1 - 0.9 ** t)) * s.m) / (s.u + 1e-7);
      }),
    );
  });

  test('Nadam (Keras momentum schedule)', () => {
    const mu = (t: number) => 0.9 * (1 - 0.5 * 0.96 ** (0.004 * t));
    const products = [1];
    for (let t = 1; t <= 5; t++) products.push(products[t - 1] * mu(t));
    expectTrajectory(
      run(new Nadam({ learningRate: 0.02 }), start, target, 4),
      reference(start, target, 4, (p, g, s, t) => {
        s.m = 0.9 * (s.m ?? 0) + 0.1 * g;
        s.v = 0.999 * (s.v ?? 0) + 0.001 * g * g;
        const mHat = (mu(t + 1) * s.m) / (1 - products[t + 1]) + ((1 - mu(t)) * g) / (1 - products[t]);
        const vHat = s.v / (1 - 0.999 ** t);
        return p - (0.02 * mHat) / (Math.sqrt(vHat) + 1e-7);
      }),
    );
  });

  test('Adadelta (rho 0.95, epsilon 1e-7; lr 1 makes the step visible)', () => {
    const traj = run(new Adadelta({ learningRate: 1 }), start, target, 3);
    // Step 1 by hand for p = 1, g = 1: a = 0.05, Δ = −√1e-7/√(0.05 + 1e-7).
    expect(traj[0][0]).toBeCloseTo(1 - Math.sqrt(1e-7) / Math.sqrt(0.05 + 1e-7), 12);
    expectTrajectory(
      traj,
      reference(start, target, 3, (p, g, s) => {
        s.a = 0.95 * (s.a ?? 0) + 0.05 * g * g;
        const delta = (-Math.sqrt((s.d ?? 0) + 1e-7) / Math.sqrt(s.a + 1e-7)) * g;
        s.d = 0.95 * (s.d ?? 0) + 0.05 * delta * delta;
        return p + delta;
      }),
    );
  });

  test('Lion: steps of exactly lr in the sign direction', () => {
    const traj = run(new Lion({ learningRate: 0.1 }), start, target, 3);
    expectTrajectory([traj[0]], [[0.9, -1.9, 0.4]]);
    expectTrajectory(
      traj,
      reference(start, target, 3, (p, g, s) => {
        const next = p - 0.1 * Math.sign(0.9 * (s.m ?? 0) + 0.1 * g);
        s.m = 0.99 * (s.m ?? 0) + 0.01 * g;
        return next;
      }),
    );
  });

  test('Keras defaults, names in compile, configs and option checks', () => {
    expect(new Nadam().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(new Adadelta().getConfig()).toEqual({ learningRate: 0.001, rho: 0.95, epsilon: 1e-7 });
    expect(new Adamax().getConfig()).toEqual({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
    expect(new Lion().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.99 });
    for (const name of ['nadam', 'adadelta', 'adamax', 'lion']) {
      expect(getOptimizer(name).className.toLowerCase()).toBe(name);
    }
    const model = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    expect(() => model.compile({ optimizer: 'lion', loss: 'mse' })).not.toThrow();
    expect(() => new Lion({ beta_1: 0.5 } as never)).toThrow("did you mean 'beta1'?");
    expect(() => new Nadam({ beta2: 1 })).toThrow('Nadam: beta2 must be in [0, 1), got 1');
  });
});

describe('Keras optimisers: the state they keep is declared, so a saved file naming other state is refused', () => {
  test.each([
    ['Adamax', () => new Adamax(), ['m', 'u']],
    ['Nadam', () => new Nadam(), ['m', 'v']],
    ['Adadelta', () => new Adadelta(), ['accumulatedGrad', 'accumulatedDelta']],
    ['Lion', () => new Lion(), ['m']],
  ])('%s', (name, make, slots) => {
    const optimizer = make();
    const param = tensor([1, -2, 0.5], { requiresGrad: true });
    param.square().sum().backward();
    optimizer.step([param]);
    const state = optimizer.getState([param]);
    expect(state.slots.map((s) => s.name).sort()).toEqual([...slots].sort());
    expect(optimizer.slotNames).toEqual(slots);
    const foreign = { ...state, slots: [{ ...state.slots[0], name: 'velocity' }] };
    expect(() => make().setState([param], foreign)).toThrow(`${name}.setState: unknown state 'velocity'`);
  });
});
