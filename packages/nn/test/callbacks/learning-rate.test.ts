import { setSeed, tensor } from '@zen/autograd-core';
import { Dense, LearningRateScheduler, ReduceLROnPlateau, SGD, Sequential, exponentialDecay } from '@zen/nn';

function model(): Sequential {
  setSeed(1);
  const m = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
  return m;
}

const x = tensor([[1], [2], [3], [4]]);
const y = tensor([[2], [4], [6], [8]]);

describe('learning-rate callbacks', () => {
  test('LearningRateScheduler sets the rate each epoch and logs it', async () => {
    const m = model();
    const seen: number[] = [];
    const history = await m.fit(x, y, {
      epochs: 3,
      verbose: 0,
      callbacks: [
        new LearningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr / 10)),
        { onEpochBegin: () => void seen.push(m.optimizer!.currentLearningRate) },
      ],
    });
    expect(seen[0]).toBe(0.1);
    expect(seen[1]).toBeCloseTo(0.01, 12);
    expect(seen[2]).toBeCloseTo(0.001, 12);
    expect(history.history.learning_rate.map((v) => +v.toPrecision(6))).toEqual([0.1, 0.01, 0.001]);
  });

  test('ReduceLROnPlateau multiplies the rate by factor after patience epochs without improvement', () => {
    const m = model();
    const cb = new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 2, minLr: 0.02 });
    cb.setModel(m);
    cb.onTrainBegin();
    const rates: number[] = [];
    [1, 0.9, 0.95, 0.93, 0.92, 0.91, 0.95, 0.96].forEach((loss, epoch) => {
      cb.onEpochEnd(epoch, { loss });
      rates.push(m.optimizer!.learningRate as number);
    });
    // Best 0.9 at epoch 1; epochs 2-3 do not improve → 0.05; 4-5 → 0.025; 6-7 → max(0.0125, 0.02).
    expect(rates).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02]);
  });

  test('learning-rate callbacks refuse optimizers driven by a schedule', () => {
    const m = model();
    m.compile({
      optimizer: new SGD({
        learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }),
      }),
      loss: 'mse',
    });
    const cb = new LearningRateScheduler((_e, lr) => lr);
    cb.setModel(m);
    expect(() => cb.onEpochBegin(0)).toThrow(
      "LearningRateScheduler: the optimizer's learning rate is a schedule",
    );
  });
});
