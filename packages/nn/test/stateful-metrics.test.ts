/** Stateful metrics: values over everything seen (not batch averages), Keras's names and History keys. */
import { Tensor, setSeed, tensor } from '@zen/autograd-core';
import { Dense, Sequential, metrics } from '@zen/nn';

const yTrue = tensor([1, 0, 1, 1, 0, 0, 1, 0]);
const scores = tensor([0.9, 0.8, 0.7, 0.3, 0.2, 0.6, 0.55, 0.1]);

/** Exact ROC AUC: the fraction of (positive, negative) pairs ranked correctly. */
function rankAuc(t: number[], p: number[]): number {
  let good = 0;
  let pairs = 0;
  t.forEach((ti, i) =>
    t.forEach((tj, j) => {
      if (ti === 1 && tj === 0) {
        pairs++;
        good += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
      }
    }),
  );
  return good / pairs;
}

describe('stateful metrics', () => {
  test('Precision and Recall accumulate counts over batches', () => {
    const precision = new metrics.Precision();
    const recall = new metrics.Recall();
    for (const [a, b] of [
      [0, 3],
      [3, 8],
    ]) {
      const t = new Tensor(yTrue.data.slice(a, b), [b - a]);
      const p = new Tensor(scores.data.slice(a, b), [b - a]);
      precision.updateState(t, p);
      recall.updateState(t, p);
    }
    // Predicted positive (> 0.5): 0.9, 0.8, 0.7, 0.6, 0.55 → true positives 0.9, 0.7, 0.55.
    expect(precision.result()).toBeCloseTo(3 / 5, 12);
    expect(recall.result()).toBeCloseTo(3 / 4, 12);
    precision.resetState();
    expect(precision.result()).toBe(0);
  });

  test('AUC (ROC) approaches the exact rank AUC; PR lies in (0, 1]', () => {
    const auc = new metrics.AUC({ numThresholds: 1000 });
    auc.updateState(yTrue, scores);
    const exact = rankAuc(Array.from(yTrue.data), Array.from(scores.data));
    expect(auc.result()).toBeCloseTo(exact, 3);
    const pr = new metrics.AUC({ curve: 'PR', numThresholds: 1000 });
    pr.updateState(yTrue, scores);
    expect(pr.result()).toBeGreaterThan(0.5);
    expect(pr.result()).toBeLessThanOrEqual(1);
    const perfect = new metrics.AUC();
    perfect.updateState(tensor([0, 0, 1, 1]), tensor([0.1, 0.2, 0.8, 0.9]));
    expect(perfect.result()).toBeCloseTo(1, 6);
  });

  test('TopKCategoricalAccuracy', () => {
    const topK = new metrics.TopKCategoricalAccuracy({ k: 2 });
    topK.updateState(
      tensor([1, 0]),
      tensor([
        [0.5, 0.3, 0.2],
        [0.1, 0.6, 0.3],
      ]),
    );
    expect(topK.result()).toBe(0.5); // row 0: class 1 is second (hit); row 1: class 0 is last (miss)
  });

  test('MeanIoU from class ids', () => {
    const iou = new metrics.MeanIoU({ numClasses: 2 });
    iou.updateState(tensor([0, 0, 1, 1]), tensor([0, 1, 0, 1]));
    // Class 0: intersection 1, union 3; class 1 the same.
    expect(iou.result()).toBeCloseTo(1 / 3, 12);
  });

  test("evaluate reports the exact value over all batches, and History uses Keras's keys", async () => {
    setSeed(2);
    const x = tensor(Array.from({ length: 16 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]));
    const y = tensor(Array.from({ length: 16 }, (_, i) => [i % 3 === 0 ? 1 : 0]));
    const model = new Sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
    model.compile({
      optimizer: 'adam',
      loss: 'binaryCrossentropy',
      metrics: ['precision', 'auc', new metrics.AUC({ curve: 'PR' })],
    });
    const logs = model.evaluate(x, y, { batchSize: 3 });
    const p = model.predict(x);
    const whole = new metrics.Precision();
    whole.updateState(y, p);
    expect(logs.precision).toBeCloseTo(whole.result(), 12);
    const auc = new metrics.AUC();
    auc.updateState(y, p);
    expect(logs.auc).toBeCloseTo(auc.result(), 12);
    const history = await model.fit(x, y, { epochs: 2, batchSize: 4, validationSplit: 0.25, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(
      ['auc', 'auc_1', 'loss', 'precision', 'val_auc', 'val_auc_1', 'val_loss', 'val_precision'].sort(),
    );
  });
});
