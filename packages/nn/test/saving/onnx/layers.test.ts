/**
 * @jest-environment ./test/saving/onnx/ort-environment.ts
 */
/**
 * Every built-in layer kind, exported to ONNX and run in ONNX Runtime (CPU), against
 * `model.predict` on the same inputs, at two batch sizes (the graph's batch axis is
 * dynamic). Weights are randomised, biases and moving statistics included.
 */
import { type Tensor, randint, randn, setSeed } from '@zen/autograd-core';
import {
  Activation,
  Bidirectional,
  TimeDistributed,
  Conv1D,
  Conv2DTranspose,
  DepthwiseConv2D,
  SeparableConv2D,
  Cropping2D,
  UpSampling2D,
  ZeroPadding2D,
  AveragePooling1D,
  AveragePooling2D,
  GaussianNoise,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  MaxPooling1D,
  Normalization,
  Permute,
  RepeatVector,
  Rescaling,
  SpatialDropout1D,
  SpatialDropout2D,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Embedding,
  Flatten,
  GRU,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  LSTM,
  type Layer,
  LayerNormalization,
  LeakyReLU,
  MaxPooling2D,
  ReLU,
  Reshape,
  Sequential,
  Sigmoid,
  SimpleRNN,
  Softmax,
  Tanh,
} from '@zen/nn';
import { expectOrtMatches, printReport, randomizeWeights, report } from './ort';

interface Case {
  name: string;
  layers: () => Layer[];
  /** One sample's shape. */
  sample: number[];
  /** Integer inputs in [0, vocabulary) instead of normal floats. */
  vocabulary?: number;
}

const image = [6, 7, 3];
const sequence = [5, 4];

const CASES: Case[] = [
  { name: 'Dense rank 2, relu', layers: () => [new Dense({ units: 5, activation: 'relu' })], sample: [4] },
  {
    name: 'Dense rank 3, softmax',
    layers: () => [new Dense({ units: 5, activation: 'softmax' })],
    sample: [3, 4],
  },
  {
    name: 'Dense rank 4, no bias',
    layers: () => [new Dense({ units: 2, useBias: false })],
    sample: [2, 3, 4],
  },
  ...(
    [
      'linear',
      'sigmoid',
      'tanh',
      'leakyRelu',
      'elu',
      'gelu',
      'softplus',
      'selu',
      'silu',
      'swish',
      'relu6',
      'softsign',
      'mish',
      'exponential',
      'hardSigmoid',
      'hardSigmoidKeras3',
      'logSoftmax',
    ] as const
  ).map((activation) => ({
    name: `Dense, ${activation}`,
    layers: () => [new Dense({ units: 6, activation })],
    sample: [5],
  })),
  {
    name: 'Conv2D valid, stride 1',
    layers: () => [new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' })],
    sample: image,
  },
  {
    name: 'Conv2D same, stride 2 (uneven padding)',
    layers: () => [new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' })],
    sample: image,
  },
  {
    name: 'Conv2D same, dilation 2, no bias',
    layers: () => [
      new Conv2D({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', useBias: false }),
    ],
    sample: image,
  },
  {
    name: 'Conv2D valid, kernel [3,2], strides [2,1], tanh',
    layers: () => [new Conv2D({ filters: 3, kernelSize: [3, 2], strides: [2, 1], activation: 'tanh' })],
    sample: image,
  },
  {
    name: 'Conv2D softmax over channels',
    layers: () => [new Conv2D({ filters: 3, kernelSize: 1, activation: 'softmax' })],
    sample: image,
  },
  { name: 'MaxPooling2D valid', layers: () => [new MaxPooling2D({ poolSize: 2 })], sample: image },
  {
    name: 'MaxPooling2D same, stride 2',
    layers: () => [new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' })],
    sample: image,
  },
  {
    name: 'AveragePooling2D same (padding not counted)',
    layers: () => [new AveragePooling2D({ poolSize: 3, strides: 2, padding: 'same' })],
    sample: image,
  },
  {
    name: 'AveragePooling2D valid',
    layers: () => [new AveragePooling2D({ poolSize: [2, 3] })],
    sample: image,
  },
  {
    name: 'GlobalAveragePooling2D (NHWC input)',
    layers: () => [new GlobalAveragePooling2D()],
    sample: image,
  },
  { name: 'GlobalMaxPooling2D (NHWC input)', layers: () => [new GlobalMaxPooling2D()], sample: image },
  {
    name: 'Conv2D → GlobalAveragePooling2D (NCHW)',
    layers: () => [new Conv2D({ filters: 4, kernelSize: 3 }), new GlobalAveragePooling2D()],
    sample: image,
  },
  {
    name: 'Conv2D → GlobalMaxPooling2D (NCHW)',
    layers: () => [new Conv2D({ filters: 4, kernelSize: 3 }), new GlobalMaxPooling2D()],
    sample: image,
  },
  {
    name: 'Conv2D → Flatten (back to NHWC order)',
    layers: () => [new Conv2D({ filters: 3, kernelSize: 2 }), new Flatten(), new Dense({ units: 2 })],
    sample: image,
  },
  { name: 'Flatten', layers: () => [new Flatten()], sample: image },
  { name: 'Reshape with -1', layers: () => [new Reshape({ targetShape: [3, -1] })], sample: image },
  {
    name: 'Conv2D → Reshape',
    layers: () => [new Conv2D({ filters: 2, kernelSize: 3 }), new Reshape({ targetShape: [-1, 2] })],
    sample: image,
  },
  {
    name: 'Dropout (identity)',
    layers: () => [new Dropout({ rate: 0.5 }), new Dense({ units: 3 })],
    sample: [4],
  },
  { name: 'BatchNormalization [N, C]', layers: () => [new BatchNormalization()], sample: [6] },
  {
    name: 'Conv2D → BatchNormalization (NCHW)',
    layers: () => [new Conv2D({ filters: 4, kernelSize: 3 }), new BatchNormalization()],
    sample: image,
  },
  { name: 'BatchNormalization images (NHWC)', layers: () => [new BatchNormalization()], sample: image },
  { name: 'BatchNormalization [N, T, C]', layers: () => [new BatchNormalization()], sample: sequence },
  {
    name: 'BatchNormalization axis 1, no scale/center',
    layers: () => [new BatchNormalization({ axis: 1, scale: false, center: false })],
    sample: sequence,
  },
  { name: 'LayerNormalization last axis', layers: () => [new LayerNormalization()], sample: sequence },
  {
    name: 'LayerNormalization axis 1',
    layers: () => [new LayerNormalization({ axis: 1 })],
    sample: sequence,
  },
  {
    name: 'LayerNormalization no center',
    layers: () => [new LayerNormalization({ center: false, epsilon: 1e-5 })],
    sample: [7],
  },
  {
    name: 'Conv2D → LayerNormalization',
    layers: () => [new Conv2D({ filters: 4, kernelSize: 3 }), new LayerNormalization()],
    sample: image,
  },
  {
    name: 'Embedding (int32 indices)',
    layers: () => [new Embedding({ inputDim: 10, outputDim: 4 })],
    sample: [6],
    vocabulary: 10,
  },
  {
    name: 'Embedding → Flatten → Dense',
    layers: () => [new Embedding({ inputDim: 7, outputDim: 3 }), new Flatten(), new Dense({ units: 2 })],
    sample: [5],
    vocabulary: 7,
  },
  { name: 'SimpleRNN last step', layers: () => [new SimpleRNN({ units: 3 })], sample: sequence },
  {
    name: 'SimpleRNN sequences, relu',
    layers: () => [new SimpleRNN({ units: 3, activation: 'relu', returnSequences: true })],
    sample: sequence,
  },
  { name: 'LSTM last step', layers: () => [new LSTM({ units: 3 })], sample: sequence },
  {
    name: 'LSTM sequences, no bias',
    layers: () => [new LSTM({ units: 2, returnSequences: true, useBias: false })],
    sample: sequence,
  },
  { name: 'GRU last step (resetAfter)', layers: () => [new GRU({ units: 3 })], sample: sequence },
  {
    name: 'GRU sequences, sigmoid output',
    layers: () => [new GRU({ units: 3, returnSequences: true, activation: 'sigmoid' })],
    sample: sequence,
  },
  {
    name: 'LSTM → GRU → Dense',
    layers: () => [
      new LSTM({ units: 4, returnSequences: true }),
      new GRU({ units: 3 }),
      new Dense({ units: 1 }),
    ],
    sample: sequence,
  },
  {
    name: 'GRU resetAfter false (one bias, reset before the matmul)',
    layers: () => [new GRU({ units: 3, resetAfter: false, returnSequences: true })],
    sample: sequence,
  },
  {
    name: 'LSTM with hardSigmoid gates',
    layers: () => [new LSTM({ units: 3, recurrentActivation: 'hardSigmoid' })],
    sample: sequence,
  },
  {
    name: 'GRU with Keras 3 hardSigmoid gates, softsign output',
    layers: () => [new GRU({ units: 3, recurrentActivation: 'hardSigmoidKeras3', activation: 'softsign' })],
    sample: sequence,
  },
  ...(['linear', 'elu', 'leakyRelu', 'softplus'] as const).map((activation) => ({
    name: `SimpleRNN, ${activation}`,
    layers: () => [new SimpleRNN({ units: 3, activation })],
    sample: sequence,
  })),
  ...(
    [
      'relu',
      'sigmoid',
      'tanh',
      'softmax',
      'leakyRelu',
      'elu',
      'gelu',
      'softplus',
      'linear',
      'mish',
      'logSoftmax',
    ] as const
  ).map((activation) => ({
    name: `Activation('${activation}')`,
    layers: () => [new Activation({ activation })],
    sample: [3, 4],
  })),
  {
    name: 'SpatialDropout2D, GaussianNoise (identities)',
    layers: () => [new SpatialDropout2D({ rate: 0.5 }), new GaussianNoise({ stddev: 1 }), new Flatten()],
    sample: image,
  },
  { name: 'SpatialDropout1D', layers: () => [new SpatialDropout1D({ rate: 0.5 })], sample: sequence },
  { name: 'Permute', layers: () => [new Permute({ dims: [2, 1] })], sample: sequence },
  { name: 'RepeatVector', layers: () => [new RepeatVector({ n: 3 })], sample: [4] },
  { name: 'Rescaling', layers: () => [new Rescaling({ scale: 1 / 255, offset: -0.5 })], sample: image },
  {
    name: 'Normalization (given statistics)',
    layers: () => [new Normalization({ mean: [0.5, -1, 2], variance: [4, 0.25, 0] })],
    sample: image,
  },
  {
    name: 'MaxPooling1D same',
    layers: () => [new MaxPooling1D({ poolSize: 2, padding: 'same' })],
    sample: [5, 3],
  },
  {
    name: 'AveragePooling1D same, stride 2',
    layers: () => [new AveragePooling1D({ poolSize: 3, strides: 2, padding: 'same' })],
    sample: [6, 3],
  },
  { name: 'GlobalAveragePooling1D', layers: () => [new GlobalAveragePooling1D()], sample: sequence },
  { name: 'GlobalMaxPooling1D', layers: () => [new GlobalMaxPooling1D()], sample: sequence },
  { name: 'UpSampling2D [2, 3]', layers: () => [new UpSampling2D({ size: [2, 3] })], sample: image },
  {
    name: 'Conv2D → ZeroPadding2D → Cropping2D (NCHW)',
    layers: () => [
      new Conv2D({ filters: 2, kernelSize: 3 }),
      new ZeroPadding2D({
        padding: [
          [1, 2],
          [0, 3],
        ],
      }),
      new Cropping2D({
        cropping: [
          [2, 0],
          [1, 1],
        ],
      }),
    ],
    sample: image,
  },
  {
    name: 'Conv1D valid, relu',
    layers: () => [new Conv1D({ filters: 3, kernelSize: 2, activation: 'relu' })],
    sample: [6, 4],
  },
  {
    name: 'Conv1D same, stride 2, no bias',
    layers: () => [new Conv1D({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', useBias: false })],
    sample: [7, 3],
  },
  {
    name: 'Conv1D dilation 2, softmax',
    layers: () => [new Conv1D({ filters: 4, kernelSize: 2, dilationRate: 2, activation: 'softmax' })],
    sample: [6, 2],
  },
  {
    name: 'Conv2DTranspose valid, kernel 3',
    layers: () => [new Conv2DTranspose({ filters: 2, kernelSize: 3 })],
    sample: image,
  },
  {
    name: 'Conv2DTranspose same, kernel 3, stride 2, relu',
    layers: () => [
      new Conv2DTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    ],
    sample: image,
  },
  {
    name: 'Conv2DTranspose same, kernel [4, 1] < stride [2, 3]',
    layers: () => [new Conv2DTranspose({ filters: 2, kernelSize: [4, 1], strides: [2, 3], padding: 'same' })],
    sample: image,
  },
  {
    name: 'Conv2DTranspose valid, kernel 2 < stride 3, no bias',
    layers: () => [new Conv2DTranspose({ filters: 2, kernelSize: 2, strides: 3, useBias: false })],
    sample: image,
  },
  {
    name: 'DepthwiseConv2D valid',
    layers: () => [new DepthwiseConv2D({ kernelSize: 3 })],
    sample: image,
  },
  {
    name: 'DepthwiseConv2D same, multiplier 2, stride 2, tanh',
    layers: () => [
      new DepthwiseConv2D({
        kernelSize: [3, 2],
        strides: 2,
        padding: 'same',
        depthMultiplier: 2,
        activation: 'tanh',
      }),
    ],
    sample: image,
  },
  {
    name: 'SeparableConv2D same, multiplier 2, relu',
    layers: () => [
      new SeparableConv2D({
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        depthMultiplier: 2,
        activation: 'relu',
      }),
    ],
    sample: image,
  },
  {
    name: 'Conv2D → SeparableConv2D stride 2 → DepthwiseConv2D → Flatten',
    layers: () => [
      new Conv2D({ filters: 2, kernelSize: 1 }),
      new SeparableConv2D({ filters: 3, kernelSize: 2, strides: 2, useBias: false }),
      new DepthwiseConv2D({ kernelSize: 2, padding: 'same' }),
      new Flatten(),
    ],
    sample: image,
  },
  {
    name: 'TimeDistributed(Dense)',
    layers: () => [new TimeDistributed({ layer: new Dense({ units: 3, activation: 'tanh' }) })],
    sample: sequence,
  },
  {
    name: 'TimeDistributed(Conv2D) → TimeDistributed(Flatten)',
    layers: () => [
      new TimeDistributed({ layer: new Conv2D({ filters: 2, kernelSize: 2, activation: 'relu' }) }),
      new TimeDistributed({ layer: new Flatten() }),
    ],
    sample: [3, 5, 4, 2],
  },
  {
    name: 'Bidirectional(LSTM) concat, last step',
    layers: () => [new Bidirectional({ layer: new LSTM({ units: 3 }) })],
    sample: sequence,
  },
  {
    name: 'Bidirectional(GRU sequences) sum',
    layers: () => [
      new Bidirectional({ layer: new GRU({ units: 3, returnSequences: true }), mergeMode: 'sum' }),
    ],
    sample: sequence,
  },
  {
    name: 'Bidirectional(SimpleRNN sequences) ave → Bidirectional(GRU) mul',
    layers: () => [
      new Bidirectional({ layer: new SimpleRNN({ units: 4, returnSequences: true }), mergeMode: 'ave' }),
      new Bidirectional({ layer: new GRU({ units: 2, resetAfter: false }), mergeMode: 'mul' }),
    ],
    sample: sequence,
  },
  {
    name: 'Bidirectional(LSTM sequences) concat → TimeDistributed(Dense)',
    layers: () => [
      new Bidirectional({ layer: new LSTM({ units: 3, returnSequences: true }) }),
      new TimeDistributed({ layer: new Dense({ units: 2 }) }),
    ],
    sample: sequence,
  },
  { name: 'ReLU', layers: () => [new ReLU()], sample: [8] },
  { name: 'ReLU maxValue 0.5', layers: () => [new ReLU({ maxValue: 0.5 })], sample: [8] },
  { name: 'LeakyReLU alpha 0.1', layers: () => [new LeakyReLU({ alpha: 0.1 })], sample: [8] },
  { name: 'Sigmoid', layers: () => [new Sigmoid()], sample: [8] },
  { name: 'Tanh', layers: () => [new Tanh()], sample: [8] },
  { name: 'Softmax axis 1', layers: () => [new Softmax({ axis: 1 })], sample: [3, 4] },
  {
    name: 'Conv2D → ReLU → Softmax (NCHW, last axis)',
    layers: () => [new Conv2D({ filters: 3, kernelSize: 2 }), new ReLU(), new Softmax()],
    sample: image,
  },
];

function sampleInput(c: Case, batch: number): Tensor {
  const shape = [batch, ...c.sample];
  return c.vocabulary ? randint(0, c.vocabulary, shape, { dtype: 'int32' }) : randn(shape);
}

afterAll(printReport);

describe('ONNX export of each layer kind matches predict in ONNX Runtime', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    setSeed(7);
    const model = new Sequential(c.layers());
    model.build([null, ...c.sample]);
    randomizeWeights(model);
    const diff = await expectOrtMatches(model, [sampleInput(c, 2), sampleInput(c, 5)]);
    report.set(name, diff);
  });
});
