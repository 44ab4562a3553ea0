/**
 * The benchmark models, built the same way in Zen-TS (@zen/nn) and TensorFlow.js
 * (tf.layers): same layers, initialisers' kinds, optimiser and loss.
 */
import { Adam, Conv2D, Dense, Flatten, MaxPooling2D, Sequential, SimpleRNN } from '@zen/nn';
import type { Tf } from './tfjs';

export type ModelName = 'mlp' | 'cnn' | 'rnn';

/** Zen-TS model, compiled with Adam(1e-3). */
export function zenModel(name: ModelName): Sequential {
  let model: Sequential;
  if (name === 'mlp') {
    model = new Sequential([
      new Dense({ units: 128, activation: 'relu', inputShape: [784] }),
      new Dense({ units: 10, activation: 'softmax' }),
    ]);
  } else if (name === 'cnn') {
    model = new Sequential([
      new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 16, kernelSize: 3, activation: 'relu' }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 10, activation: 'softmax' }),
    ]);
  } else {
    model = new Sequential([new SimpleRNN({ units: 32, inputShape: [50, 1] }), new Dense({ units: 1 })]);
  }
  model.compile({
    optimizer: new Adam({ learningRate: 1e-3 }),
    loss: name === 'rnn' ? 'meanSquaredError' : 'categoricalCrossentropy',
  });
  return model;
}

/** The same model in TensorFlow.js, compiled with tf.train.adam(1e-3). */
export function tfjsModel(tf: Tf, name: ModelName): import('@tensorflow/tfjs').Sequential {
  const model = tf.sequential();
  if (name === 'mlp') {
    model.add(tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }));
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  } else if (name === 'cnn') {
    model.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  } else {
    model.add(tf.layers.simpleRNN({ units: 32, inputShape: [50, 1] }));
    model.add(tf.layers.dense({ units: 1 }));
  }
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: name === 'rnn' ? 'meanSquaredError' : 'categoricalCrossentropy',
  });
  return model;
}
