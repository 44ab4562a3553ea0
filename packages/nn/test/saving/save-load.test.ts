import { promises as fs } from 'fs';
import * as path from 'path';
import { setSeed, tensor } from '@zen/autograd-core';
import {
  Adam,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Embedding,
  Flatten,
  GRU,
  LSTM,
  MaxPooling2D,
  SGD,
  Sequential,
  exponentialDecay,
  loadModel,
  resetNameCounters,
} from '@zen/nn';
import { testValues } from '../helpers';
import { bits, useTempDir } from './temp-dir';

let dir: string;
useTempDir('zen-save-', (d) => (dir = d));

const images = tensor(
  testValues(6 * 8 * 8, 2).map((v) => (v + 1) / 2),
  { shape: [6, 8, 8, 1] },
);
const imageLabels = tensor([0, 1, 2, 0, 1, 2], { dtype: 'int32' });

async function trainedCnn(): Promise<Sequential> {
  setSeed(1);
  const model = new Sequential([
    new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 1] }),
    new BatchNormalization(),
    new MaxPooling2D(),
    new Flatten(),
    new Dropout({ rate: 0.3 }),
    new Dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({
    optimizer: new Adam({ learningRate: 0.01 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  await model.fit(images, imageLabels, { epochs: 2, batchSize: 3, verbose: 0 });
  return model;
}

/** The weights file model.json names. */
async function weightsFile(at: string): Promise<string> {
  const json = JSON.parse(await fs.readFile(path.join(at, 'model.json'), 'utf8'));
  return path.join(at, json.weightsManifest.path);
}

describe('save → loadModel', () => {
  // Default layer names count up across the process (Keras); start each test from 'dense'.
  beforeEach(() => resetNameCounters());
  test('a trained CNN with batch norm round-trips: bit-identical predictions, weights, training config', async () => {
    const model = await trainedCnn();
    await model.save(dir);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', path.basename(await weightsFile(dir))]); // no temporary files left
    const loaded = await loadModel(dir);
    expect(loaded.layers.map((l) => `${l.name}:${l.className}`)).toEqual(
      model.layers.map((l) => `${l.name}:${l.className}`),
    );
    expect(bits(loaded.predict(images))).toEqual(bits(model.predict(images)));
    loaded.getWeights().forEach((w, i) => expect(bits(w)).toEqual(bits(model.getWeights()[i])));
    expect(loaded.optimizer).toBeInstanceOf(Adam);
    expect(loaded.optimizer!.learningRate).toBe(0.01);
    expect(loaded.evaluate(images, imageLabels)).toEqual(model.evaluate(images, imageLabels));
    expect(loaded.summary({ print: false })).toBe(model.summary({ print: false }));
  });

  test('recurrent models with embeddings round-trip, and float64 stays float64', async () => {
    setSeed(2);
    const model = new Sequential([
      new Embedding({ inputDim: 7, outputDim: 3, inputShape: [5], dtype: 'float64' }),
      new LSTM({ units: 4, returnSequences: true, dtype: 'float64' }),
      new GRU({ units: 3, dtype: 'float64' }),
      new Dense({ units: 1, dtype: 'float64' }),
    ]);
    model.compile({
      optimizer: new SGD({
        learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }),
        momentum: 0.5,
      }),
      loss: { name: 'huber', delta: 0.5 },
    });
    const ids = tensor(
      [
        [0, 1, 2, 3, 4],
        [6, 5, 4, 3, 2],
      ],
      { dtype: 'int32' },
    );
    await model.fit(ids, tensor([[1], [-1]]), { epochs: 2, verbose: 0 });
    await model.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded.weights[0].value.dtype).toBe('float64');
    expect(bits(loaded.predict(ids))).toEqual(bits(model.predict(ids)));
    expect((loaded.optimizer as SGD).momentum).toBe(0.5);
    expect(loaded.optimizer!.iterations).toBe(model.optimizer!.iterations);
    expect((loaded.optimizer as SGD).currentLearningRate).toBe(model.optimizer!.currentLearningRate);
    expect(loaded.evaluate(ids, tensor([[1], [-1]])).loss).toBe(
      model.evaluate(ids, tensor([[1], [-1]])).loss,
    );
  });

  test('model.json holds the format version, architecture and a manifest with offsets and CRC-32', async () => {
    const model = await trainedCnn();
    await model.save(dir);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('zen-ts-model');
    expect(json.formatVersion).toBe(2);
    expect(json.modelConfig.config.layers[0]).toMatchObject({
      className: 'Conv2D',
      config: { filters: 4, padding: 'same' },
    });
    expect(json.trainingConfig).toMatchObject({
      loss: { name: 'sparseCategoricalCrossentropy' },
      metrics: ['accuracy'],
    });
    const manifest = json.weightsManifest;
    expect(manifest.weights.map((w: { name: string }) => w.name)).toEqual([
      'conv2d/kernel',
      'conv2d/bias',
      'batch_normalization/gamma',
      'batch_normalization/beta',
      'batch_normalization/moving_mean',
      'batch_normalization/moving_variance',
      'dense/kernel',
      'dense/bias',
      'optimizer/iterations',
      ...['conv2d/kernel', 'conv2d/bias', 'batch_normalization/gamma', 'batch_normalization/beta']
        .concat(['dense/kernel', 'dense/bias'])
        .flatMap((w) => [`optimizer/${w}/m`, `optimizer/${w}/v`]),
      'optimizer/random_stream',
    ]);
    expect(manifest.weights[8]).toMatchObject({ shape: [], dtype: 'float64', group: 'optimizer' });
    expect(manifest.weights[1]).toEqual({
      name: 'conv2d/bias',
      shape: [4],
      dtype: 'float32',
      byteOffset: 144,
      byteLength: 16,
      trainable: true,
    });
    expect(manifest.weights[4].trainable).toBe(false);
    expect(manifest.checksum.value).toMatch(/^0x[0-9a-f]{8}$/);
    const bin = await fs.readFile(await weightsFile(dir));
    expect(bin.length).toBe(manifest.byteLength);
    const trainable = model.trainableWeights.reduce((n, w) => n + w.value.size, 0);
    expect(bin.length).toBe(model.countParams() * 4 + 8 + 2 * trainable * 4 + 258 * 8);
    // Little-endian float32: the first kernel value read back by hand.
    expect(bin.readFloatLE(0)).toBe(model.weights[0].value.data[0]);
  });

  test('a truncated weights.bin is refused, naming the file', async () => {
    const model = await trainedCnn();
    await model.save(dir);
    const file = await weightsFile(dir);
    const bin = await fs.readFile(file);
    await fs.writeFile(file, bin.subarray(0, bin.length - 10));
    await expect(loadModel(dir)).rejects.toThrow(
      `loadModel: ${file} is truncated: ${bin.length - 10} bytes, but ${path.join(dir, 'model.json')} describes ${bin.length}`,
    );
  });

  test('a corrupted byte is caught by the checksum', async () => {
    const model = await trainedCnn();
    await model.save(dir);
    const file = await weightsFile(dir);
    const bin = await fs.readFile(file);
    bin[100] ^= 0x10;
    await fs.writeFile(file, bin);
    await expect(loadModel(dir)).rejects.toThrow(
      new RegExp(
        `^loadModel: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is corrupted: its CRC-32 is 0x[0-9a-f]{8} but .*model.json records 0x[0-9a-f]{8}$`,
      ),
    );
  });

  test('a manifest that does not match the architecture is refused', async () => {
    const model = await trainedCnn();
    await model.save(dir);
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8'));
    json.modelConfig.config.layers[5].config.units = 2;
    await fs.writeFile(file, JSON.stringify(json));
    await expect(loadModel(dir)).rejects.toThrow(
      `loadModel: ${file}: weight 'dense/kernel' has shape [64,3] in the manifest but the model expects [64,2]`,
    );
    json.modelConfig.config.layers[5].config.units = 3;
    json.weightsManifest.weights[7].name = 'dense/offset';
    await fs.writeFile(file, JSON.stringify(json));
    await expect(loadModel(dir)).rejects.toThrow(
      `loadModel: ${file}: the manifest has no entry for weight 'dense/bias'`,
    );
  });

  test('missing files, bad JSON and foreign files are explained', async () => {
    await expect(loadModel(path.join(dir, 'nope'))).rejects.toThrow(
      `loadModel: cannot read model file ${path.join(dir, 'nope', 'model.json')} (no such file)`,
    );
    await fs.writeFile(path.join(dir, 'model.json'), '{ not json');
    await expect(loadModel(dir)).rejects.toThrow(
      `loadModel: ${path.join(dir, 'model.json')} is not valid JSON`,
    );
    await fs.writeFile(path.join(dir, 'model.json'), '{"format": "keras"}');
    await expect(loadModel(dir)).rejects.toThrow("is not a Zen-TS model file (format 'keras')");
  });

  test('saving over a previous save replaces both files; an unbuilt model cannot be saved', async () => {
    const model = await trainedCnn();
    await model.save(dir);
    model.weights[0].value.data[0] += 1;
    await model.save(dir);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', path.basename(await weightsFile(dir))]);
    expect((await loadModel(dir)).weights[0].value.data[0]).toBe(model.weights[0].value.data[0]);
    await expect(new Sequential([new Dense({ units: 1 })]).save(dir)).rejects.toThrow(
      "save: model 'sequential_1' is not built yet",
    );
  });

  test('an uncompiled model loads uncompiled', async () => {
    const model = new Sequential([new Dense({ units: 2, inputShape: [3] })]);
    await model.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded.optimizer).toBeNull();
    expect(bits(loaded.predict(tensor([[1, 2, 3]])))).toEqual(bits(model.predict(tensor([[1, 2, 3]]))));
  });
});
