import { Tensor, setSeed, tensor } from '@zen/autograd-core';
import { fizzBuzz } from '@zen/datasets';
import {
  Adam,
  Callback,
  type CallbackLike,
  Dense,
  Dropout,
  type Logs,
  SGD,
  Sequential,
  TerminateOnNaN,
  resetNameCounters,
} from '@zen/nn';

const { x, y } = fizzBuzz({ from: 1, to: 120 }); // x [120, 10], y int32 [120]

function classifier(seed: number): Sequential {
  setSeed(seed);
  const model = new Sequential([
    new Dense({ units: 16, activation: 'relu', inputShape: [10] }),
    new Dropout({ rate: 0.2 }),
    new Dense({ units: 4, activation: 'softmax' }),
  ]);
  model.compile({
    optimizer: new Adam({ learningRate: 0.01 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

const weightsOf = (model: Sequential) => model.getWeights().map((t) => Array.from(t.data));

describe('fit', () => {
  // Default layer names count up across the process (Keras); start each test from 'dense'.
  beforeEach(() => resetNameCounters());
  test('History has Keras keys, one entry per epoch, and the loss goes down', async () => {
    const model = classifier(1);
    const history = await model.fit(x, y, { epochs: 4, batchSize: 16, validationSplit: 0.25, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(history.epoch).toEqual([0, 1, 2, 3]);
    for (const values of Object.values(history.history)) expect(values).toHaveLength(4);
    expect(history.history.loss[3]).toBeLessThan(history.history.loss[0]);
    expect(model.history).toBe(history);
  });

  test('validationSplit holds out the LAST fraction of the samples (before shuffling)', async () => {
    const model = classifier(2);
    const history = await model.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.25, verbose: 0 });
    const last = (t: Tensor) => new Tensor(t.data.slice(90 * (t.size / 120)), [30, ...t.shape.slice(1)]);
    const first = (t: Tensor) => new Tensor(t.data.slice(0, 30 * (t.size / 120)), [30, ...t.shape.slice(1)]);
    const held = model.evaluate(last(x), last(y), { batchSize: 16 });
    expect(history.history.val_loss[1]).toBeCloseTo(held.loss, 6);
    expect(history.history.val_accuracy[1]).toBeCloseTo(held.accuracy, 12);
    expect(Math.abs(model.evaluate(first(x), first(y)).loss - held.loss)).toBeGreaterThan(1e-6);
  });

  test('validationData is evaluated at the end of every epoch', async () => {
    const model = classifier(3);
    const val = fizzBuzz({ from: 200, to: 260 });
    const seen: number[] = [];
    const probe: CallbackLike = { onEpochEnd: (_e, logs) => void seen.push(logs.val_loss) };
    const history = await model.fit(x, y, {
      epochs: 2,
      validationData: [val.x, val.y],
      callbacks: [probe],
      verbose: 0,
    });
    expect(history.history.val_loss).toEqual(seen);
    expect(model.evaluate(val.x, val.y).loss).toBeCloseTo(seen[1], 6);
  });

  test('determinism: the same seed gives bit-identical weights and history; another seed does not', async () => {
    const run = async (seed: number) => {
      const model = classifier(seed);
      const history = await model.fit(x, y, { epochs: 3, batchSize: 8, validationSplit: 0.2, verbose: 0 });
      return { weights: weightsOf(model), loss: history.history.loss };
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(b.weights).toEqual(a.weights);
    expect(b.loss).toEqual(a.loss);
    expect(c.weights).not.toEqual(a.weights);
  });

  test('shuffling is seeded and changes the batches; shuffle: false does not draw from the generator', async () => {
    const run = async (shuffle: boolean, fitSeed: number) => {
      setSeed(fitSeed); // a model's random stream (shuffling, dropout) derives from the seed at construction
      const model = new Sequential([new Dense({ units: 4, inputShape: [10], kernelInitializer: 'zeros' })]);
      model.compile({
        optimizer: new SGD({ learningRate: 0.1 }),
        loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true },
      });
      await model.fit(x, y, { epochs: 1, batchSize: 10, shuffle, verbose: 0 });
      return weightsOf(model);
    };
    expect(await run(true, 1)).toEqual(await run(true, 1));
    expect(await run(true, 1)).not.toEqual(await run(true, 2));
    expect(await run(false, 1)).toEqual(await run(false, 2));
  });

  test('callbacks run in order, with batch logs and awaited async hooks', async () => {
    const model = classifier(4);
    const events: string[] = [];
    let pending = false;
    class Recorder extends Callback {
      override onTrainBegin() {
        events.push('trainBegin');
      }
      override onEpochBegin(epoch: number) {
        expect(pending).toBe(false); // the async onEpochEnd before finished
        events.push(`epochBegin ${epoch}`);
      }
      override onBatchBegin(batch: number, logs: Logs) {
        events.push(`batchBegin ${batch} size ${logs.size}`);
      }
      override onBatchEnd(batch: number, logs: Logs) {
        expect(Number.isFinite(logs.loss) && logs.accuracy >= 0).toBe(true);
        events.push(`batchEnd ${batch}`);
      }
      override async onEpochEnd(epoch: number, logs: Logs) {
        expect(this.model).toBe(model);
        expect(Object.keys(logs)).toEqual(['loss', 'accuracy']);
        pending = true;
        await new Promise((resolve) => setTimeout(resolve, 5));
        pending = false;
        events.push(`epochEnd ${epoch}`);
      }
      override onTrainEnd() {
        events.push('trainEnd');
      }
    }
    await model.fit(x, y, { epochs: 2, batchSize: 50, callbacks: [new Recorder()], verbose: 0 });
    const epoch = (e: number) => [
      `epochBegin ${e}`,
      'batchBegin 0 size 50',
      'batchEnd 0',
      'batchBegin 1 size 50',
      'batchEnd 1',
      'batchBegin 2 size 20',
      'batchEnd 2',
      `epochEnd ${e}`,
    ];
    expect(events).toEqual(['trainBegin', ...epoch(0), ...epoch(1), 'trainEnd']);
  });

  test('model.stopTraining set by a callback ends training after that batch', async () => {
    const model = classifier(5);
    let batches = 0;
    const stopper: CallbackLike = {
      onBatchEnd: (batch) => {
        batches++;
        if (batch === 1) model.stopTraining = true;
      },
    };
    const history = await model.fit(x, y, { epochs: 5, batchSize: 10, callbacks: [stopper], verbose: 0 });
    expect(batches).toBe(2);
    expect(history.epoch).toEqual([0]);
  });

  test('yieldEvery lets timers run between batches or epochs, and never otherwise', async () => {
    // Which batches (epoch:batch) ran before a timer queued at the start of fit could fire.
    const firstAfterTimer = async (yieldEvery: 'batch' | 'epoch' | 'never'): Promise<string> => {
      let fired = false;
      let seenAt = 'after fit';
      let epochNow = 0;
      const watcher: CallbackLike = {
        onEpochBegin: (epoch) => void (epoch === 0 && setImmediate(() => (fired = true))),
        onBatchBegin: (batch) => {
          if (fired && seenAt === 'after fit') seenAt = `${epochNow}:${batch}`;
        },
        onEpochEnd: () => void epochNow++,
      };
      await classifier(8).fit(x, y, {
        epochs: 2,
        batchSize: 40,
        callbacks: [watcher],
        verbose: 0,
        yieldEvery,
      });
      return seenAt;
    };
    expect(await firstAfterTimer('batch')).toBe('0:1'); // a turn after the first batch
    expect(await firstAfterTimer('epoch')).toBe('1:0'); // a turn after the first epoch
    expect(await firstAfterTimer('never')).toBe('after fit');
    await expect(classifier(8).fit(x, y, { verbose: 0, yieldEvery: 'sometimes' as never })).rejects.toThrow(
      "fit: yieldEvery must be 'auto', 'batch', 'epoch' or 'never', got 'sometimes'",
    );
  });

  test('initialEpoch resumes the epoch count', async () => {
    const model = classifier(6);
    const history = await model.fit(x, y, { epochs: 5, initialEpoch: 3, verbose: 0 });
    expect(history.epoch).toEqual([3, 4]);
  });

  test('verbose 1 without a terminal prints one line per epoch to stderr; verbose 0 is silent', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const isTTY = process.stderr.isTTY;
    try {
      Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
      await classifier(7).fit(x, y, { epochs: 2, batchSize: 40, validationSplit: 0.25, verbose: 1 });
      const lines = write.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(
        /^Epoch 1\/2 - 3 steps - [\d.]+s \d+ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}\n$/,
      );
      expect(lines[1]).toMatch(/^Epoch 2\/2 /);
      write.mockClear();
      await classifier(7).fit(x, y, { epochs: 1, verbose: 0 });
      expect(write).not.toHaveBeenCalled();
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
      write.mockRestore();
    }
  });

  test('verbose 1 on a terminal draws a progress bar with ETA and running metrics', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const isTTY = process.stderr.isTTY;
    try {
      Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
      await classifier(8).fit(x, y, { epochs: 1, batchSize: 40, verbose: 1 });
      const text = write.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toContain('Epoch 1/1\n');
      expect(text).toMatch(/\r3\/3 \[=+\] - [\d.]+s \d+ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}/);
      expect(text.endsWith('\n')).toBe(true);
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
      write.mockRestore();
    }
  });
});

describe('fit: bad input gives errors naming the argument', () => {
  // Default layer names count up across the process (Keras); start each test from 'dense'.
  beforeEach(() => resetNameCounters());
  const model = classifier(9);

  test('x and y sample counts differ', async () => {
    await expect(model.fit(x, tensor([0, 1, 2]), { verbose: 0 })).rejects.toThrow(
      'fit: x has 120 samples (shape [120,10]) but y has 3 (shape [3]); they must match',
    );
  });

  test('NaN in the data names the sample', async () => {
    const bad = x.clone();
    bad.data[25] = NaN;
    await expect(model.fit(bad, y, { verbose: 0 })).rejects.toThrow(
      'fit: x contains NaN at sample 2 (flat index 25)',
    );
    const badY = tensor([...Array.from(y.data).slice(0, 119), Infinity]);
    await expect(model.fit(x, badY, { verbose: 0 })).rejects.toThrow(
      'fit: y contains Infinity at sample 119 (flat index 119)',
    );
  });

  test('a bad value stops fit before the step of the batch that holds it', async () => {
    const fresh = classifier(10);
    const bad = x.clone();
    bad.data[5 * 10 + 3] = -Infinity; // sample 5: the second batch of 4 without shuffling
    let steps = 0;
    const counter = new (class extends Callback {
      override onBatchEnd() {
        steps++;
      }
    })();
    await expect(
      fresh.fit(bad, y, { batchSize: 4, shuffle: false, verbose: 0, callbacks: [counter] }),
    ).rejects.toThrow('fit: x contains -Infinity at sample 5 (flat index 53)');
    expect(steps).toBe(1);
    expect(weightsOf(fresh).flat().every(Number.isFinite)).toBe(true);
  });

  test('a bad value in the validationSplit rows is found before training', async () => {
    const fresh = classifier(11);
    const before = weightsOf(fresh);
    const bad = x.clone();
    bad.data[110 * 10 + 7] = NaN;
    await expect(fresh.fit(bad, y, { validationSplit: 0.25, verbose: 0 })).rejects.toThrow(
      'fit: x contains NaN at sample 110 (flat index 1107)',
    );
    expect(weightsOf(fresh)).toEqual(before);
  });

  test('sparse labels out of range', async () => {
    const labels = y.clone();
    labels.data[3] = 4;
    await expect(model.fit(x, labels, { batchSize: 200, shuffle: false, verbose: 0 })).rejects.toThrow(
      'sparseCategoricalCrossentropy: label 4 of sample 3 is not an integer class in [0, 4)',
    );
  });

  test('wrong input shape names the first layer', async () => {
    await expect(model.fit(tensor([[1, 2]]), tensor([0]), { verbose: 0 })).rejects.toThrow(
      "fit: input of shape [1,2] does not match the model's input shape [null,10] (first layer 'dense')",
    );
  });

  test('bad options', async () => {
    await expect(model.fit(x, y, { batchSize: 0, verbose: 0 })).rejects.toThrow(
      'fit: batchSize must be a positive integer, got 0',
    );
    await expect(model.fit(x, y, { validationSplit: 1, verbose: 0 })).rejects.toThrow(
      'fit: validationSplit must be in [0, 1), got 1',
    );
    await expect(model.fit(x, y, { epochs: 1.5, verbose: 0 })).rejects.toThrow(
      'fit: epochs must be a non-negative integer',
    );
    await expect(model.fit(x, [1, 2] as never, { verbose: 0 })).rejects.toThrow('fit: y must be a Tensor');
  });

  test('NaN gradients of a finite loss are refused before they reach the weights', async () => {
    const model = new Sequential([new Dense({ units: 1, inputShape: [10], kernelInitializer: 'zeros' })]);
    // ‖ŷ − y‖ is 0 at the start, where its derivative is ∞·0 = NaN.
    const norm = (yTrue: Tensor, yPred: Tensor) => yPred.sub(yTrue).square().sum().sqrt();
    model.compile({ optimizer: 'sgd', loss: norm });
    await expect(
      model.fit(x, tensor(new Array(120).fill(0), { shape: [120, 1] }), { verbose: 0 }),
    ).rejects.toThrow(
      "fit: the gradient of weight 'dense/kernel' contains NaN at flat index 0 although the loss is finite (0)",
    );
    expect(model.getWeights().every((t) => Array.from(t.data).every((v) => v === 0))).toBe(true);
  });

  test('a probability loss on outputs that sum to 0 reports a NaN loss', async () => {
    const linear = new Sequential([new Dense({ units: 4, inputShape: [10], kernelInitializer: 'zeros' })]);
    linear.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' }); // outputs 0: p/Σp = 0/0
    await expect(linear.fit(x, y, { verbose: 0 })).rejects.toThrow(
      'fit: the loss became NaN at epoch 1, batch 1',
    );
  });

  test('a NaN loss stops with a clear error, or quietly with TerminateOnNaN; weights stay finite', async () => {
    setSeed(10);
    const regression = new Sequential([new Dense({ units: 1, inputShape: [10] })]);
    regression.compile({ optimizer: new SGD({ learningRate: 1e6 }), loss: 'mse' });
    const target = tensor(Array.from({ length: 120 }, (_, i) => [1e4 * i]));
    await expect(regression.fit(x, target, { epochs: 20, batchSize: 8, verbose: 0 })).rejects.toThrow(
      /^fit: the loss became (NaN|Infinity) at epoch \d+, batch \d+ .*Add a TerminateOnNaN callback/,
    );
    setSeed(10);
    const again = new Sequential([new Dense({ units: 1, inputShape: [10] })]);
    again.compile({ optimizer: new SGD({ learningRate: 1e6 }), loss: 'mse' });
    const terminate = new TerminateOnNaN();
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const history = await again.fit(x, target, {
      epochs: 20,
      batchSize: 8,
      callbacks: [terminate],
      verbose: 0,
    });
    write.mockRestore();
    expect(terminate.terminatedAtBatch).not.toBeNull();
    expect(history.epoch.length).toBeLessThan(20);
    expect(again.getWeights().every((t) => Array.from(t.data).every(Number.isFinite))).toBe(true);
  });
});
