/** The train/test split shared by the bundled-digit loaders (sync from files, async from the packed copy). */
import { Tensor, makeGenerator } from '@zen/autograd-core';
import type { MnistData } from './mnist';
import { identityOrder, takeRows } from './rows';
import { countForFraction, splitIndices } from './split';

export interface BundledMnistOptions {
  /** Share of the digits held out as the test set; 0.2 by default. */
  testFraction?: number;
  /** Seed of the stratified shuffle; 0 by default. */
  seed?: number | string;
  /** Use only this many digits (a stratified sample), e.g. for quick experiments. */
  limit?: number;
}

const SIDE = 28;

/** Checks the options before the slow part (reading the digits). */
export function checkBundledOptions(where: string, options: BundledMnistOptions): void {
  countForFraction(where, 0, options.testFraction ?? 0.2);
}

/**
 * Splits all digits (flat float32 images, int32 labels in class order) into train and
 * test sets by a seeded shuffle stratified by digit, optionally from a stratified sample
 * of `limit` digits.
 */
export function splitBundledDigits(
  where: string,
  images: Float32Array,
  labels: Int32Array,
  options: BundledMnistOptions,
): MnistData {
  const { testFraction = 0.2, seed = 0, limit } = options;
  const total = labels.length;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0 && limit <= total)) {
    throw new Error(`${where}: limit must be an integer from 0 to ${total}, got ${limit}`);
  }

  const next = makeGenerator(seed);
  let pool = identityOrder(total);
  if (limit !== undefined && limit < total) pool = splitIndices(total, limit, next, labels).chosen;
  const poolLabels = pool.map((i) => labels[i]);
  const testCount = countForFraction(where, pool.length, testFraction);
  const { chosen, rest } = splitIndices(pool.length, testCount, next, poolLabels);

  const imageTensor = new Tensor(images, [total, SIDE, SIDE, 1]);
  const labelTensor = new Tensor(labels, [total]);
  const part = (positions: Int32Array) => {
    const rows = positions.map((p) => pool[p]);
    return { images: takeRows(imageTensor, rows), labels: takeRows(labelTensor, rows) };
  };
  return { train: part(rest), test: part(chosen) };
}
