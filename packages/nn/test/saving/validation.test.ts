/**
 * loadModel refuses every malformed model.json before reading a weight, naming the file
 * and the field; save and load take a directory, a model.json path or a file:// URL and
 * refuse other schemes; version-1 files keep loading.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { FormatError, setSeed, tensor } from '@zen/autograd-core';
import { Adam, Dense, Sequential, loadModel, resetNameCounters } from '@zen/nn';
import { testValues } from '../helpers';
import { bits, useTempDir } from './temp-dir';

let dir: string;
useTempDir('zen-validate-', (d) => (dir = d));

const x = tensor(testValues(8, 3), { shape: [2, 4] });

/** Two Dense layers with same-shape kernels (so swapped names would fit), compiled with Adam. */
async function savedModel(): Promise<Sequential> {
  setSeed(3);
  const model = new Sequential([
    new Dense({ units: 4, inputShape: [4] }),
    new Dense({ units: 4 }),
    new Dense({ units: 2 }),
  ]);
  model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
  model.trainOnBatch(
    x,
    tensor([
      [1, 0],
      [0, 1],
    ]),
  );
  await model.save(dir);
  return model;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Rewrites model.json with `edit` applied and expects loadModel to refuse it with `message`. */
async function refuses(edit: (json: Json) => void, message: string | RegExp): Promise<void> {
  const file = path.join(dir, 'model.json');
  const original = await fs.readFile(file, 'utf8');
  const json = JSON.parse(original);
  edit(json);
  await fs.writeFile(file, JSON.stringify(json));
  try {
    const error = await loadModel(dir).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(FormatError);
    expect(error!.message).toMatch(message);
    expect(error!.message).toContain(file);
  } finally {
    await fs.writeFile(file, original);
  }
}

describe('manifest validation', () => {
  // Default layer names count up across the process (Keras); start each test from 'dense'.
  beforeEach(() => resetNameCounters());
  test('offsets: misaligned, overlapping, non-integer, missing, gaps, out of range', async () => {
    await savedModel();
    const w = (json: Json) => json.weightsManifest.weights;
    await refuses(
      (j) => (w(j)[1].byteOffset += 2),
      /weights\[1\] \('dense\/bias'\)\.byteOffset \d+ is not a multiple of 4/,
    );
    await refuses((j) => (w(j)[1].byteOffset -= 4), /entry 'dense\/bias' .* overlaps the entry before it/);
    await refuses(
      (j) => (w(j)[2].byteOffset += 0.5),
      /weights\[2\] \('dense_1\/kernel'\)\.byteOffset must be a non-negative integer/,
    );
    await refuses(
      (j) => delete w(j)[3].byteOffset,
      /weights\[3\] \('dense_1\/bias'\)\.byteOffset must be a non-negative integer, got undefined/,
    );
    await refuses((j) => (w(j)[0].byteOffset = -4), /byteOffset must be a non-negative integer, got -4/);
    await refuses((j) => w(j).splice(1, 1), /leave a gap: bytes 64…80 belong to no entry/);
    await refuses(
      (j) => (j.weightsManifest.byteLength += 4),
      /weightsManifest\.byteLength is \d+ but the entries cover/,
    );
    await refuses(
      (j) => (w(j)[0].byteLength = 60),
      /byteLength must be 64 for shape \[4,4\] float32, got 60/,
    );
  });

  test('names, shapes and dtypes: each expected weight exactly once, in the model order', async () => {
    await savedModel();
    const w = (json: Json) => json.weightsManifest.weights;
    // Two same-shape kernels with their names swapped: every check of names and shapes passes.
    await refuses(
      (j) => ([w(j)[0].name, w(j)[2].name] = [w(j)[2].name, w(j)[0].name]),
      /weights 'dense\/kernel' and 'dense\/bias' are stored out of the model's order \(byte offsets 80 and 64\)/,
    );
    await refuses((j) => (w(j)[3].name = w(j)[1].name), /weights\[3\] \('dense\/bias'\) appears twice/);
    await refuses(
      (j) => (w(j)[1].shape = [2, 2]),
      /weight 'dense\/bias' has shape \[2,2\] in the manifest but the model expects \[4\]/,
    );
    await refuses(
      (j) => (w(j)[1].dtype = 'int32'),
      /weights\[1\] \('dense\/bias'\)\.dtype must be 'float32' or 'float64', got 'int32'/,
    );
    await refuses(
      (j) => (w(j)[1].shape = [-4]),
      /\.shape must be an array of non-negative integers, got \[-4\]/,
    );
    await refuses(
      (j) => (w(j)[1].name = 'dense/offset'),
      /the manifest has no entry for weight 'dense\/bias'/,
    );
  });

  test('container fields: formatVersion, byteOrder, checksum algorithm, booleans, path, groups', async () => {
    await savedModel();
    const m = (json: Json) => json.weightsManifest;
    await refuses(
      (j) => (j.formatVersion = -1),
      /formatVersion -1 is not supported \(this library reads versions 1 to 2\)/,
    );
    await refuses((j) => (j.formatVersion = 3), /formatVersion 3 is not supported/);
    await refuses((j) => (j.formatVersion = '2'), /formatVersion '2' is not supported/);
    await refuses(
      (j) => (m(j).byteOrder = 'big-endian'),
      /weightsManifest\.byteOrder must be 'little-endian', got 'big-endian'/,
    );
    await refuses(
      (j) => (m(j).checksum.algorithm = 'md5'),
      /weightsManifest\.checksum\.algorithm must be 'crc32', got 'md5'/,
    );
    await refuses((j) => (m(j).checksum.value = 'abc'), /checksum\.value must be a CRC-32/);
    await refuses(
      (j) => (m(j).weights[0].trainable = 'yes'),
      /weights\[0\] \('dense\/kernel'\)\.trainable must be true or false, got 'yes'/,
    );
    await refuses(
      (j) => (m(j).path = '../elsewhere.bin'),
      /weightsManifest\.path must be a file name in the model's directory/,
    );
    await refuses(
      (j) => (m(j).weights[0].group = 'model'),
      /weights\[0\] \('dense\/kernel'\)\.group must be absent or 'optimizer'/,
    );
    await refuses((j) => (j.trainingConfig = 'adam'), /trainingConfig must be an object or null/);
  });

  test('optimizer entries: unknown weights or state, shapes, and a negative epsilon', async () => {
    await savedModel();
    const w = (json: Json) => json.weightsManifest.weights;
    const slot = (j: Json) => w(j).findIndex((e: Json) => e.name === 'optimizer/dense/kernel/m');
    await refuses(
      (j) => (w(j)[slot(j)].name = 'optimizer/dense/kernel/velocity'),
      /optimizer entry 'optimizer\/dense\/kernel\/velocity' names state 'velocity', which Adam does not keep \(m, v\)/,
    );
    await refuses(
      (j) => (w(j)[slot(j)].name = 'optimizer/nothing/m'),
      /optimizer entry 'optimizer\/nothing\/m' names no trainable weight/,
    );
    await refuses(
      (j) => (w(j)[slot(j)].shape = [16]),
      /optimizer entry 'optimizer\/dense\/kernel\/m' has shape \[16\] but weight 'dense\/kernel' has \[4,4\]/,
    );
    await refuses(
      (j) => (j.trainingConfig.optimizer.config.epsilon = -1e-7),
      /trainingConfig: Adam: epsilon must be a non-negative number, got -1e-7/,
    );
  });

  test('a model that loads equals the saved one, optimizer state included', async () => {
    const model = await savedModel();
    const loaded = await loadModel(dir);
    expect(bits(loaded.predict(x))).toEqual(bits(model.predict(x)));
    expect(loaded.optimizer!.iterations).toBe(1);
    const params = loaded.parameters();
    const saved = model.optimizer!.getState(model.parameters());
    const restored = loaded.optimizer!.getState(params);
    expect(restored.slots.map((s) => [s.index, s.name])).toEqual(saved.slots.map((s) => [s.index, s.name]));
    restored.slots.forEach((s, k) => expect(Array.from(s.values)).toEqual(Array.from(saved.slots[k].values)));
  });
});

describe('configs naming file, layer and field', () => {
  // Default layer names count up across the process (Keras); start each test from 'dense'.
  beforeEach(() => resetNameCounters());
  test('malformed layer entries and fields are refused with the file and the layer', async () => {
    await savedModel();
    const layers = (j: Json) => j.modelConfig.config.layers;
    await refuses(
      (j) => (layers(j)[1] = { className: 'Dense' }),
      /modelConfig\.config\.layers\[1\] must be an object \{ className, config \}/,
    );
    await refuses(
      (j) => delete layers(j)[1].config.units,
      /modelConfig\.config\.layers\[1\] \(Dense 'dense_1' \): .*units/,
    );
    await refuses(
      (j) => (layers(j)[0].className = 'Densest'),
      /modelConfig\.config\.layers\[0\] \(Densest 'dense' \): unknown layer class 'Densest'/,
    );
    await refuses(
      (j) => (j.modelConfig.config.layers = 'all'),
      /modelConfig\.config\.layers must be an array/,
    );
    await refuses((j) => delete j.modelConfig, /modelConfig must be an object \{ className, config \}/);
    await refuses(
      (j) => (j.modelConfig.config.buildInputShape = [null, 'x']),
      /buildInputShape must be null or \[null, …sizes\]/,
    );
  });

  test.each([
    ['units: 1e7', (j: Json) => (j.modelConfig.config.layers[1].config.units = 1e7)],
    [
      'inputShape [60000, 60000]',
      (j: Json) => {
        j.modelConfig.config.layers[0].config.inputShape = [60000 * 60000];
        j.modelConfig.config.buildInputShape = [null, 60000 * 60000];
      },
    ],
  ])('absurd sizes (%s) are refused in milliseconds, before allocating', async (_, edit) => {
    await savedModel();
    const started = Date.now();
    await refuses(edit, /the config asks for more weights than .* holds/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('save and load targets', () => {
  // Default layer names count up across the process (Keras); start each test from 'dense'.
  beforeEach(() => resetNameCounters());
  test('a directory, a model.json path and file:// URLs (absolute and relative) all work', async () => {
    const model = await savedModel();
    const want = bits(model.predict(x));
    expect(bits((await loadModel(path.join(dir, 'model.json'))).predict(x))).toEqual(want);
    expect(bits((await loadModel(pathToFileURL(dir).href)).predict(x))).toEqual(want);
    const other = path.join(dir, 'sub dir');
    await model.save(pathToFileURL(other).href);
    expect(bits((await loadModel(pathToFileURL(path.join(other, 'model.json')).href)).predict(x))).toEqual(
      want,
    );
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await model.save('file://./relative');
      expect(bits((await loadModel(path.join(dir, 'relative'))).predict(x))).toEqual(want);
    } finally {
      process.chdir(cwd);
    }
    expect(await fs.readdir(dir)).not.toContain('file:');
  });

  test('other schemes are refused by name, and nothing is created', async () => {
    const model = await savedModel();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await expect(model.save('s3://bucket/model')).rejects.toThrow(
        "save: 's3://' targets are not supported here ('s3://bucket/model')",
      );
      await expect(loadModel('ftp://host/model.json')).rejects.toThrow(
        "loadModel: 'ftp://' targets are not supported",
      );
      expect((await fs.readdir(dir)).sort()).not.toContain('s3:');
    } finally {
      process.chdir(cwd);
    }
  });

  test('includeOptimizer: false saves the weights only', async () => {
    const model = await savedModel();
    await model.save(dir, { includeOptimizer: false });
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest.weights.map((e: Json) => e.name)).toEqual([
      'dense/kernel',
      'dense/bias',
      'dense_1/kernel',
      'dense_1/bias',
      'dense_2/kernel',
      'dense_2/bias',
    ]);
    const loaded = await loadModel(dir);
    expect(loaded.optimizer!.iterations).toBe(0);
    expect(bits(loaded.predict(x))).toEqual(bits(model.predict(x)));
  });
});

describe('format version 1', () => {
  // Default layer names count up across the process (Keras); start each test from 'dense'.
  beforeEach(() => resetNameCounters());
  test('a committed version-1 file loads, its weights exactly as stored', async () => {
    const fixture = path.join(__dirname, 'fixtures/v1-dense');
    const json = JSON.parse(await fs.readFile(path.join(fixture, 'model.json'), 'utf8'));
    expect(json.formatVersion).toBe(1);
    const model = await loadModel(fixture);
    const bin = await fs.readFile(path.join(fixture, 'weights.bin'));
    // Each weight read back by hand from the little-endian bytes.
    json.weightsManifest.weights.forEach((entry: Json, k: number) => {
      const values = Array.from({ length: entry.byteLength / 4 }, (_, i) =>
        bin.readFloatLE(entry.byteOffset + 4 * i),
      );
      expect(Array.from(model.weights[k].value.data)).toEqual(values);
    });
    expect(model.optimizer!.className).toBe('SGD');
    expect(model.name).toBe('v1_model');
  });
});
