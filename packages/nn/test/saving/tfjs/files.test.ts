/**
 * tfjs-layers files beyond the plain case: several shards and groups, camelCase configs,
 * files converted from Keras (InputLayer, 'layer/cell/kernel:0' names, Keras 3's
 * hard_sigmoid), trainingConfig, and clear errors for malformed or unsupported files.
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'fs';
import * as path from 'path';
import { tensor } from '@zen/autograd-core';
import { Adam, Dense, GRU, Sequential, exportTfjs, loadModel } from '@zen/nn';
import { LAYER_CASES, randomizeWeights } from './layer-cases';

type KerasEntry = { class_name: string; config: Record<string, unknown> };
import {
  camelTree,
  fromTfjs,
  readJson,
  writeJson,
  loadTfjsModel,
  maxScaledDifference,
  saveTfjsModel,
  tempDir,
  useTfjsCpu,
  removeTempDirs,
} from './tfjs-files';

beforeAll(() => useTfjsCpu());
afterAll(() => removeTempDirs());

function smallModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, activation: 'relu', inputShape: [5] }),
      tf.layers.batchNormalization(),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  randomizeWeights(model);
  return model;
}

const x = () => tf.randomNormal([4, 5], 0, 1, 'float32', 11);

async function expectSamePredictions(tfModel: tf.LayersModel, dir: string): Promise<void> {
  const zen = await loadModel(dir);
  expect(
    maxScaledDifference(zen.predict(fromTfjs(x())), tfModel.predict(x()) as tf.Tensor),
  ).toBeLessThanOrEqual(1e-5);
}

describe('tfjs-layers files', () => {
  test('weights split over three shards and two manifest groups', async () => {
    const model = smallModel();
    const dir = await tempDir('shards');
    await saveTfjsModel(model, dir, { shards: 3, splitGroupsAfter: 3 });
    const manifest = (await readJson(dir)).weightsManifest as { paths: string[] }[];
    expect(manifest.map((g) => g.paths)).toEqual([
      ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'],
      ['group2-shard1of3.bin', 'group2-shard2of3.bin', 'group2-shard3of3.bin'],
    ]);
    await expectSamePredictions(model, dir);
  });

  test('camelCase configs load like snake_case ones', async () => {
    const model = smallModel();
    const dir = await tempDir('camel');
    await saveTfjsModel(model, dir);
    const json = await readJson(dir);
    await writeJson(dir, { ...json, modelTopology: camelTree(json.modelTopology) });
    expect(JSON.stringify(await readJson(dir))).toContain('"useBias"');
    await expectSamePredictions(model, dir);
  });

  test('a Keras-converted file: InputLayer, model_config wrapper, cell-scoped names with :0', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', inputShape: [4, 2] }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    randomizeWeights(model);
    const dir = await tempDir('keras');
    await saveTfjsModel(model, dir);
    const json = await readJson(dir);
    const topology = json.modelTopology as {
      config: { name: string; layers: { config: Record<string, unknown> }[] };
    };
    const [lstm, dense] = topology.config.layers;
    const batchShape = lstm.config.batch_input_shape;
    delete lstm.config.batch_input_shape;
    const layers = [
      { class_name: 'InputLayer', config: { batch_input_shape: batchShape, name: 'input_1' } },
      lstm,
      dense,
    ];
    const manifest = json.weightsManifest as { weights: { name: string }[] }[];
    for (const w of manifest[0].weights) {
      const [layer, weight] = w.name.split('/');
      w.name = layer.startsWith('lstm') ? `${layer}/lstm_cell/${weight}:0` : `${w.name}:0`;
    }
    await writeJson(dir, {
      ...json,
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: { class_name: 'Sequential', config: { ...topology.config, layers } },
      },
      generatedBy: 'keras v2.15.0',
    });
    const seq = tf.randomNormal([3, 4, 2], 0, 1, 'float32', 2);
    const zen = await loadModel(dir);
    expect(
      maxScaledDifference(zen.predict(fromTfjs(seq)), model.predict(seq) as tf.Tensor),
    ).toBeLessThanOrEqual(1e-5);
  });

  test("Keras 3 files get Keras 3's hard_sigmoid, relu6(x + 3)/6", async () => {
    const dir = await tempDir('keras3');
    const weights = new Float32Array([1, 0.5, 0]); // kernel [[1], [0.5]] and bias [0]
    await fs.writeFile(path.join(dir, 'group1-shard1of1.bin'), new Uint8Array(weights.buffer));
    const dense = {
      class_name: 'Dense',
      config: { name: 'd', units: 1, activation: 'hard_sigmoid', batch_input_shape: [null, 2] },
    };
    const manifest = [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'd/kernel', shape: [2, 1], dtype: 'float32' },
          { name: 'd/bias', shape: [1], dtype: 'float32' },
        ],
      },
    ];
    const json = (version: string) => ({
      modelTopology: {
        keras_version: version,
        model_config: { class_name: 'Sequential', config: { name: 's', layers: [dense] } },
      },
      weightsManifest: manifest,
    });
    const input = tensor([[1.5, 1]]); // z = 2
    await writeJson(dir, json('3.3.3'));
    expect((await loadModel(dir)).predict(input).item()).toBeCloseTo(5 / 6, 6);
    await writeJson(dir, json('2.15.0'));
    expect((await loadModel(dir)).predict(input).item()).toBeCloseTo(0.9, 6);
  });

  test('trainingConfig compiles the model, and fit continues from the loaded weights', async () => {
    const model = smallModel();
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const dir = await tempDir('training');
    await saveTfjsModel(model, dir, { includeOptimizer: true });
    const zen = await loadModel(dir);
    const optimizer = zen.optimizer as Adam;
    expect(optimizer).toBeInstanceOf(Adam);
    expect(optimizer.learningRate).toBeCloseTo(0.01, 8);
    const xs = fromTfjs(tf.randomNormal([32, 5], 0, 1, 'float32', 4));
    const ys = fromTfjs(
      tf
        .oneHot(
          tf.tensor1d(
            Array.from({ length: 32 }, (_, i) => i % 3),
            'int32',
          ),
          3,
        )
        .toFloat(),
    );
    const before = zen.evaluate(xs, ys).loss;
    const history = await zen.fit(xs, ys, { epochs: 5, batchSize: 8, verbose: 0 });
    expect(history.history.accuracy).toHaveLength(5);
    expect(zen.evaluate(xs, ys).loss).toBeLessThan(before);
  });

  test('exportTfjs of a compiled Zen-TS model: tfjs compiles it and predicts the same', async () => {
    const zen = new Sequential([
      new Dense({ units: 4, activation: 'selu', inputShape: [3] }),
      new Dense({ units: 2, activation: 'softmax' }),
    ]);
    zen.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'categoricalCrossentropy' });
    const dir = await tempDir('compiled');
    await exportTfjs(zen, dir);
    const back = await loadTfjsModel(dir);
    expect(back.optimizer).toBeTruthy();
    const input = tf.randomNormal([5, 3], 0, 1, 'float32', 8);
    expect(
      maxScaledDifference(zen.predict(fromTfjs(input)), back.predict(input) as tf.Tensor),
    ).toBeLessThanOrEqual(1e-5);
  });

  test("Keras 3's backward_layer (the wrapped layer with go_backwards) loads; a different one is refused", async () => {
    const c = LAYER_CASES.find((k) => k.name.startsWith('TimeDistributed'))!;
    const tfModel = c.build();
    const dir = await tempDir('backward-layer');
    await saveTfjsModel(tfModel, dir);
    const json = await readJson(dir);
    const layers = ((json.modelTopology as Record<string, unknown>).config as { layers: KerasEntry[] })
      .layers;
    const bi = layers.find((l) => l.class_name === 'Bidirectional')!;
    const inner = bi.config.layer as KerasEntry;
    const backward = { ...inner.config, name: `backward_${String(inner.config.name)}`, go_backwards: true };
    bi.config.backward_layer = { class_name: inner.class_name, config: backward };
    await writeJson(dir, json);
    const x = c.input() as tf.Tensor;
    const zen = await loadModel(dir);
    expect(
      maxScaledDifference(zen.predict(fromTfjs(x)), tfModel.predict(x) as tf.Tensor),
    ).toBeLessThanOrEqual(1e-5);
    bi.config.backward_layer = { class_name: inner.class_name, config: { ...backward, units: 5 } };
    await writeJson(dir, json);
    await expect(loadModel(dir)).rejects.toThrow(
      /\(Bidirectional\): backward_layer differs from the wrapped layer run backwards/,
    );
  });
});

describe('errors name the file and the layer', () => {
  test('unsupported layers and options are all listed before anything is built', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 4, inputShape: [3], kernelRegularizer: tf.regularizers.l2() })],
    });
    const dir = await tempDir('unsupported');
    await saveTfjsModel(model, dir);
    const json = await readJson(dir);
    const layers = (json.modelTopology as { config: { layers: unknown[] } }).config.layers;
    layers.push(
      { class_name: 'Conv3D', config: { name: 'conv3d_Conv3D1', filters: 2 } },
      {
        class_name: 'LSTM',
        config: { name: 'lstm_LSTM1', units: 2, go_backwards: true, dropout: 0.1, kernel_constraint: null },
      },
      { class_name: 'Dense', config: { name: 'dense_Dense9', units: 1, activation: 'hard_tanh' } },
    );
    await writeJson(dir, json);
    const file = path.join(dir, 'model.json');
    const error = await loadModel(dir).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(
      `loadModel: ${file}: this TensorFlow.js model uses what Zen-TS does not support:`,
    );
    expect(message).toMatch(/layer 'dense_Dense\d+' \(Dense\): kernel_regularizer = \{"class_name":"L1L2"/);
    expect(message).toContain("layer 'conv3d_Conv3D1' (Conv3D): this layer kind is not supported");
    expect(message).toContain("layer 'lstm_LSTM1' (LSTM): dropout = 0.1; go_backwards = true");
    expect(message).toContain(
      `layer 'dense_Dense9' (Dense): activation = "hard_tanh" (no such activation in Zen-TS)`,
    );
    expect(message).not.toContain('kernel_constraint');
  });

  test('a missing shard, truncated weights, a wrong shape, a missing weight', async () => {
    const dir = await tempDir('broken');
    await saveTfjsModel(smallModel(), dir);
    const file = path.join(dir, 'model.json');
    const good = await readJson(dir);
    const shard = path.join(dir, 'group1-shard1of1.bin');
    const bytes = await fs.readFile(shard);

    await fs.rm(shard);
    await expect(loadModel(dir)).rejects.toThrow(
      `loadModel: cannot read weights shard ${shard} named by ${file} (no such file)`,
    );

    await fs.writeFile(shard, bytes.subarray(0, bytes.length - 8));
    await expect(loadModel(dir)).rejects.toThrow(`loadModel: weights of ${file} are truncated: weight`);
    await fs.writeFile(shard, bytes);

    const wrongShape = structuredClone(good) as {
      weightsManifest: { weights: { name: string; shape: number[] }[] }[];
    };
    const kernel = wrongShape.weightsManifest[0].weights[0];
    kernel.shape = [8, 5];
    await writeJson(dir, wrongShape);
    await expect(loadModel(dir)).rejects.toThrow(
      `loadModel: ${file}: weight '${kernel.name}' has shape [8,5] but layer '${kernel.name.split('/')[0]}' (Dense) needs 'kernel' of shape [5,8]`,
    );

    const missing = structuredClone(good) as { weightsManifest: { weights: { name: string }[] }[] };
    missing.weightsManifest[0].weights[1].name = 'something/else';
    await writeJson(dir, missing);
    await expect(loadModel(dir)).rejects.toThrow(
      /the weights manifest has no 'bias' for layer 'dense_Dense\d+' \(Dense\)/,
    );
  });

  test('malformed files: no layer list, an unknown model class, a bad manifest entry', async () => {
    const dir = await tempDir('malformed');
    const file = path.join(dir, 'model.json');
    await writeJson(dir, { modelTopology: { class_name: 'Sequential', config: {} }, weightsManifest: [] });
    await expect(loadModel(dir)).rejects.toThrow(
      `loadModel: ${file}: the Sequential topology has no layer list`,
    );
    await writeJson(dir, {
      modelTopology: { class_name: 'Functional', config: { name: 'f' } },
      weightsManifest: [],
    });
    await expect(loadModel(dir)).rejects.toThrow(`loadModel: ${file}: Functional 'f' has no 'layers' list`);
    await writeJson(dir, { modelTopology: { class_name: 'Graph', config: {} }, weightsManifest: [] });
    await expect(loadModel(dir)).rejects.toThrow(`loadModel: ${file}: model class 'Graph' is not supported`);
    await saveTfjsModel(smallModel(), dir);
    const json = await readJson(dir);
    (json.weightsManifest as { weights: unknown[] }[])[0].weights[0] = { name: 'x', shape: 'big' };
    await writeJson(dir, json);
    await expect(loadModel(dir)).rejects.toThrow(
      `loadModel: ${file}: malformed weight entry {"name":"x","shape":"big"}`,
    );
  });

  test('exportTfjs lists what TensorFlow.js cannot express', async () => {
    const zen = new Sequential([
      new GRU({ units: 2, inputShape: [3, 2] }),
      new Dense({ units: 2, activation: 'exponential' }),
    ]);
    zen.build();
    await expect(exportTfjs(zen, await tempDir('refused'))).rejects.toThrow(
      /exportTfjs: model '.*' uses what TensorFlow.js does not support:\n {2}- layer 'gru(_\d+)?' \(GRU\): resetAfter true \(TensorFlow.js only has the reset-before GRU\)\n {2}- layer 'dense(_\d+)?' \(Dense\): activation 'exponential' has no TensorFlow.js equivalent/,
    );
  });
});
