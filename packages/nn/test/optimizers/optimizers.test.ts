import { type Tensor, tensor } from '@zen/autograd-core';
import { Adagrad, Adam, AdamW, Momentum, RMSProp, SGD, getOptimizer } from '@zen/nn';
import { expectTrajectory, reference, run } from './trajectory';
const start = [1, -2, 0.5];
const target = [0, 1, 0.5 - 1e-3];

describe('optimizers: first steps against hand-written updates', () => {
  test('SGD: p ← p − lr·g (first step by hand: 1 − 0.1·1 = 0.9)', () => {
    const traj = run(new SGD({ learningRate: 0.1 }), start, target, 3);
    expect(traj[0][0]).toBeCloseTo(0.9, 14);
    expect(traj[0][1]).toBeCloseTo(-2 + 0.1 * 3, 14);
    expectTrajectory(
      traj,
      reference(start, target, 3, (p, g) => p - 0.1 * g),
    );
  });

  test('SGD with momentum and with Nesterov (Keras formulas)', () => {
    const m = 0.9;
    const lr = 0.05;
    expectTrajectory(
      run(new SGD({ learningRate: lr, momentum: m }), start, target, 3),
      reference(start, target, 3, (p, g, s) => {
        s.v = m * (s.v ?? 0) - lr * g;
        return p + s.v;
      }),
    );
    expectTrajectory(
      run(new SGD({ learningRate: lr, momentum: m, nesterov: true }), start, target, 3),
      reference(start, target, 3, (p, g, s) => {
        s.v = m * (s.v ?? 0) - lr * g;
        return p + m * s.v - lr * g;
      }),
    );
  });

  test("Momentum (Zen's v ← βv + lr·g, p ← p − v)", () => {
    const traj = run(new Momentum({ learningRate: 0.1, momentum: 0.5 }), [1], [0], 2);
    // By hand: g=1, v=0.1, p=0.9; then g=0.9, v=0.05+0.09=0.14, p=0.76.
    expect(traj[0][0]).toBeCloseTo(0.9, 14);
    expect(traj[1][0]).toBeCloseTo(0.76, 14);
  });

  test('RMSProp (rho 0.9, epsilon 1e-7 by default)', () => {
    const opt = new RMSProp({ learningRate: 0.01 });
    expect([opt.rho, opt.epsilon]).toEqual([0.9, 1e-7]);
    const traj = run(opt, start, target, 3);
    // First step by hand: a = 0.1·g², step = 0.01·g/(√0.1·|g|) = 0.01/√0.1 ≈ 0.0316 against the gradient.
    expect(traj[0][0]).toBeCloseTo(1 - 0.01 / (Math.sqrt(0.1) + 1e-7), 12);
    expectTrajectory(
      traj,
      reference(start, target, 3, (p, g, s) => {
        s.a = 0.9 * (s.a ?? 0) + 0.1 * g * g;
        return p - (0.01 * g) / (Math.sqrt(s.a) + 1e-7);
      }),
    );
  });

  test('Adam with bias correction: the first step is ≈ lr·sign(g) whatever the gradient scale', () => {
    const opt = new Adam({ learningRate: 0.01 });
    expect([opt.beta1, opt.beta2, opt.epsilon]).toEqual([0.9, 0.999, 1e-7]);
    const traj = run(opt, start, target, 3);
    expect(traj[0][0]).toBeCloseTo(1 - 0.01, 6); // g = 1
    expect(traj[0][1]).toBeCloseTo(-2 + 0.01, 6); // g = −3
    expect(traj[0][2]).toBeCloseTo(0.5 - 0.01, 4); // g = 1e-3: still a full step
    expectTrajectory(
      traj,
      reference(start, target, 3, (p, g, s, t) => {
        s.m = 0.9 * (s.m ?? 0) + 0.1 * g;
        s.v = 0.999 * (s.v ?? 0) + 0.001 * g * g;
        const alpha = (0.01 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
        return p - (alpha * s.m) / (Math.sqrt(s.v) + 1e-7);
      }),
    );
  });

  test('AdamW decays the weights before the Adam step', () => {
    const lr = 0.01;
    const wd = 0.1;
    expectTrajectory(
      run(new AdamW({ learningRate: lr, weightDecay: wd }), start, target, 3),
      reference(start, target, 3, (p, g, s, t) => {
        const decayed = p * (1 - lr * wd);
        s.m = 0.9 * (s.m ?? 0) + 0.1 * g;
        s.v = 0.999 * (s.v ?? 0) + 0.001 * g * g;
        const alpha = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
        return decayed - (alpha * s.m) / (Math.sqrt(s.v) + 1e-7);
      }),
    );
  });

  test('Adagrad (initial accumulator 0.1)', () => {
    const traj = run(new Adagrad({ learningRate: 0.1 }), start, target, 3);
    expect(traj[0][0]).toBeCloseTo(1 - (0.1 * 1) / Math.sqrt(1.1 + 1e-7), 12);
    expectTrajectory(
      traj,
      reference(start, target, 3, (p, g, s) => {
        s.a = (s.a ?? 0.1) + g * g;
        return p - (0.1 * g) / Math.sqrt(s.a + 1e-7);
      }),
    );
  });
});

describe('optimizer mechanics', () => {
  test('Keras defaults: SGD 0.01, Adam/RMSProp/Adagrad 0.001', () => {
    expect(new SGD().learningRate).toBe(0.01);
    expect(new Adam().learningRate).toBe(0.001);
    expect(new RMSProp().learningRate).toBe(0.001);
    expect(new Adagrad().learningRate).toBe(0.001);
  });

  test('clipValue clamps each element and clipNorm rescales each gradient', () => {
    const p = tensor([0, 0], { dtype: 'float64' });
    p.grad = tensor([3, -4], { dtype: 'float64' });
    new SGD({ learningRate: 1, clipValue: 1 }).step([p]);
    expect(Array.from(p.data)).toEqual([-1, 1]);
    const q = tensor([0, 0], { dtype: 'float64' });
    q.grad = tensor([3, -4], { dtype: 'float64' }); // norm 5
    new SGD({ learningRate: 1, clipNorm: 1 }).step([q]);
    expect(q.data[0]).toBeCloseTo(-0.6, 12);
    expect(q.data[1]).toBeCloseTo(0.8, 12);
    expect(Array.from(q.grad.data)).toEqual([3, -4]); // the gradient itself is untouched
  });

  test('globalClipNorm rescales all gradients together', () => {
    const a = tensor([0], { dtype: 'float64' });
    const b = tensor([0], { dtype: 'float64' });
    a.grad = tensor([3], { dtype: 'float64' });
    b.grad = tensor([4], { dtype: 'float64' });
    new SGD({ learningRate: 1, globalClipNorm: 2.5 }).step([a, b]);
    expect(a.data[0]).toBeCloseTo(-1.5, 12);
    expect(b.data[0]).toBeCloseTo(-2, 12);
  });

  test('parameters without gradients are skipped; zeroGrad clears; iterations count', () => {
    const p = tensor([1], { requiresGrad: true });
    const q = tensor([1], { requiresGrad: true });
    const opt = new SGD({ learningRate: 0.5 });
    p.mul(2).sum().backward();
    opt.step([p, q]);
    expect(p.data[0]).toBe(0);
    expect(q.data[0]).toBe(1);
    expect(opt.iterations).toBe(1);
    opt.zeroGrad([p, q]);
    expect(p.grad).toBeNull();
  });

  test('step() without parameters needs a compiled model', () => {
    expect(() => new Adam().step()).toThrow(
      'Adam.step: pass the parameters (model.parameters()) or compile a model',
    );
  });

  test('names resolve to optimizers; unknown names are refused', () => {
    expect(getOptimizer('adam')).toBeInstanceOf(Adam);
    expect(getOptimizer('RMSprop')).toBeInstanceOf(RMSProp);
    expect(getOptimizer('sgd')).toBeInstanceOf(SGD);
    expect(() => getOptimizer('lamb')).toThrow("unknown optimizer 'lamb'");
  });

  test('bad hyper-parameters are refused', () => {
    expect(() => new Adam({ beta1: 1 })).toThrow('Adam: beta1 must be in [0, 1), got 1');
    expect(() => new SGD({ learningRate: -1 })).toThrow('learningRate must be a non-negative number');
    expect(() => new SGD({ clipNorm: 0 })).toThrow('clipNorm must be positive');
  });

  test('updates happen in place on float32 parameters too', () => {
    const p: Tensor = tensor([1, 2], { requiresGrad: true });
    const data = p.data;
    p.sum().backward();
    new SGD({ learningRate: 0.25 }).step([p]);
    expect(p.data).toBe(data);
    expect(Array.from(p.data)).toEqual([0.75, 1.75]);
  });
});
