/**
 * Child process of the GPT benchmark: one contender trains the benchmark's GPT
 * (gpt-models.ts) on random token windows for about `seconds` after a warm-up, and prints
 * one JSON line with its tokens/s and the process's peak RSS (its own process, so the
 * figure is its own).
 * Usage: node gpt-child.js <zen|tfjs-cpu|tfjs-wasm> <seconds>
 */
import { randint } from '@zen/autograd-core';
import { GPT, tfjsGptStep, zenGpt } from './gpt-models';
import { peakRssMiB } from './peak-rss';

export interface GptReport {
  contender: string;
  tokensPerSecond: number;
  steps: number;
  peakRssMiB: number;
}

const WARMUP_STEPS = 2;
const MIN_STEPS = 1;

/** Runs `step` until `seconds` have passed (at least MIN_STEPS) after the warm-up; tokens/s. */
async function timeSteps(step: () => Promise<void> | void, seconds: number): Promise<[number, number]> {
  for (let i = 0; i < WARMUP_STEPS; i++) await step();
  const start = process.hrtime.bigint();
  let steps = 0;
  let elapsed = 0;
  while (steps < MIN_STEPS || elapsed < seconds) {
    await step();
    steps++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return [(steps * GPT.batch * GPT.context) / elapsed, steps];
}

async function main(): Promise<void> {
  const [contender, secondsText] = process.argv.slice(2);
  const seconds = Number(secondsText);
  if (!['zen', 'tfjs-cpu', 'tfjs-wasm'].includes(contender) || !(seconds > 0)) {
    throw new Error(`gpt-child: usage <zen|tfjs-cpu|tfjs-wasm> <seconds>, got ${process.argv.slice(2)}`);
  }
  const shape = [GPT.batch, GPT.context];
  let rate: [number, number];
  if (contender === 'zen') {
    const model = zenGpt();
    rate = await timeSteps(() => {
      const ids = randint(0, GPT.vocabulary, shape);
      const targets = randint(0, GPT.vocabulary, shape);
      model.trainOnBatch(ids, targets);
    }, seconds);
  } else {
    // Loaded only here, so Zen-TS's process does not carry TensorFlow.js.
    const { useTfjs } = await import('./tfjs');
    const tf = await useTfjs(contender === 'tfjs-cpu' ? 'cpu' : 'wasm');
    const gpt = tfjsGptStep(tf);
    rate = await timeSteps(() => {
      const ids = tf.randomUniformInt(shape, 0, GPT.vocabulary);
      const targets = tf.randomUniformInt(shape, 0, GPT.vocabulary);
      gpt.step(ids, targets);
      tf.dispose([ids, targets]);
    }, seconds);
    gpt.dispose();
  }
  const report: GptReport = {
    contender,
    tokensPerSecond: rate[0],
    steps: rate[1],
    peakRssMiB: peakRssMiB(),
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
