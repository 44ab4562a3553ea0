/**
 * Functional TensorFlow.js models (`tf.input`, `tf.model`): several inputs and outputs, a
 * layer shared between two calls, nested Sequential and functional models. Both directions
 * of the round-trip tests run over them.
 */
import * as tf from '@tensorflow/tfjs';
import { type LayerCase, normal, randomizeWeights } from './layer-cases';

type Sym = tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

function model(inputs: Sym[], outputs: Sym[]): tf.LayersModel {
  const m = tf.model({ inputs, outputs });
  randomizeWeights(m);
  return m;
}

export const FUNCTIONAL_CASES: LayerCase[] = [
  {
    name: 'functional: one input, a branch, two outputs',
    build: () => {
      const x = tf.input({ shape: [6] });
      const h = apply(tf.layers.dense({ units: 5, activation: 'relu' }), x);
      const a = apply(tf.layers.dense({ units: 3, activation: 'softmax' }), h);
      const b = apply(tf.layers.dense({ units: 2 }), apply(tf.layers.batchNormalization(), h));
      return model([x], [a, b]);
    },
    input: normal([4, 6]),
  },
  {
    name: 'functional: two inputs through one shared layer, three outputs',
    build: () => {
      const left = tf.input({ shape: [4], name: 'left' });
      const right = tf.input({ shape: [4], name: 'right' });
      const shared = tf.layers.dense({ units: 3, activation: 'tanh' });
      const l = apply(shared, left);
      const r = apply(shared, right);
      const again = apply(shared, apply(tf.layers.dense({ units: 4 }), l));
      return model([left, right], [l, r, again]);
    },
    input: () => [normal([3, 4], 1)(), normal([3, 4], 2)()],
  },
  {
    name: 'functional: nested Sequential and nested functional model, called twice',
    build: () => {
      const inner = tf.sequential({
        layers: [
          tf.layers.dense({ units: 4, activation: 'relu', inputShape: [5] }),
          tf.layers.dense({ units: 5 }),
        ],
      });
      const ix = tf.input({ shape: [5] });
      const encoder = tf.model({
        inputs: ix,
        outputs: apply(tf.layers.dense({ units: 2, activation: 'sigmoid' }), ix),
      });
      const x = tf.input({ shape: [5] });
      const once = apply(inner, x);
      const twice = apply(inner, once);
      return model([x], [apply(encoder, twice), apply(encoder, x)]);
    },
    input: normal([3, 5]),
  },
  {
    name: 'functional: sequences and images (LSTM, Conv2D, pooling) side by side',
    build: () => {
      const seq = tf.input({ shape: [5, 3], name: 'seq' });
      const img = tf.input({ shape: [6, 6, 2], name: 'img' });
      const s = apply(tf.layers.lstm({ units: 3 }), seq);
      const c = apply(
        tf.layers.globalAveragePooling2d({}),
        apply(tf.layers.conv2d({ filters: 3, kernelSize: 3 }), img),
      );
      return model([seq, img], [s, c]);
    },
    input: () => [normal([2, 5, 3], 4)(), normal([2, 6, 6, 2], 5)()],
  },
  {
    name: 'functional: Add, Multiply, Average, Maximum, Minimum, Concatenate',
    build: () => {
      const a = tf.input({ shape: [4] });
      const b = tf.input({ shape: [4] });
      const da = apply(tf.layers.dense({ units: 3 }), a);
      const db = apply(tf.layers.dense({ units: 3 }), b);
      const dc = apply(tf.layers.dense({ units: 3, activation: 'relu' }), a);
      const merges = [
        tf.layers.add(),
        tf.layers.multiply(),
        tf.layers.average(),
        tf.layers.maximum(),
        tf.layers.minimum(),
      ];
      const parts = merges.map((m) => apply(m, [da, db, dc]));
      return model([a, b], [apply(tf.layers.concatenate(), parts), apply(tf.layers.add(), [da, db])]);
    },
    input: () => [normal([3, 4], 6)(), normal([3, 4], 7)()],
  },
  {
    name: 'functional: Concatenate (axis 1), Dot (last axes; axes [2, 2]; normalized)',
    build: () => {
      const a = tf.input({ shape: [3, 4] });
      const b = tf.input({ shape: [5, 4] });
      const joined = apply(tf.layers.concatenate({ axis: 1 }), [a, b]);
      const flat = (x: Sym) => apply(tf.layers.flatten(), x);
      const va = apply(tf.layers.dense({ units: 4 }), flat(a));
      const vb = apply(tf.layers.dense({ units: 4 }), flat(b));
      return model(
        [a, b],
        [
          joined,
          apply(tf.layers.dot({ axes: -1 }), [va, vb]),
          apply(tf.layers.dot({ axes: [2, 2] }), [a, b]),
          apply(tf.layers.dot({ axes: 1, normalize: true }), [va, vb]),
        ],
      );
    },
    input: () => [normal([2, 3, 4], 8)(), normal([2, 5, 4], 9)()],
  },
  {
    name: 'Sequential holding a nested Sequential and a nested functional model',
    build: () => {
      const inner = tf.sequential({
        layers: [tf.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] })],
      });
      const ix = tf.input({ shape: [4] });
      const head = tf.model({ inputs: ix, outputs: apply(tf.layers.dense({ units: 2 }), ix) });
      const outer = tf.sequential({ layers: [inner, head] });
      randomizeWeights(outer);
      return outer;
    },
    input: normal([3, 3]),
  },
  {
    name: 'functional: int32 token input through Embedding and GRU, with a dense side input',
    build: () => {
      const tokens = tf.input({ shape: [6], dtype: 'int32', name: 'tokens' });
      const extra = tf.input({ shape: [2], name: 'extra' });
      const seq = apply(
        tf.layers.gru({ units: 3 }),
        apply(tf.layers.embedding({ inputDim: 9, outputDim: 4 }), tokens),
      );
      return model(
        [tokens, extra],
        [apply(tf.layers.dense({ units: 2 }), apply(tf.layers.concatenate(), [seq, extra]))],
      );
    },
    input: () => [
      tf.tensor2d(
        [
          [1, 4, 8, 0, 2, 2],
          [7, 3, 3, 5, 0, 1],
        ],
        [2, 6],
        'int32',
      ),
      normal([2, 2], 10)(),
    ],
  },
];
