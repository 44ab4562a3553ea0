/**
 * Zen-TS layers → tfjs-layers configs (snake_case keys, as TensorFlow.js writes them).
 * Layers or options TensorFlow.js cannot express are reported, all at once, by the caller.
 */
import type { ActivationName } from '../../activations';
import type { Layer, LayerConfig } from '../../layers/layer';
import type { Bidirectional, TimeDistributed } from '../../layers/wrappers';
import { activationToTfjs } from './activations';
import { ELEMENTWISE_MERGES } from './merge-from-tfjs';
import type { KerasObject } from './format';
import { snakeKeys } from './keys';

/** A layer's tfjs entry, or what prevents one. */
export type TfjsLayerEntry = { entry: KerasObject; problems: string[] };

type Picker = (
  c: LayerConfig,
  problems: string[],
  layer: Layer,
) => [className: string, config: Record<string, unknown>];

function activation(c: LayerConfig, key: string, problems: string[]): string {
  const name = activationToTfjs(c[key] as ActivationName);
  if (!name) problems.push(`${key} '${String(c[key])}' has no TensorFlow.js equivalent`);
  return name ?? 'linear';
}

const pick = (c: LayerConfig, ...keys: string[]) => Object.fromEntries(keys.map((k) => [k, c[k]]));

function recurrent(className: 'SimpleRNN' | 'LSTM' | 'GRU'): Picker {
  return (c, problems) => {
    const out = {
      ...pick(c, 'units', 'useBias', 'returnSequences'),
      activation: activation(c, 'activation', problems),
    };
    if (className === 'SimpleRNN') return [className, out];
    const gates = { ...out, recurrentActivation: activation(c, 'recurrentActivation', problems) };
    if (className === 'LSTM') return [className, { ...gates, unitForgetBias: c.unitForgetBias }];
    if (c.resetAfter !== false)
      problems.push('resetAfter true (TensorFlow.js only has the reset-before GRU)');
    return [className, { ...gates, resetAfter: false }];
  };
}

const channelsLast = { dataFormat: 'channels_last' };

/** The options every convolution variant shares, plus the variant's own. */
function conv(className: string, ...keys: string[]): Picker {
  return (c, p) => [
    className,
    {
      ...pick(c, 'kernelSize', 'strides', 'padding', 'useBias', ...keys),
      activation: activation(c, 'activation', p),
      ...channelsLast,
    },
  ];
}

const pooling1d =
  (className: string): Picker =>
  (c) => [className, pick(c, 'poolSize', 'strides', 'padding')];

const PICKERS: Record<string, Picker> = {
  Dense: (c, p) => ['Dense', { ...pick(c, 'units', 'useBias'), activation: activation(c, 'activation', p) }],
  Conv2D: (c, p) => [
    'Conv2D',
    {
      ...pick(c, 'filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'useBias'),
      activation: activation(c, 'activation', p),
      ...channelsLast,
    },
  ],
  MaxPooling2D: (c) => ['MaxPooling2D', { ...pick(c, 'poolSize', 'strides', 'padding'), ...channelsLast }],
  AveragePooling2D: (c) => [
    'AveragePooling2D',
    { ...pick(c, 'poolSize', 'strides', 'padding'), ...channelsLast },
  ],
  GlobalAveragePooling2D: () => ['GlobalAveragePooling2D', channelsLast],
  GlobalMaxPooling2D: () => ['GlobalMaxPooling2D', channelsLast],
  Conv1D: conv('Conv1D', 'filters', 'dilationRate'),
  Conv2DTranspose: conv('Conv2DTranspose', 'filters'),
  DepthwiseConv2D: conv('DepthwiseConv2D', 'depthMultiplier'),
  SeparableConv2D: conv('SeparableConv2D', 'depthMultiplier', 'filters'),
  MaxPooling1D: pooling1d('MaxPooling1D'),
  AveragePooling1D: pooling1d('AveragePooling1D'),
  GlobalAveragePooling1D: () => ['GlobalAveragePooling1D', {}],
  GlobalMaxPooling1D: () => ['GlobalMaxPooling1D', {}],
  UpSampling2D: (c) => ['UpSampling2D', { size: c.size, interpolation: 'nearest', ...channelsLast }],
  ZeroPadding2D: (c) => ['ZeroPadding2D', { padding: c.padding, ...channelsLast }],
  Cropping2D: (c) => ['Cropping2D', { cropping: c.cropping, ...channelsLast }],
  RepeatVector: (c) => ['RepeatVector', pick(c, 'n')],
  Permute: (c) => ['Permute', pick(c, 'dims')],
  Flatten: () => ['Flatten', {}],
  Reshape: (c) => ['Reshape', pick(c, 'targetShape')],
  Dropout: (c) => ['Dropout', pick(c, 'rate')],
  BatchNormalization: (c) => [
    'BatchNormalization',
    pick(c, 'axis', 'momentum', 'epsilon', 'center', 'scale'),
  ],
  LayerNormalization: (c) => ['LayerNormalization', pick(c, 'axis', 'epsilon', 'center', 'scale')],
  Embedding: (c) => ['Embedding', pick(c, 'inputDim', 'outputDim')],
  SimpleRNN: recurrent('SimpleRNN'),
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  Activation: (c, p) => ['Activation', { activation: activation(c, 'activation', p) }],
  Sigmoid: () => ['Activation', { activation: 'sigmoid' }],
  Tanh: () => ['Activation', { activation: 'tanh' }],
  ReLU: (c) => ['ReLU', { maxValue: c.maxValue ?? null }],
  LeakyReLU: (c) => ['LeakyReLU', pick(c, 'alpha')],
  Softmax: (c) => ['Softmax', pick(c, 'axis')],
  GaussianNoise: (c) => ['GaussianNoise', pick(c, 'stddev')],
  SpatialDropout1D: (c) => ['SpatialDropout1D', pick(c, 'rate')],
  Rescaling: (c) => ['Rescaling', pick(c, 'scale', 'offset')],
  // TensorFlow.js has no Subtract layer.
  ...Object.fromEntries(
    ELEMENTWISE_MERGES.filter((name) => name !== 'Subtract').map((name): [string, Picker] => [
      name,
      () => [name, {}],
    ]),
  ),
  Concatenate: (c) => ['Concatenate', pick(c, 'axis')],
  Dot: (c) => ['Dot', pick(c, 'axes', 'normalize')],
  TimeDistributed: (_c, p, layer) => [
    'TimeDistributed',
    { layer: wrapped((layer as TimeDistributed).layer, p) },
  ],
  Bidirectional: (c, p, layer) => [
    'Bidirectional',
    { layer: wrapped((layer as Bidirectional).forwardLayer, p), mergeMode: c.mergeMode },
  ],
};

/** A wrapped layer's entry; its problems are the wrapper's. */
function wrapped(inner: Layer, problems: string[]): KerasObject {
  const { entry, problems: innerProblems } = layerToTfjs(inner, null);
  problems.push(...innerProblems.map((p) => `wrapped ${inner.className} '${inner.name}': ${p}`));
  return entry;
}

/** The tfjs-layers entry of one layer; `batchInputShape` for the model's first layer. */
export function layerToTfjs(layer: Layer, batchInputShape: (number | null)[] | null): TfjsLayerEntry {
  const problems: string[] = [];
  const picker = PICKERS[layer.className];
  if (!picker)
    return {
      entry: { class_name: layer.className, config: {} },
      problems: ['TensorFlow.js has no such layer'],
    };
  const config = layer.getConfig();
  const [className, options] = picker(config, problems, layer);
  const out: Record<string, unknown> = {
    ...options,
    name: layer.name,
    trainable: layer.trainable,
    dtype: 'float32',
  };
  if (batchInputShape) out.batchInputShape = batchInputShape;
  return { entry: { class_name: className, config: snakeKeys(out) }, problems };
}
