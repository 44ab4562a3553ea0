/**
 * Training throughput (samples/s) of the MLP, CNN and RNN with Adam(1e-3): Zen-TS's
 * `model.fit` against TensorFlow.js's `model.fit` on its 'cpu' and 'wasm' backends,
 * same data, same batch size, one epoch (or a timed part of one for slow contenders), and
 * PyTorch's fit-like loop (benchmarks/torch/contender.py) in rounds interleaved with them.
 */
import { Tensor } from '@zen/autograd-core';
import { type Mnist, type Sequences, bundledDigits, sineWindows } from '../data';
import { type ModelName, tfjsModel, zenModel } from '../models';
import type { ResultRow } from '../results';
import { roundCount, roundFigures } from '../rounds';
import { useTfjs } from '../tfjs';
import { type Contestant, measureTrainingSideBySide, unlessUnsupported } from '../training';
import type { SuiteOptions } from './suite';

interface TrainingData {
  x: Float32Array;
  y: Float32Array;
  /** Shape of one input sample. */
  sampleShape: number[];
  /** Values per target. */
  targetSize: number;
  count: number;
}

function mnistData(digits: Mnist, flat: boolean): TrainingData {
  const sampleShape = flat ? [784] : [28, 28, 1];
  return { x: digits.images, y: digits.oneHot, sampleShape, targetSize: 10, count: digits.count };
}

function sequenceData(s: Sequences): TrainingData {
  return { x: s.x, y: s.y, sampleShape: [s.steps, 1], targetSize: 1, count: s.count };
}

const sampleSize = (data: TrainingData) => data.sampleShape.reduce((a, b) => a * b, 1);

function zenContestant(name: ModelName, data: TrainingData, batchSize: number): Contestant {
  const model = zenModel(name);
  const size = sampleSize(data);
  return {
    name: 'Zen-TS',
    run: async (samples) => {
      const x = new Tensor(data.x.subarray(0, samples * size), [samples, ...data.sampleShape]);
      const y = new Tensor(data.y.subarray(0, samples * data.targetSize), [samples, data.targetSize]);
      await model.fit(x, y, { epochs: 1, batchSize, shuffle: true, verbose: 0 });
    },
  };
}

/**
 * A TensorFlow.js contender with its model and data created on its backend; activating
 * it switches TensorFlow.js back to that backend, so nothing moves between backends.
 */
async function tfjsContestant(
  backend: 'cpu' | 'wasm',
  name: ModelName,
  data: TrainingData,
  batchSize: number,
): Promise<Contestant & { dispose(): void }> {
  const tf = await useTfjs(backend);
  const model = tfjsModel(tf, name);
  const x = tf.tensor(data.x, [data.count, ...data.sampleShape]);
  const y = tf.tensor(data.y, [data.count, data.targetSize]);
  return {
    name: `tfjs-${backend}`,
    activate: async () => {
      await useTfjs(backend);
    },
    run: async (samples) => {
      const xs = samples === data.count ? x : x.slice(0, samples);
      const ys = samples === data.count ? y : y.slice(0, samples);
      await model.fit(xs, ys, { epochs: 1, batchSize, shuffle: true, verbose: 0, yieldEvery: 'never' });
      if (xs !== x) tf.dispose([xs, ys]);
    },
    dispose: () => {
      tf.dispose([x, y]);
      model.dispose();
    },
  };
}

/**
 * A contender that cannot train this model on its backend (a missing kernel) is
 * found with one training step and reported as unsupported.
 */
async function supported(
  contestant: Contestant & { dispose(): void },
  batchSize: number,
): Promise<{ kind: 'unsupported'; reason: string } | null> {
  const outcome = await unlessUnsupported(async () => {
    await contestant.activate?.();
    await contestant.run(batchSize);
    return null;
  });
  if (outcome) contestant.dispose();
  return outcome;
}

/** Seconds PyTorch trains in each round, after its warm-up. */
const torchSeconds = (quick: boolean) => (quick ? 1 : 2);

type MeasuredRow = Pick<ResultRow, 'figures' | 'torch' | 'rounds'>;

async function measureModel(
  name: ModelName,
  data: TrainingData,
  batchSize: number,
  options: SuiteOptions,
): Promise<MeasuredRow> {
  const seconds = options.quick ? 3 : 10;
  const budget = {
    total: data.count,
    batchSize,
    seconds,
    rounds: roundCount(options.quick),
    zenRoundSeconds: options.torch ? torchSeconds(options.quick) : 0,
  };
  const zen = zenContestant(name, data, batchSize);
  const cpu = await tfjsContestant('cpu', name, data, batchSize);
  const wasm = await tfjsContestant('wasm', name, data, batchSize);
  const cpuUnsupported = await supported(cpu, batchSize);
  const wasmUnsupported = await supported(wasm, batchSize);
  const torch = options.torch && { runner: options.torch, model: name, seconds: torchSeconds(options.quick) };
  const measured = await measureTrainingSideBySide(
    zen,
    [cpuUnsupported ? null : cpu, wasmUnsupported ? null : wasm],
    budget,
    torch,
    options.log,
  );
  if (!cpuUnsupported) cpu.dispose();
  if (!wasmUnsupported) wasm.dispose();
  const [cpuFigure, wasmFigure] = measured.others;
  return {
    figures: {
      zen: measured.zen,
      'tfjs-cpu': cpuUnsupported ?? cpuFigure!,
      'tfjs-wasm': wasmUnsupported ?? wasmFigure!,
    },
    torch: measured.rounds.torch?.figure,
    rounds: roundFigures(measured.rounds),
  };
}

function describe(row: MeasuredRow): string {
  return Object.entries({ ...row.figures, ...(row.torch ? { torch: row.torch } : {}) })
    .map(([who, f]) => `${who} ${f.kind === 'value' ? Math.round(f.value) : f.kind}`)
    .join(', ');
}

export async function runTraining(options: SuiteOptions, models: readonly ModelName[]): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const name of models) {
    const data =
      name === 'rnn'
        ? sequenceData(sineWindows(options.quick ? 512 : 2048, 50))
        : mnistData(bundledDigits(), name === 'mlp');
    const batchSize = name === 'rnn' ? 32 : 64;
    const measured = await measureModel(name, data, batchSize, options);
    options.log(`  ${name} training: ${describe(measured)} samples/s`);
    rows.push({
      name: `${name.toUpperCase()} training`,
      unit: 'samples/s',
      ...measured,
      target:
        name === 'mlp'
          ? { peer: 'tfjs-wasm', ratio: 2 }
          : name === 'cnn'
            ? { peer: 'tfjs-cpu', ratio: 100 }
            : { peer: 'tfjs-wasm', ratio: 1 },
    });
  }
  return rows;
}
