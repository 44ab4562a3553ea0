/**
 * Functional tfjs-layers files beyond TensorFlow.js's own output: models built in Zen-TS
 * and exported, Keras 3's call format (`{ args, kwargs }` with keras tensors), camelCase
 * topologies, and clear errors for unsupported or broken graphs.
 */
import * as tf from '@tensorflow/tfjs';
import { type Tensor, randn, setSeed } from '@zen/autograd-core';
import { Dense, Model, Sequential, exportTfjs, input, loadModel } from '@zen/nn';
import { FUNCTIONAL_CASES } from './functional-cases';
import { randomizeWeights } from './layer-cases';
import {
  camelTree,
  inputsFromTfjs,
  readJson,
  writeJson,
  loadTfjsModel,
  maxOutputDifference,
  removeTempDirs,
  saveTfjsModel,
  tempDir,
  useTfjsCpu,
} from './tfjs-files';

beforeAll(() => useTfjsCpu());
afterAll(() => removeTempDirs());

type Json = Record<string, unknown>;

/** A functional case (by default the two-input shared-layer one), saved by TensorFlow.js. */
async function savedSharedCase(
  name = 'shared',
): Promise<{ tfModel: tf.LayersModel; dir: string; x: tf.Tensor | tf.Tensor[] }> {
  const c = FUNCTIONAL_CASES.find((k) => k.name.includes(name))!;
  const tfModel = c.build();
  const dir = await tempDir('functional');
  await saveTfjsModel(tfModel, dir);
  return { tfModel, dir, x: c.input() };
}

async function expectSame(dir: string, tfModel: tf.LayersModel, x: tf.Tensor | tf.Tensor[]): Promise<void> {
  const zen = await loadModel(dir);
  const difference = maxOutputDifference(
    zen.predict<Tensor[]>(inputsFromTfjs(x)),
    tfModel.predict(x) as tf.Tensor[],
  );
  expect(difference).toBeLessThanOrEqual(1e-5);
}

/**
 * Rewrites a TensorFlow.js functional topology the way Keras 3 writes it: class 'Functional',
 * calls as `{ args, kwargs }` with keras tensors whose node indices count only this model's
 * calls (TensorFlow.js counts a nested model's own graph as its node 0), and output
 * references to a nested Sequential counted the same way.
 */
function toKeras3(topology: Json): void {
  topology.class_name = 'Functional';
  topology.keras_version = '3.6.0';
  const config = topology.config as Json;
  const layers = config.layers as Json[];
  const nested = new Map(layers.map((l) => [l.name, l.class_name]));
  const own = ([name, node, index]: unknown[]) => [
    name,
    nested.get(name) === 'Sequential' || nested.get(name) === 'Model' ? (node as number) - 1 : node,
    index,
  ];
  const tensor = (ref: unknown[]) => ({
    class_name: '__keras_tensor__',
    config: { shape: null, dtype: 'float32', keras_history: own(ref) },
  });
  for (const layer of layers) {
    if (layer.class_name === 'Model') layer.class_name = 'Functional';
    layer.inbound_nodes = (layer.inbound_nodes as unknown[][][]).map((call) => ({
      args: [call.length === 1 ? tensor(call[0]) : call.map(tensor)],
      kwargs: {},
    }));
  }
  config.output_layers = (config.output_layers as unknown[][]).map((ref) =>
    nested.get(ref[0]) === 'Sequential' ? own(ref) : ref,
  );
}

describe('functional tfjs-layers files', () => {
  test('a functional model built in Zen-TS (shared layer, nested Sequential, two outputs) exports for tf.loadLayersModel', async () => {
    setSeed(5);
    const a = input({ shape: [4], name: 'a' });
    const b = input({ shape: [4], name: 'b' });
    const shared = new Dense({ units: 3, activation: 'relu' });
    const tower = new Sequential([
      new Dense({ units: 5, activation: 'tanh', inputShape: [3] }),
      new Dense({ units: 2 }),
    ]);
    const ha = shared.apply(a);
    const hb = shared.apply(b);
    const zen = new Model({ inputs: [a, b], outputs: [tower.apply(ha), tower.apply(hb), hb] });
    const dir = await tempDir('zen-functional');
    await exportTfjs(zen, dir);
    const back = await loadTfjsModel(dir);
    const x = [randn([3, 4]), randn([3, 4])];
    const tfx = x.map((t) => tf.tensor(Array.from(t.data), [...t.shape]));
    const expected = zen.predict<Tensor[]>(x);
    expect(maxOutputDifference(expected, back.predict(tfx) as tf.Tensor[])).toBeLessThanOrEqual(1e-5);
    // And Zen-TS reads its own export back with the same graph.
    const again = await loadModel<Model>(dir);
    expect(again.inputNames).toEqual(['a', 'b']);
    expect(
      maxOutputDifference(again.predict<Tensor[]>(x), back.predict(tfx) as tf.Tensor[]),
    ).toBeLessThanOrEqual(1e-5);
  });

  test.each(['shared', 'Minimum', 'nested Sequential and nested functional'])(
    "Keras 3's call format ({ args, kwargs } with keras tensors, class 'Functional') loads: %s case",
    async (name) => {
      const { tfModel, dir, x } = await savedSharedCase(name);
      const json = await readJson(dir);
      toKeras3(json.modelTopology as Json);
      await writeJson(dir, json);
      await expectSame(dir, tfModel, x);
    },
  );

  test('camelCase topologies (className, inboundNodes, inputLayers, outputLayers) load', async () => {
    const { tfModel, dir, x } = await savedSharedCase();
    const json = await readJson(dir);
    await writeJson(dir, { ...json, modelTopology: camelTree(json.modelTopology) });
    await expectSame(dir, tfModel, x);
  });

  test('Keras files with a Subtract layer (TensorFlow.js has none) load; exportTfjs refuses it by name', async () => {
    const a = tf.input({ shape: [4] });
    const b = tf.input({ shape: [4] });
    const da = tf.layers.dense({ units: 3, name: 'da' }).apply(a) as tf.SymbolicTensor;
    const db = tf.layers.dense({ units: 3, name: 'db' }).apply(b) as tf.SymbolicTensor;
    const tfModel = tf.model({ inputs: [a, b], outputs: [da, db] });
    randomizeWeights(tfModel);
    const dir = await tempDir('subtract');
    await saveTfjsModel(tfModel, dir);
    const json = await readJson(dir);
    const config = (json.modelTopology as Json).config as Json;
    (config.layers as Json[]).push({
      name: 'difference',
      class_name: 'Subtract',
      config: { name: 'difference', trainable: true, dtype: 'float32' },
      inbound_nodes: [
        [
          ['da', 0, 0, {}],
          ['db', 0, 0, {}],
        ],
      ],
    });
    config.output_layers = [['difference', 0, 0]];
    await writeJson(dir, json);
    const x = [tf.randomNormal([3, 4], 0, 1, 'float32', 1), tf.randomNormal([3, 4], 0, 1, 'float32', 2)];
    const [ya, yb] = tfModel.predict(x) as tf.Tensor[];
    const zen = await loadModel(dir);
    expect(maxOutputDifference(zen.predict(inputsFromTfjs(x)), tf.sub(ya, yb))).toBeLessThanOrEqual(1e-5);
    await expect(exportTfjs(zen, await tempDir('subtract-export'))).rejects.toThrow(
      "- layer 'difference' (Subtract): TensorFlow.js has no such layer",
    );
  });

  test('a tensor no layer produces is named, with the model and the layer', async () => {
    const { dir } = await savedSharedCase();
    const json = await readJson(dir);
    const layers = ((json.modelTopology as Json).config as Json).layers as Json[];
    const last = layers[layers.length - 1];
    (last.inbound_nodes as unknown[][][])[0][0] = ['ghost', 0, 0, {}];
    await writeJson(dir, json);
    await expect(loadModel(dir)).rejects.toThrow(
      new RegExp(
        `layer '${String(last.name)}' reads tensor \\["ghost",0,0\\], which no layer of the model produces`,
      ),
    );
  });

  test('unsupported layers inside a nested model and unsupported call arguments are all listed', async () => {
    const inner = tf.sequential({
      layers: [
        tf.layers.dense({ units: 3, inputShape: [4], name: 'ok_dense' }),
        tf.layers.thresholdedReLU({ name: 'thresh' }),
      ],
      name: 'tower',
    });
    const x = tf.input({ shape: [4], name: 'x' });
    const y = tf.layers
      .dense({ units: 2, name: 'head' })
      .apply(inner.apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const dir = await tempDir('nested-refused');
    await saveTfjsModel(tf.model({ inputs: x, outputs: y }), dir);
    const json = await readJson(dir);
    const layers = ((json.modelTopology as Json).config as Json).layers as Json[];
    const head = layers.find((l) => l.name === 'head')!;
    (head.inbound_nodes as unknown[][][])[0][0][3] = { mask: [1, 0] };
    await writeJson(dir, json);
    await expect(loadModel(dir)).rejects.toThrow(
      /- layer 'tower\/thresh' \(ThresholdedReLU\): this layer kind is not supported\n {2}- layer 'head' \(Dense\): call argument mask = \[1,0\]/,
    );
  });

  test('exportTfjs refuses a subclassed model: its architecture is code', async () => {
    class Twice extends Model {
      dense = new Dense({ units: 2 });
      override call(x: Tensor): Tensor {
        return this.dense.apply(this.dense.apply(x));
      }
    }
    const model = new Twice();
    model.predict(randn([1, 2]));
    await expect(exportTfjs(model, await tempDir('subclassed'))).rejects.toThrow(
      /exportTfjs: model '.*' uses what TensorFlow.js does not support:\n {2}- layer '.*' \(Twice\): a subclassed model/,
    );
  });
});
