/**
 * Child process of the memory benchmark: trains the MLP for some epochs with one
 * contender and prints, as one JSON line, the live memory after each epoch (after a
 * full garbage collection when run with --expose-gc) and the process's peak RSS.
 * Usage: node --expose-gc memory-child.js <zen|tfjs-cpu|tfjs-wasm> <epochs> <samples>
 */
import { Tensor } from '@zen/autograd-core';
import { bundledDigits } from './data';
import { tfjsModel, zenModel } from './models';
import { peakRssMiB } from './peak-rss';

export interface MemoryReport {
  contender: string;
  /** heapUsed + external (typed arrays, wasm memory) after each epoch, MiB. */
  liveMiB: number[];
  rssMiB: number[];
  peakRssMiB: number;
}

const MiB = 2 ** 20;

/** Collects garbage twice, letting V8 free array buffers in between (it does that on a background thread). */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
}

async function snapshot(report: MemoryReport): Promise<void> {
  await settle();
  const usage = process.memoryUsage();
  report.liveMiB.push((usage.heapUsed + usage.external) / MiB);
  report.rssMiB.push(usage.rss / MiB);
}

async function main(): Promise<void> {
  const [contender, epochsText, samplesText] = process.argv.slice(2);
  const epochs = Number(epochsText);
  const samples = Number(samplesText);
  if (!['zen', 'tfjs-cpu', 'tfjs-wasm'].includes(contender) || !(epochs > 0) || !(samples > 0)) {
    throw new Error(
      `memory-child: usage <zen|tfjs-cpu|tfjs-wasm> <epochs> <samples>, got ${process.argv.slice(2)}`,
    );
  }
  const digits = bundledDigits();
  const images = digits.images.subarray(0, samples * 784);
  const labels = digits.oneHot.subarray(0, samples * 10);
  const report: MemoryReport = { contender, liveMiB: [], rssMiB: [], peakRssMiB: 0 };
  const fit = { epochs: 1, batchSize: 64, shuffle: true, verbose: 0 as const };
  if (contender === 'zen') {
    const model = zenModel('mlp');
    const x = new Tensor(images, [samples, 784]);
    const y = new Tensor(labels, [samples, 10]);
    for (let e = 0; e < epochs; e++) {
      await model.fit(x, y, fit);
      await snapshot(report);
    }
  } else {
    // Loaded only here, so Zen-TS's process does not carry TensorFlow.js.
    const { useTfjs } = await import('./tfjs');
    const tf = await useTfjs(contender === 'tfjs-cpu' ? 'cpu' : 'wasm');
    const model = tfjsModel(tf, 'mlp');
    const x = tf.tensor2d(images, [samples, 784]);
    const y = tf.tensor2d(labels, [samples, 10]);
    for (let e = 0; e < epochs; e++) {
      await model.fit(x, y, { ...fit, yieldEvery: 'never' });
      await snapshot(report);
    }
  }
  report.peakRssMiB = peakRssMiB();
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
