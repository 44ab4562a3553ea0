import { setSeed, tensor } from '@zen/autograd-core';
import { Callback, Dense, EarlyStopping, type Logs, SGD, Sequential } from '@zen/nn';
import { testValues } from '../helpers';

function regression(seed: number): Sequential {
  setSeed(seed);
  const model = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
  model.compile({ optimizer: new SGD({ learningRate: 0.05 }), loss: 'mse' });
  return model;
}

/** Drives the callback by hand with a scripted sequence of monitored values. */
function drive(es: EarlyStopping, model: Sequential, values: number[], key = 'val_loss'): number[] {
  es.setModel(model);
  es.onTrainBegin();
  const ran: number[] = [];
  for (let epoch = 0; epoch < values.length && !model.stopTraining; epoch++) {
    model.weights[1].value.data[0] = epoch; // bias = epoch number, to see which weights come back
    es.onEpochEnd(epoch, { [key]: values[epoch] });
    ran.push(epoch);
  }
  es.onTrainEnd();
  return ran;
}

describe('EarlyStopping', () => {
  test('stops after `patience` epochs without improvement', () => {
    const model = regression(1);
    const es = new EarlyStopping({ patience: 2 });
    expect(drive(es, model, [1, 0.5, 0.6, 0.7, 0.4, 0.3])).toEqual([0, 1, 2, 3]);
    expect(es.stoppedEpoch).toBe(3);
    expect(es.best).toBe(0.5);
    expect(model.weights[1].value.data[0]).toBe(3); // no restore by default
  });

  test('minDelta: smaller changes do not count as improvement; mode max for accuracy', () => {
    const model = regression(1);
    expect(drive(new EarlyStopping({ patience: 1, minDelta: 0.1 }), model, [1, 0.95, 0.5])).toEqual([0, 1]);
    model.stopTraining = false;
    const es = new EarlyStopping({ monitor: 'val_accuracy', patience: 1 });
    expect(drive(es, model, [0.5, 0.7, 0.6, 0.9], 'val_accuracy')).toEqual([0, 1, 2]);
    expect(es.best).toBe(0.7);
  });

  test('restoreBestWeights puts back the weights of the best epoch', () => {
    const model = regression(1);
    const es = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    drive(es, model, [1, 0.2, 0.5, 0.6, 0.1]);
    expect(es.bestEpoch).toBe(1);
    expect(model.weights[1].value.data[0]).toBe(1);
  });

  test('a missing monitored key is a clear error', () => {
    const model = regression(1);
    const es = new EarlyStopping();
    es.setModel(model);
    expect(() => es.onEpochEnd(0, { loss: 1 })).toThrow(
      "EarlyStopping: monitored quantity 'val_loss' is not in the logs (available: loss); give fit validation data",
    );
  });

  test('in fit: stops early and restores the best epoch’s weights', async () => {
    // Train on y = x₀ + x₁ but validate on y = −(x₀ + x₁): learning makes validation worse,
    // so the best validation epoch is an early one and training stops `patience` epochs later.
    const model = regression(2);
    const x = tensor(testValues(64, 3), { shape: [32, 2] });
    const sums = (x.toArray() as number[][]).map((r) => [r[0] + r[1]]);
    const snapshots: number[][][] = [];
    class Snapshot extends Callback {
      override onEpochEnd(_epoch: number, _logs: Logs) {
        snapshots.push(this.model!.getWeights().map((t) => Array.from(t.data)));
      }
    }
    const es = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    const history = await model.fit(x, tensor(sums), {
      epochs: 50,
      batchSize: 8,
      validationData: [x, tensor(sums.map((r) => [-r[0]]))],
      callbacks: [new Snapshot(), es],
      verbose: 0,
    });
    const valLoss = history.history.val_loss;
    const best = valLoss.indexOf(Math.min(...valLoss));
    expect(history.epoch.length).toBeLessThan(50);
    expect(es.stoppedEpoch).toBe(history.epoch.length - 1);
    expect(es.bestEpoch).toBe(best);
    const final = model.getWeights().map((t) => Array.from(t.data));
    expect(final).toEqual(snapshots[best]);
    expect(final).not.toEqual(snapshots[snapshots.length - 1]);
  });
});
