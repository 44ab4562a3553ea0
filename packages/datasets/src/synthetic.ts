/** Small generated data sets, as used by Zen's examples (RNN, FizzBuzz) and classic demos. */
import { Tensor, makeGenerator, randn } from '@zen/autograd-core';

/** Inputs and targets of a generated set. */
export interface SyntheticSet {
  x: Tensor;
  y: Tensor;
}

export interface SineSequencesOptions {
  /** Points in the series sin(t)·cos(t); 200 by default (as Zen's rnn.py). */
  length?: number;
  /** Time steps per input window; 50 by default. */
  window?: number;
  /** Values to predict after each window; 1 (the next value) by default. */
  horizon?: number;
  /** t of the first point; 0 by default. */
  start?: number;
  /** Spacing of t; 1 by default (integer t, as Zen's rnn.py). */
  step?: number;
}

/**
 * Sliding windows over the series s_i = sin(t_i)·cos(t_i), t_i = start + i·step: input
 * x [N, window, 1] (sequences, one feature) and target y [N, horizon], the values that
 * follow each window; N = length − window − horizon + 1.
 * @example const { x, y } = sineSequences(); // x [150, 50, 1], y [150, 1]
 */
export function sineSequences(options: SineSequencesOptions = {}): SyntheticSet {
  const { length = 200, window = 50, horizon = 1, start = 0, step = 1 } = options;
  for (const [name, value] of Object.entries({ length, window, horizon })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`sineSequences: ${name} must be a positive integer, got ${value}`);
    }
  }
  const count = length - window - horizon + 1;
  if (count < 1) {
    throw new Error(
      `sineSequences: length ${length} is too short for window ${window} plus horizon ${horizon}`,
    );
  }
  const series = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const t = start + i * step;
    series[i] = Math.sin(t) * Math.cos(t);
  }
  const x = new Float32Array(count * window);
  const y = new Float32Array(count * horizon);
  for (let n = 0; n < count; n++) {
    x.set(series.subarray(n, n + window), n * window);
    y.set(series.subarray(n + window, n + window + horizon), n * horizon);
  }
  return { x: new Tensor(x, [count, window, 1]), y: new Tensor(y, [count, horizon]) };
}

/** Class names of `fizzBuzz` labels, by index. */
export const FIZZ_BUZZ_CLASSES = ['number', 'fizz', 'buzz', 'fizzbuzz'] as const;

export interface FizzBuzzOptions {
  /** First integer (inclusive); 101 by default. */
  from?: number;
  /** Last integer (inclusive); 1023 by default. */
  to?: number;
  /** Width of the binary encoding; 10 by default. */
  bits?: number;
}

/**
 * Integers from..to as binary digits, least significant first (x float32 [N, bits]),
 * and their FizzBuzz class (y int32 [N]): 0 number, 1 fizz (÷3), 2 buzz (÷5),
 * 3 fizzbuzz (÷15). The classic setup trains on 101…1023 and tests on 1…100.
 * @example const test = fizzBuzz({ from: 1, to: 100 });
 */
export function fizzBuzz(options: FizzBuzzOptions = {}): SyntheticSet {
  const { from = 101, to = 1023, bits = 10 } = options;
  if (!Number.isInteger(bits) || bits < 1 || bits > 31) {
    throw new Error(`fizzBuzz: bits must be an integer from 1 to 31, got ${bits}`);
  }
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to >= 2 ** bits) {
    throw new Error(`fizzBuzz: need integers 0 <= from <= to < 2^${bits}, got from ${from}, to ${to}`);
  }
  const count = to - from + 1;
  const x = new Float32Array(count * bits);
  const y = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const value = from + n;
    for (let b = 0; b < bits; b++) x[n * bits + b] = (value >> b) & 1;
    y[n] = value % 15 === 0 ? 3 : value % 5 === 0 ? 2 : value % 3 === 0 ? 1 : 0;
  }
  return { x: new Tensor(x, [count, bits]), y: new Tensor(y, [count]) };
}

export interface XorOptions {
  /** Copies of the four corners; 1 by default. */
  repeat?: number;
  /** Standard deviation of Gaussian noise added to the inputs; 0 by default. */
  noise?: number;
  /** Seed of the noise; 0 by default. */
  seed?: number | string;
}

/**
 * The XOR truth table: x float32 [4·repeat, 2] (corners (0,0), (0,1), (1,0), (1,1), in
 * that order, optionally jittered) and y float32 [4·repeat, 1] = 0, 1, 1, 0, ready for
 * a sigmoid output with binary cross-entropy or MSE.
 */
export function xor(options: XorOptions = {}): SyntheticSet {
  const { repeat = 1, noise = 0, seed = 0 } = options;
  if (!Number.isInteger(repeat) || repeat < 1) {
    throw new Error(`xor: repeat must be a positive integer, got ${repeat}`);
  }
  const count = 4 * repeat;
  const jitter = randn([count * 2], { dtype: 'float64', generator: makeGenerator(seed) }).data;
  const x = new Float32Array(count * 2);
  const y = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    const a = (n >> 1) & 1;
    const b = n & 1;
    x[2 * n] = a + noise * jitter[2 * n];
    x[2 * n + 1] = b + noise * jitter[2 * n + 1];
    y[n] = a ^ b;
  }
  return { x: new Tensor(x, [count, 2]), y: new Tensor(y, [count, 1]) };
}

export interface SpiralsOptions {
  /** Points per class; 100 by default. */
  samplesPerClass?: number;
  /** Number of interleaved arms (classes); 2 by default. */
  classes?: number;
  /** Full turns each arm makes from the centre to radius 1; 1 by default. */
  turns?: number;
  /** Standard deviation of Gaussian noise on the angle, in radians; 0.2 by default. */
  noise?: number;
  /** Seed of the noise; 0 by default. */
  seed?: number | string;
}

/**
 * Interleaved spiral arms in the plane, one per class: x float32 [classes·samples, 2],
 * y int32 class indices, grouped by class. Point i of arm k has radius r = i / (samples − 1)
 * and angle 2π(turns·r + k / classes) plus noise — not linearly separable, a classic
 * test for small MLPs.
 */
export function spirals(options: SpiralsOptions = {}): SyntheticSet {
  const { samplesPerClass = 100, classes = 2, turns = 1, noise = 0.2, seed = 0 } = options;
  if (!Number.isInteger(samplesPerClass) || samplesPerClass < 2) {
    throw new Error(`spirals: samplesPerClass must be an integer >= 2, got ${samplesPerClass}`);
  }
  if (!Number.isInteger(classes) || classes < 2) {
    throw new Error(`spirals: classes must be an integer >= 2, got ${classes}`);
  }
  const count = classes * samplesPerClass;
  const jitter = randn([count], { dtype: 'float64', generator: makeGenerator(seed) }).data;
  const x = new Float32Array(count * 2);
  const y = new Int32Array(count);
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < samplesPerClass; i++) {
      const n = k * samplesPerClass + i;
      const r = i / (samplesPerClass - 1);
      const angle = 2 * Math.PI * (turns * r + k / classes) + noise * jitter[n];
      x[2 * n] = r * Math.cos(angle);
      x[2 * n + 1] = r * Math.sin(angle);
      y[n] = k;
    }
  }
  return { x: new Tensor(x, [count, 2]), y: new Tensor(y, [count]) };
}
