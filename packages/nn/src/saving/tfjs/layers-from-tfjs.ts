/**
 * TensorFlow.js / Keras layer configs → Zen-TS layer configs. Every option is read through
 * an OptionReader, so a layer kind or a non-default option Zen-TS lacks is reported
 * (all of them, by layer name and class) before anything is built.
 */
import type { LayerConfig } from '../../layers/layer';
import { activationFromConfig } from './activations';
import { type KerasObject, classNameOf } from './format';
import { OptionReader } from './options';
import { MERGE_CONVERTERS } from './merge-from-tfjs';
import { wrapperConverters } from './wrappers-from-tfjs';

/** What the file says about its origin. */
export interface SourceInfo {
  /** Written by Keras 3 (hard_sigmoid is relu6(x + 3)/6 there, GRU resets after by default). */
  keras3: boolean;
  /** Written by TensorFlow.js itself (LSTM/GRU gates default to hardSigmoid, GRU resets before). */
  tfjs: boolean;
}

/** A layer as read from the file: its names, and its Zen-TS form or what prevents one. */
export interface LayerPlan {
  name: string;
  /** The class in the file. */
  sourceClass: string;
  /** The Zen-TS registry class and config (null when unsupported). */
  className: string | null;
  config: LayerConfig | null;
  /** Shape of one batch (batch axis included) when the layer declares its input. */
  batchInputShape: (number | null)[] | null;
  problems: string[];
}

export type Args = Record<string, unknown>;
export type Converter = (o: OptionReader, source: SourceInfo) => [className: string, args: Args];

/** Initialisers and seeds: the loaded weights replace whatever they would have drawn. */
function ignoreInitializers(o: OptionReader, ...names: string[]): void {
  o.ignore(...names.map((n) => `${n}Initializer`), 'seed');
}

/** Regularisers and constraints change training, so only their absence is accepted. */
function noPenalties(o: OptionReader, ...names: string[]): void {
  for (const n of names) {
    o.requireDefault(`${n}Regularizer`);
    o.requireDefault(`${n}Constraint`);
  }
  o.requireDefault('activityRegularizer');
  o.requireDefault('loraRank');
  o.requireDefault('quantizationConfig');
}

function activation(o: OptionReader, key: string, source: SourceInfo, fallback = 'linear'): string {
  const value = o.get(key);
  if (value === undefined || value === null) return fallback;
  const name = activationFromConfig(value, source.keras3);
  if (!name) o.refuse(`${key} = ${JSON.stringify(value)} (no such activation in Zen-TS)`);
  return name ?? 'linear';
}

/** A single axis from `-1`, `3` or `[3]`. */
function singleAxis(o: OptionReader, key: string): number {
  const v = o.get(key);
  if (v === undefined || v === null) return -1;
  const axis = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof axis !== 'number') {
    o.refuse(`${key} = ${JSON.stringify(v)} (only one axis is supported)`);
    return -1;
  }
  return axis;
}

function padding(o: OptionReader): 'valid' | 'same' {
  const v = o.get('padding') ?? 'valid';
  if (v !== 'valid' && v !== 'same') o.refuse(`padding = ${JSON.stringify(v)}`);
  return v === 'same' ? 'same' : 'valid';
}

function pooling(className: string): Converter {
  return (o) => {
    const poolSize = o.get('poolSize') ?? 2;
    o.requireDefault('dataFormat', 'channels_last', 'channelsLast');
    return [className, { poolSize, strides: o.get('strides') ?? poolSize, padding: padding(o) }];
  };
}

function globalPooling(className: string): Converter {
  return (o) => {
    o.requireDefault('dataFormat', 'channels_last', 'channelsLast');
    o.requireDefault('keepdims', false);
    return [className, {}];
  };
}

function recurrent(kind: 'SimpleRNN' | 'LSTM' | 'GRU'): Converter {
  return (o, source) => {
    const args: Args = {
      units: o.get('units'),
      activation: activation(o, 'activation', source, 'tanh'),
      useBias: o.boolean('useBias', true),
      returnSequences: o.boolean('returnSequences', false),
    };
    ignoreInitializers(o, 'kernel', 'recurrent', 'bias');
    noPenalties(o, 'kernel', 'recurrent', 'bias');
    o.requireDefault('dropout', 0);
    o.requireDefault('recurrentDropout', 0);
    o.requireDefault('returnState', false);
    o.requireDefault('goBackwards', false);
    o.requireDefault('stateful', false);
    o.requireDefault('timeMajor', false);
    // Unrolling, the kernel implementation and cuDNN do not change the results.
    o.ignore('unroll', 'implementation', 'useCudnn', 'zeroOutputForMask');
    if (kind !== 'SimpleRNN') {
      const gateDefault = source.tfjs ? 'hardSigmoid' : 'sigmoid';
      args.recurrentActivation = activation(o, 'recurrentActivation', source, gateDefault);
    }
    if (kind === 'LSTM') args.unitForgetBias = o.boolean('unitForgetBias', true);
    if (kind === 'GRU') args.resetAfter = o.boolean('resetAfter', !source.tfjs);
    return [kind, args];
  };
}

/** 3 from `3` or `[3]` (Keras writes one-dimensional sizes as lists). */
const single = (v: unknown): unknown => (Array.isArray(v) && v.length === 1 ? v[0] : v);

function pooling1d(className: string): Converter {
  return (o) => {
    const poolSize = single(o.get('poolSize') ?? 2);
    o.requireDefault('dataFormat', 'channels_last', 'channelsLast');
    return [className, { poolSize, strides: single(o.get('strides') ?? poolSize), padding: padding(o) }];
  };
}

/** Options shared by the 2-D convolution variants (bias, activation, padding, strides). */
function convCommon(o: OptionReader, source: SourceInfo, ...weights: string[]): Args {
  ignoreInitializers(o, ...weights, 'bias');
  noPenalties(o, ...weights, 'bias');
  o.requireDefault('dataFormat', 'channels_last', 'channelsLast');
  return {
    kernelSize: o.get('kernelSize'),
    strides: o.get('strides') ?? 1,
    padding: padding(o),
    activation: activation(o, 'activation', source),
    useBias: o.boolean('useBias', true),
  };
}

/** Dropout of whole channels; the identity at inference. */
function spatialDropout(className: string): Converter {
  return (o) => {
    o.ignore('seed');
    o.requireDefault('dataFormat', 'channels_last', 'channelsLast');
    return [className, { rate: o.number('rate', 0) }];
  };
}

const CONVERTERS: Record<string, Converter> = {
  Dense: (o, source) => {
    ignoreInitializers(o, 'kernel', 'bias');
    noPenalties(o, 'kernel', 'bias');
    o.ignore('inputDim');
    return [
      'Dense',
      {
        units: o.get('units'),
        activation: activation(o, 'activation', source),
        useBias: o.boolean('useBias', true),
      },
    ];
  },
  Conv2D: (o, source) => {
    ignoreInitializers(o, 'kernel', 'bias');
    noPenalties(o, 'kernel', 'bias');
    o.requireDefault('dataFormat', 'channels_last', 'channelsLast');
    o.requireDefault('groups', 1);
    return [
      'Conv2D',
      {
        filters: o.get('filters'),
        kernelSize: o.get('kernelSize'),
        strides: o.get('strides') ?? 1,
        padding: padding(o),
        dilationRate: o.get('dilationRate') ?? 1,
        activation: activation(o, 'activation', source),
        useBias: o.boolean('useBias', true),
      },
    ];
  },
  MaxPooling2D: pooling('MaxPooling2D'),
  AveragePooling2D: pooling('AveragePooling2D'),
  GlobalAveragePooling2D: globalPooling('GlobalAveragePooling2D'),
  GlobalMaxPooling2D: globalPooling('GlobalMaxPooling2D'),
  Flatten: (o) => {
    o.requireDefault('dataFormat', 'channels_last', 'channelsLast');
    return ['Flatten', {}];
  },
  Reshape: (o) => ['Reshape', { targetShape: o.get('targetShape') }],
  Dropout: (o) => {
    o.requireDefault('noiseShape');
    o.ignore('seed');
    return ['Dropout', { rate: o.number('rate', 0) }];
  },
  BatchNormalization: (o) => {
    ignoreInitializers(o, 'beta', 'gamma', 'movingMean', 'movingVariance');
    noPenalties(o, 'beta', 'gamma');
    o.requireDefault('renorm', false);
    o.requireDefault('virtualBatchSize');
    o.requireDefault('adjustment');
    o.requireDefault('synchronized', false);
    o.ignore('fused', 'renormClipping', 'renormMomentum');
    return [
      'BatchNormalization',
      {
        axis: singleAxis(o, 'axis'),
        momentum: o.number('momentum', 0.99),
        epsilon: o.number('epsilon', 1e-3),
        center: o.boolean('center', true),
        scale: o.boolean('scale', true),
      },
    ];
  },
  LayerNormalization: (o) => {
    ignoreInitializers(o, 'beta', 'gamma');
    noPenalties(o, 'beta', 'gamma');
    o.requireDefault('rmsScaling', false);
    return [
      'LayerNormalization',
      {
        axis: singleAxis(o, 'axis'),
        epsilon: o.number('epsilon', 1e-3),
        center: o.boolean('center', true),
        scale: o.boolean('scale', true),
      },
    ];
  },
  Embedding: (o) => {
    ignoreInitializers(o, 'embeddings');
    noPenalties(o, 'embeddings');
    o.requireDefault('maskZero', false);
    o.requireDefault('sparse', false);
    o.ignore('inputLength');
    return ['Embedding', { inputDim: o.get('inputDim'), outputDim: o.get('outputDim') }];
  },
  SimpleRNN: recurrent('SimpleRNN'),
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  Conv1D: (o, source) => {
    const common = convCommon(o, source, 'kernel');
    o.requireDefault('groups', 1);
    const sizes = { kernelSize: single(common.kernelSize), strides: single(common.strides) };
    const dilationRate = single(o.get('dilationRate') ?? 1);
    return ['Conv1D', { ...common, ...sizes, dilationRate, filters: o.get('filters') }];
  },
  Conv2DTranspose: (o, source) => {
    const common = convCommon(o, source, 'kernel');
    o.requireDefault('outputPadding');
    o.requireDefault('dilationRate', 1, [1, 1]);
    return ['Conv2DTranspose', { ...common, filters: o.get('filters') }];
  },
  DepthwiseConv2D: (o, source) => {
    const common = convCommon(o, source, 'depthwise');
    o.requireDefault('dilationRate', 1, [1, 1]);
    return ['DepthwiseConv2D', { ...common, depthMultiplier: o.number('depthMultiplier', 1) }];
  },
  SeparableConv2D: (o, source) => {
    const common = convCommon(o, source, 'depthwise', 'pointwise');
    o.requireDefault('dilationRate', 1, [1, 1]);
    const depthMultiplier = o.number('depthMultiplier', 1);
    return ['SeparableConv2D', { ...common, depthMultiplier, filters: o.get('filters') }];
  },
  MaxPooling1D: pooling1d('MaxPooling1D'),
  AveragePooling1D: pooling1d('AveragePooling1D'),
  GlobalAveragePooling1D: globalPooling('GlobalAveragePooling1D'),
  GlobalMaxPooling1D: globalPooling('GlobalMaxPooling1D'),
  UpSampling2D: (o) => {
    o.requireDefault('dataFormat', 'channels_last', 'channelsLast');
    o.requireDefault('interpolation', 'nearest');
    return ['UpSampling2D', { size: o.get('size') ?? 2 }];
  },
  ZeroPadding2D: (o) => {
    o.requireDefault('dataFormat', 'channels_last', 'channelsLast');
    return ['ZeroPadding2D', { padding: o.get('padding') ?? 1 }];
  },
  Cropping2D: (o) => {
    o.requireDefault('dataFormat', 'channels_last', 'channelsLast');
    return ['Cropping2D', { cropping: o.get('cropping') ?? 0 }];
  },
  RepeatVector: (o) => ['RepeatVector', { n: o.get('n') }],
  Permute: (o) => ['Permute', { dims: o.get('dims') }],
  Activation: (o, source) => ['Activation', { activation: activation(o, 'activation', source) }],
  ReLU: (o) => {
    o.requireDefault('negativeSlope', 0);
    o.requireDefault('threshold', 0);
    const maxValue = o.get('maxValue');
    return ['ReLU', typeof maxValue === 'number' ? { maxValue } : {}];
  },
  LeakyReLU: (o) => {
    const alpha = o.get('alpha') ?? o.get('negativeSlope') ?? 0.3;
    return ['LeakyReLU', { alpha }];
  },
  Softmax: (o) => ['Softmax', { axis: singleAxis(o, 'axis') }],
  // Zen-TS's elu activation has α = 1, the ELU layer's default.
  ELU: (o) => {
    o.requireDefault('alpha', 1);
    return ['Activation', { activation: 'elu' }];
  },
  GaussianNoise: (o) => {
    o.ignore('seed');
    return ['GaussianNoise', { stddev: o.get('stddev') }];
  },
  SpatialDropout1D: spatialDropout('SpatialDropout1D'),
  SpatialDropout2D: spatialDropout('SpatialDropout2D'),
  Rescaling: (o) => ['Rescaling', { scale: o.get('scale'), offset: o.number('offset', 0) }],
  ...MERGE_CONVERTERS,
  ...wrapperConverters((entry, source) => planLayer(entry, 0, source)),
};

// Keras's alternative class names.
CONVERTERS.MaxPool2D = CONVERTERS.MaxPooling2D;
CONVERTERS.AvgPool2D = CONVERTERS.AveragePooling2D;
CONVERTERS.GlobalAvgPool2D = CONVERTERS.GlobalAveragePooling2D;
CONVERTERS.GlobalMaxPool2D = CONVERTERS.GlobalMaxPooling2D;
CONVERTERS.MaxPool1D = CONVERTERS.MaxPooling1D;
CONVERTERS.AvgPool1D = CONVERTERS.AveragePooling1D;
CONVERTERS.GlobalAvgPool1D = CONVERTERS.GlobalAveragePooling1D;
CONVERTERS.GlobalMaxPool1D = CONVERTERS.GlobalMaxPooling1D;
CONVERTERS.Convolution1D = CONVERTERS.Conv1D;
CONVERTERS.Convolution2D = CONVERTERS.Conv2D;

/** Layer classes this reader converts. */
export const SUPPORTED_TFJS_LAYERS = Object.keys(CONVERTERS).sort();

/** A layer's float type: 'float32' as a string or as a Keras 3 dtype policy. */
function readDType(o: OptionReader): void {
  const v = o.get('dtype');
  const name = typeof v === 'object' && v !== null ? (v as KerasObject).config?.name : v;
  if (name !== undefined && name !== null && name !== 'float32') o.refuse(`dtype = ${JSON.stringify(v)}`);
}

/** Reads one `{ class_name, config }` layer entry into a plan (problems listed, nothing built). */
export function planLayer(entry: KerasObject, index: number, source: SourceInfo): LayerPlan {
  const sourceClass = classNameOf(entry) ?? '(no class_name)';
  const o = new OptionReader(entry?.config ?? {});
  const name = typeof o.get('name') === 'string' ? (o.get('name') as string) : `layer ${index}`;
  const trainable = o.boolean('trainable', true);
  readDType(o);
  const batch = (o.get('batchInputShape') ?? o.get('batchShape') ?? null) as (number | null)[] | null;
  o.ignore('inputShape', 'batchSize', 'inputDtype');
  const convert = CONVERTERS[sourceClass];
  if (!convert) {
    return {
      name,
      sourceClass,
      className: null,
      config: null,
      batchInputShape: batch,
      problems: ['this layer kind is not supported'],
    };
  }
  const [className, args] = convert(o, source);
  const problems = o.finish();
  const config: LayerConfig = { ...args, name, trainable };
  if (batch) config.inputShape = batch.slice(1);
  return { name, sourceClass, className, config, batchInputShape: batch, problems };
}
