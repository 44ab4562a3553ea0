import { tensor } from '@zen/autograd-core';
import { SGD, cosineDecay, exponentialDecay, stepDecay } from '@zen/nn';

describe('learning-rate schedules', () => {
  test('exponentialDecay, continuous and staircase', () => {
    const s = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(s.valueAt(0)).toBeCloseTo(0.1, 12);
    expect(s.valueAt(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 12);
    expect(s.valueAt(20)).toBeCloseTo(0.025, 12);
    const stairs = exponentialDecay({
      initialLearningRate: 0.1,
      decaySteps: 10,
      decayRate: 0.5,
      staircase: true,
    });
    expect(stairs.valueAt(19)).toBeCloseTo(0.05, 12);
  });

  test('stepDecay halves every stepSize updates by default', () => {
    const s = stepDecay({ initialLearningRate: 1, stepSize: 3 });
    expect([0, 2, 3, 6, 8].map((t) => s.valueAt(t))).toEqual([1, 1, 0.5, 0.25, 0.25]);
  });

  test('cosineDecay goes from lr to alpha·lr over decaySteps, then stays', () => {
    const s = cosineDecay({ initialLearningRate: 1, decaySteps: 100, alpha: 0.1 });
    expect(s.valueAt(0)).toBeCloseTo(1, 12);
    expect(s.valueAt(50)).toBeCloseTo(0.55, 12);
    expect(s.valueAt(100)).toBeCloseTo(0.1, 12);
    expect(s.valueAt(500)).toBeCloseTo(0.1, 12);
  });

  test('cosineDecay warms up linearly to warmupTarget, then decays from it (Keras)', () => {
    const s = cosineDecay({
      initialLearningRate: 0,
      decaySteps: 100,
      warmupSteps: 10,
      warmupTarget: 2,
      alpha: 0.1,
    });
    expect(s.valueAt(0)).toBe(0);
    expect(s.valueAt(5)).toBeCloseTo(1, 12);
    expect(s.valueAt(10)).toBeCloseTo(2, 12);
    expect(s.valueAt(60)).toBeCloseTo(2 * 0.55, 12);
    expect(s.valueAt(110)).toBeCloseTo(0.2, 12);
    // warmupSteps without warmupTarget is ignored, as in Keras.
    expect(cosineDecay({ initialLearningRate: 1, decaySteps: 100, warmupSteps: 10 }).valueAt(0)).toBe(1);
    expect(() => cosineDecay({ initialLearningRate: 1, decaySteps: 10, warmupSteps: -1 })).toThrow(
      'cosineDecay: warmupSteps must be a non-negative integer',
    );
  });

  test('an optimizer evaluates its schedule at its update count', () => {
    const opt = new SGD({ learningRate: stepDecay({ initialLearningRate: 1, stepSize: 1, factor: 0.5 }) });
    const p = tensor([0], { dtype: 'float64', requiresGrad: true });
    const moves: number[] = [];
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad([p]);
      const before = p.data[0];
      p.sum().backward(); // gradient 1
      opt.step([p]);
      moves.push(before - p.data[0]);
    }
    expect(moves).toEqual([1, 0.5, 0.25]);
    expect(opt.currentLearningRate).toBe(0.125);
  });

  test('bad schedule arguments are refused', () => {
    expect(() => cosineDecay({ initialLearningRate: 1, decaySteps: 0 })).toThrow(
      'cosineDecay: decaySteps must be positive',
    );
  });
});
