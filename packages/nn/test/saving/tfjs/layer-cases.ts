/**
 * One small TensorFlow.js model per layer kind (and per activation), with random weights
 * (biases and batch statistics included) and a fixed input: the table both directions of
 * the tfjs round-trip tests run over.
 */
import * as tf from '@tensorflow/tfjs';

export interface LayerCase {
  name: string;
  build: () => tf.LayersModel;
  /** One tensor per model input. */
  input: () => tf.Tensor | tf.Tensor[];
}

/** Replaces every weight by seeded random values (variances positive), so zero biases hide nothing. */
export function randomizeWeights(model: tf.LayersModel, seed = 7): void {
  model.setWeights(
    model.weights.map((w, i) =>
      /variance/.test(w.originalName)
        ? tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', seed + i)
        : tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', seed + i),
    ),
  );
}

export function sequential(layers: tf.layers.Layer[]): tf.Sequential {
  const model = tf.sequential({ layers });
  randomizeWeights(model);
  return model;
}

export const normal =
  (shape: number[], seed = 3) =>
  () =>
    tf.randomNormal(shape, 0, 1, 'float32', seed);

const ACTIVATIONS = [
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'relu6',
  'swish',
  'mish',
  'gelu',
  'hardSigmoid',
  'logSoftmax',
] as const;

export const LAYER_CASES: LayerCase[] = [
  ...ACTIVATIONS.map((activation) => ({
    name: `Dense (${activation})`,
    build: () =>
      sequential([tf.layers.dense({ units: 5, activation: activation as never, inputShape: [6] })]),
    input: normal([4, 6]),
  })),
  {
    name: 'Dense without bias on rank-3 input',
    build: () => sequential([tf.layers.dense({ units: 3, useBias: false, inputShape: [2, 4] })]),
    input: normal([3, 2, 4]),
  },
  {
    name: 'Conv2D (valid, same with strides, dilated) + Flatten + Dense',
    build: () =>
      sequential([
        tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [9, 9, 2] }),
        tf.layers.conv2d({ filters: 3, kernelSize: [2, 3], strides: 2, padding: 'same' }),
        tf.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ]),
    input: normal([2, 9, 9, 2]),
  },
  {
    name: 'MaxPooling2D and AveragePooling2D (valid and same)',
    build: () =>
      sequential([
        tf.layers.maxPooling2d({ poolSize: 2, inputShape: [7, 7, 3] }),
        tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
        tf.layers.maxPooling2d({ poolSize: [2, 3], strides: 1, padding: 'same' }),
        tf.layers.averagePooling2d({ poolSize: 2 }),
      ]),
    input: normal([2, 7, 7, 3]),
  },
  {
    name: 'GlobalAveragePooling2D',
    build: () => sequential([tf.layers.globalAveragePooling2d({ inputShape: [4, 5, 3] })]),
    input: normal([2, 4, 5, 3]),
  },
  {
    name: 'GlobalMaxPooling2D',
    build: () => sequential([tf.layers.globalMaxPooling2d({ inputShape: [4, 5, 3] })]),
    input: normal([2, 4, 5, 3]),
  },
  {
    name: 'BatchNormalization (dense and convolutional features)',
    build: () =>
      sequential([
        tf.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [5, 5, 2] }),
        tf.layers.batchNormalization(),
        tf.layers.flatten(),
        tf.layers.dense({ units: 4 }),
        tf.layers.batchNormalization({ epsilon: 0.01, center: false }),
      ]),
    input: normal([3, 5, 5, 2]),
  },
  {
    name: 'LayerNormalization',
    build: () =>
      sequential([
        tf.layers.dense({ units: 6, inputShape: [4] }),
        tf.layers.layerNormalization({ epsilon: 1e-5 }),
      ]),
    input: normal([3, 4]),
  },
  {
    name: 'Embedding + Flatten + Dense',
    build: () =>
      sequential([
        tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ]),
    input: () =>
      tf.tensor2d([
        [0, 3, 9, 1, 1],
        [7, 2, 5, 8, 0],
      ]),
  },
  {
    name: 'SimpleRNN (sequences, then last state)',
    build: () =>
      sequential([
        tf.layers.simpleRNN({ units: 4, returnSequences: true, inputShape: [5, 3] }),
        tf.layers.simpleRNN({ units: 3, activation: 'relu' }),
      ]),
    input: normal([2, 5, 3]),
  },
  {
    name: 'LSTM (hardSigmoid gates, the tfjs default)',
    build: () =>
      sequential([
        tf.layers.lstm({ units: 4, returnSequences: true, inputShape: [5, 3] }),
        tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid' }),
      ]),
    input: normal([2, 5, 3]),
  },
  {
    name: 'GRU (reset before the recurrent matmul, the tfjs form)',
    build: () =>
      sequential([
        tf.layers.gru({ units: 4, returnSequences: true, inputShape: [5, 3] }),
        tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid', useBias: false }),
      ]),
    input: normal([2, 5, 3]),
  },
  {
    name: 'Flatten, Reshape, Dropout',
    build: () =>
      sequential([
        tf.layers.reshape({ targetShape: [3, 4], inputShape: [12] }),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ]),
    input: normal([2, 12]),
  },
  {
    name: 'Conv1D (same, strides; dilated) + MaxPooling1D + AveragePooling1D',
    build: () =>
      sequential([
        tf.layers.conv1d({
          filters: 4,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'tanh',
          inputShape: [9, 2],
        }),
        tf.layers.conv1d({ filters: 3, kernelSize: 2, dilationRate: 2 }),
        tf.layers.maxPooling1d({ poolSize: 2, strides: 1 }),
        tf.layers.averagePooling1d({ poolSize: 2 }),
      ]),
    input: normal([2, 9, 2]),
  },
  {
    name: 'GlobalAveragePooling1D',
    build: () => sequential([tf.layers.globalAveragePooling1d({ inputShape: [5, 3] })]),
    input: normal([2, 5, 3]),
  },
  {
    name: 'GlobalMaxPooling1D',
    build: () => sequential([tf.layers.globalMaxPooling1d({ inputShape: [5, 3] })]),
    input: normal([2, 5, 3]),
  },
  {
    name: 'DepthwiseConv2D and SeparableConv2D',
    build: () =>
      sequential([
        tf.layers.depthwiseConv2d({
          kernelSize: 3,
          depthMultiplier: 2,
          padding: 'same',
          inputShape: [6, 6, 2],
        }),
        tf.layers.separableConv2d({ filters: 3, kernelSize: 2, strides: 2, activation: 'relu' }),
      ]),
    input: normal([2, 6, 6, 2]),
  },
  {
    name: 'Conv2DTranspose (valid and same with strides)',
    build: () =>
      sequential([
        tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, inputShape: [4, 4, 2] }),
        tf.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: 'same' }),
      ]),
    input: normal([2, 4, 4, 2]),
  },
  {
    name: 'UpSampling2D, ZeroPadding2D, Cropping2D',
    build: () =>
      sequential([
        tf.layers.upSampling2d({ size: [2, 3], inputShape: [3, 2, 2] }),
        tf.layers.zeroPadding2d({
          padding: [
            [1, 0],
            [2, 1],
          ],
        }),
        tf.layers.cropping2D({
          cropping: [
            [0, 1],
            [1, 2],
          ],
        }),
      ]),
    input: normal([2, 3, 2, 2]),
  },
  {
    name: 'RepeatVector and Permute',
    build: () =>
      sequential([tf.layers.repeatVector({ n: 3, inputShape: [4] }), tf.layers.permute({ dims: [2, 1] })]),
    input: normal([2, 4]),
  },
  {
    name: 'Activation, ReLU (maxValue), LeakyReLU, Softmax layers',
    build: () =>
      sequential([
        tf.layers.dense({ units: 6, inputShape: [4] }),
        tf.layers.activation({ activation: 'selu' }),
        tf.layers.reLU({ maxValue: 0.8 }),
        tf.layers.dense({ units: 5 }),
        tf.layers.leakyReLU({ alpha: 0.2 }),
        tf.layers.softmax(),
      ]),
    input: normal([3, 4]),
  },
  {
    name: 'ELU layer (alpha 1, loaded as an elu Activation)',
    build: () => sequential([tf.layers.dense({ units: 4, inputShape: [3] }), tf.layers.elu()]),
    input: normal([3, 3]),
  },
  {
    name: 'TimeDistributed (Dense) and Bidirectional (LSTM, concat)',
    build: () =>
      sequential([
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 4 }), inputShape: [5, 3] }),
        tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3 }) as tf.RNN }),
      ]),
    input: normal([2, 5, 3]),
  },
  {
    name: 'Bidirectional (GRU sequences, sum; SimpleRNN, ave and mul)',
    build: () =>
      sequential([
        tf.layers.bidirectional({
          layer: tf.layers.gru({ units: 4, returnSequences: true }) as tf.RNN,
          mergeMode: 'sum',
          inputShape: [5, 3],
        }),
        tf.layers.bidirectional({
          layer: tf.layers.simpleRNN({ units: 3, returnSequences: true }) as tf.RNN,
          mergeMode: 'ave',
        }),
        tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 2 }) as tf.RNN, mergeMode: 'mul' }),
      ]),
    input: normal([2, 5, 3]),
  },
  {
    name: 'GaussianNoise, SpatialDropout1D, Rescaling (identity or affine at inference)',
    build: () =>
      sequential([
        tf.layers.conv1d({ filters: 3, kernelSize: 2, inputShape: [6, 2] }),
        tf.layers.gaussianNoise({ stddev: 0.5 }),
        tf.layers.spatialDropout1d({ rate: 0.4 }),
        tf.layers.rescaling({ scale: 0.5, offset: -0.25 }),
      ]),
    input: normal([2, 6, 2]),
  },
];
