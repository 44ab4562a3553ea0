/**
 * Options objects are checked once per public call: unknown keys name the nearest valid
 * option, positional values say how to write the call. Each case here was once ignored.
 */
import { type Tensor, setSeed, tensor } from '@zen/autograd-core';
import * as nn from '@zen/nn';
import {
  Adam,
  Conv2D,
  Dense,
  Dropout,
  EarlyStopping,
  Layer,
  LSTM,
  ModelCheckpoint,
  ReduceLROnPlateau,
  SGD,
  Sequential,
  registeredLayers,
} from '@zen/nn';

function model(): Sequential {
  setSeed(1);
  const m = new Sequential([new Dense({ units: 2, inputShape: [3] })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
}
const x = tensor([
  [1, 2, 3],
  [4, 5, 6],
]);
const y = tensor([
  [1, 0],
  [0, 1],
]);

describe('unknown options name the nearest valid one', () => {
  test.each([
    [() => new Adam({ lr: 0.01 } as never), "unknown option 'lr'; did you mean 'learningRate'?"],
    [() => new SGD({ learning_rate: 0.1 } as never), "did you mean 'learningRate'?"],
    [() => new Dense({ units: 3, activaton: 'relu' } as never), "did you mean 'activation'?"],
    [() => new Conv2D({ filters: 2, kernel_size: 3 } as never), "did you mean 'kernelSize'?"],
    [() => new LSTM({ units: 2, return_sequences: true } as never), "did you mean 'returnSequences'?"],
    [() => new Dropout({ rate: 0.1, seed: 3 } as never), "unknown option 'seed'"],
    [
      () => new EarlyStopping({ patience: 2, monitor: 'loss', restoreBest: true } as never),
      'restoreBestWeights',
    ],
    [() => new ReduceLROnPlateau({ min_lr: 1e-4 } as never), "did you mean 'minLr'?"],
  ])('%#', (make, message) => {
    expect(make).toThrow(message);
  });

  test('the message names the class and lists the valid options', () => {
    expect(() => new Adam({ lr: 0.01 } as never)).toThrow(
      /^new Adam: unknown option 'lr'.*valid options: beta1/,
    );
  });

  test('fit, evaluate, predict and compile reject unknown keys', async () => {
    await expect(model().fit(x, y, { epochs: 1, batch_size: 2 } as never)).rejects.toThrow(
      "model.fit: unknown option 'batch_size'; did you mean 'batchSize'?",
    );
    await expect(model().fit(x, y, { nb_epoch: 2 } as never)).rejects.toThrow("did you mean 'epochs'?");
    expect(() => model().evaluate(x, y, { verbose: 0 } as never)).toThrow(
      "model.evaluate: unknown option 'verbose'",
    );
    expect(() => model().predict(x, { batchsize: 1 } as never)).toThrow("did you mean 'batchSize'?");
    expect(() =>
      new Sequential([new Dense({ units: 1 })]).compile({
        optimizer: 'sgd',
        loss: 'mse',
        metric: ['mae'],
      } as never),
    ).toThrow("did you mean 'metrics'?");
    expect(() =>
      new Sequential([new Dense({ units: 1 })]).compile({
        optimizer: 'sgd',
        loss: { name: 'huber', detla: 2 },
      } as never),
    ).toThrow("did you mean 'delta'?");
  });

  test('valid options still work, and saved configs load back', () => {
    expect(new Adam({ learningRate: 0.01, beta1: 0.8, clipNorm: 1 }).learningRate).toBe(0.01);
    const m = model();
    expect(m.predict(x, { batchSize: 1 }).shape).toEqual([2, 2]);
  });

  test('every registered layer lists its options (so unknown keys are caught)', () => {
    // Built-in layers declare `static optionNames`; a layer without the list accepts any key silently.
    const missing = registeredLayers().filter((name) => {
      const ctor = (nn as Record<string, unknown>)[name];
      return typeof ctor === 'function' && !Object.prototype.hasOwnProperty.call(ctor, 'optionNames');
    });
    expect(missing).toEqual([]);
  });

  test("a user's layer subclass with options of its own is not refused", () => {
    class Scale extends Layer {
      override readonly className = 'Scale';
      readonly factor: number;
      constructor(args: { factor: number; name?: string }) {
        super(args as never);
        this.factor = args.factor;
      }
      call(t: Tensor): Tensor {
        return t.mul(this.factor);
      }
    }
    expect(new Scale({ factor: 3 }).factor).toBe(3);
    expect(() => new Scale(3 as never)).toThrow('expected an options object');
  });
});

describe('positional values are refused with the right spelling', () => {
  test.each([
    [
      () => new Adam(0.01 as never),
      'new Adam: expected an options object, got a number 0.01; write new Adam({ learningRate: 0.01 })',
    ],
    [() => new Dense(10 as never), 'write new Dense({ units: 10 })'],
    [() => new Conv2D(8 as never), 'write new Conv2D({ filters: 8 })'],
    [() => new Dropout(0.5 as never), 'write new Dropout({ rate: 0.5 })'],
    [() => new ModelCheckpoint('ckpt' as never), 'write new ModelCheckpoint({ filepath: "ckpt" })'],
    [() => new EarlyStopping('val_loss' as never), 'write new EarlyStopping({ monitor: "val_loss" })'],
  ])('%#', (make, message) => {
    expect(make).toThrow(message);
  });

  test('fit(x, y, 5) says how to write the epochs', async () => {
    await expect(model().fit(x, y, 5 as never)).rejects.toThrow('write model.fit(x, y, { epochs: 5 })');
  });
});
