/**
 * The benchmark's GPT in both frameworks, at a tiny size: each starts near the loss of a
 * uniform guess (log V, within 1) and learns one fixed batch, so the TensorFlow.js version written
 * with ops is a working transformer and not merely the same amount of arithmetic.
 */
import { randint, setSeed } from '@zen/autograd-core';
import { type GptConfig, tfjsGptStep, zenGpt } from '../src/gpt-models';
import { useTfjs } from '../src/tfjs';

const TINY: GptConfig = { vocabulary: 7, context: 5, width: 8, layers: 1, heads: 2, batch: 4 };
const STEPS = 60;

test('Zen-TS GPT: first loss near log V, then it learns a fixed batch', () => {
  setSeed(3);
  const model = zenGpt(TINY);
  const ids = randint(0, TINY.vocabulary, [TINY.batch, TINY.context]);
  const targets = randint(0, TINY.vocabulary, [TINY.batch, TINY.context]);
  const losses = Array.from({ length: STEPS }, () => model.trainOnBatch(ids, targets).loss);
  expect(Math.abs(losses[0] - Math.log(TINY.vocabulary))).toBeLessThan(1);
  expect(losses[STEPS - 1]).toBeLessThan(0.8 * losses[0]);
});

test('TensorFlow.js GPT (ops, one-hot embedding): first loss near log V, then it learns', async () => {
  const tf = await useTfjs('cpu');
  const gpt = tfjsGptStep(tf, TINY);
  const ids = tf.randomUniformInt([TINY.batch, TINY.context], 0, TINY.vocabulary, 3);
  const targets = tf.randomUniformInt([TINY.batch, TINY.context], 0, TINY.vocabulary, 4);
  const losses = Array.from({ length: STEPS }, () => gpt.step(ids, targets));
  gpt.dispose();
  tf.dispose([ids, targets]);
  expect(Math.abs(losses[0] - Math.log(TINY.vocabulary))).toBeLessThan(1);
  expect(losses[STEPS - 1]).toBeLessThan(0.8 * losses[0]);
});
