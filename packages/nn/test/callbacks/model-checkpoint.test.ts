import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { setSeed, tensor } from '@zen/autograd-core';
import { Dense, ModelCheckpoint, SGD, Sequential, loadModel } from '@zen/nn';

describe('ModelCheckpoint', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zen-ckpt-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('saves every epoch with the epoch and log values in the path', async () => {
    setSeed(1);
    const model = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
    model.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'mse' });
    const cb = new ModelCheckpoint({ filepath: path.join(dir, 'epoch-{epoch}-{loss:.2f}') });
    const history = await model.fit(tensor([[1], [2]]), tensor([[1], [2]]), {
      epochs: 2,
      callbacks: [cb],
      verbose: 0,
    });
    expect(cb.saved).toEqual(
      [1, 2].map((e) => path.join(dir, `epoch-${e}-${history.history.loss[e - 1].toFixed(2)}`)),
    );
    const restored = await loadModel(cb.saved[1]);
    expect(Array.from(restored.predict(tensor([[3]])).data)).toEqual(
      Array.from(model.predict(tensor([[3]])).data),
    );
  });

  test('saveBestOnly writes only when the monitored value improves', async () => {
    setSeed(2);
    const model = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const cb = new ModelCheckpoint({
      filepath: path.join(dir, 'best-{epoch}'),
      monitor: 'val_loss',
      saveBestOnly: true,
    });
    cb.setModel(model);
    cb.onTrainBegin();
    for (const [epoch, val] of [0.5, 0.7, 0.4, 0.4].entries()) await cb.onEpochEnd(epoch, { val_loss: val });
    expect(cb.saved.map((p) => path.basename(p))).toEqual(['best-1', 'best-3']);
    expect((await fs.readdir(dir)).sort()).toEqual(['best-1', 'best-3']);
  });

  test('unknown placeholders and missing filepath are clear errors', async () => {
    expect(() => new ModelCheckpoint({} as never)).toThrow(
      'ModelCheckpoint: filepath (a directory path) is required',
    );
    const model = new Sequential([new Dense({ units: 1, inputShape: [1] })]);
    const cb = new ModelCheckpoint({ filepath: path.join(dir, '{val_acc}') });
    cb.setModel(model);
    await expect(cb.onEpochEnd(0, { loss: 1 })).rejects.toThrow(
      "ModelCheckpoint: '{val_acc}' in filepath names no log entry",
    );
  });
});
