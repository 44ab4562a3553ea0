/** Seeded train/test splitting, plain or stratified by class. */
import { type Tensor, makeGenerator, shuffleInPlace } from '@zen/autograd-core';
import { checkSameRows, classLabels, identityOrder, takeRows } from './rows';

export interface TrainTestSplitOptions {
  /** Share of the rows that go to the test set, in [0, 1]; 0.2 by default. */
  testFraction?: number;
  /** Seed of the shuffle; 0 by default. */
  seed?: number | string;
  /** Keep each class's share equal in both halves (classes from `y`); false by default. */
  stratify?: boolean;
}

export interface TrainTestSplit {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

/**
 * Splits rows of `x` and `y` into shuffled train and test sets; the test set has
 * round(N · testFraction) rows. With `stratify`, each class contributes its share
 * (within one row) to the test set. `y` holds class indices [N] or one-hot rows
 * [N, C] when stratifying, anything with N rows otherwise.
 * @example const { xTrain, yTrain, xTest, yTest } = trainTestSplit(x, y, { testFraction: 0.25, seed: 1 });
 */
export function trainTestSplit(x: Tensor, y: Tensor, options: TrainTestSplitOptions = {}): TrainTestSplit {
  checkSameRows('trainTestSplit', x, y);
  const { testFraction = 0.2, seed = 0, stratify = false } = options;
  const testCount = countForFraction('trainTestSplit', x.shape[0], testFraction);
  const labels = stratify ? classLabels('trainTestSplit', y) : undefined;
  const { rest, chosen } = splitIndices(x.shape[0], testCount, makeGenerator(seed), labels);
  return {
    xTrain: takeRows(x, rest),
    yTrain: takeRows(y, rest),
    xTest: takeRows(x, chosen),
    yTest: takeRows(y, chosen),
  };
}

/** round(count · fraction), after checking the fraction is in [0, 1]. */
export function countForFraction(where: string, count: number, fraction: number): number {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new Error(`${where}: testFraction must be in [0, 1], got ${fraction}`);
  }
  return Math.round(count * fraction);
}

/**
 * Chooses `chosenCount` of the indices 0…count-1 at random (`next` draws uniforms);
 * both the chosen and the remaining indices come back shuffled. With `labels`, the
 * choice is stratified: class c with n_c rows gives floor or ceil of
 * n_c · chosenCount / count, the leftover rows going to the largest remainders.
 */
export function splitIndices(
  count: number,
  chosenCount: number,
  next: () => number,
  labels?: Int32Array,
): { chosen: Int32Array; rest: Int32Array } {
  const chosen = new Int32Array(chosenCount);
  const rest = new Int32Array(count - chosenCount);
  if (!labels) {
    const order = identityOrder(count);
    shuffleInPlace(order, next);
    chosen.set(order.subarray(0, chosenCount));
    rest.set(order.subarray(chosenCount));
    return { chosen, rest };
  }

  const groups = groupByClass(labels);
  const quotas = stratifiedQuotas(
    groups.map((g) => g.length),
    chosenCount,
    count,
  );
  let c = 0;
  let r = 0;
  groups.forEach((group, k) => {
    shuffleInPlace(group, next);
    chosen.set(group.subarray(0, quotas[k]), c);
    rest.set(group.subarray(quotas[k]), r);
    c += quotas[k];
    r += group.length - quotas[k];
  });
  shuffleInPlace(chosen, next);
  shuffleInPlace(rest, next);
  return { chosen, rest };
}

/** Row indices of each class, classes in increasing order. */
function groupByClass(labels: Int32Array): Int32Array[] {
  const counts = new Map<number, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const classes = [...counts.keys()].sort((a, b) => a - b);
  const groups = new Map(classes.map((label) => [label, new Int32Array(counts.get(label)!)]));
  const filled = new Map(classes.map((label) => [label, 0]));
  for (let i = 0; i < labels.length; i++) {
    const at = filled.get(labels[i])!;
    groups.get(labels[i])![at] = i;
    filled.set(labels[i], at + 1);
  }
  return classes.map((label) => groups.get(label)!);
}

/** Largest-remainder apportionment of `chosen` rows over classes of the given sizes. */
function stratifiedQuotas(sizes: number[], chosen: number, total: number): number[] {
  const exact = sizes.map((n) => (total === 0 ? 0 : (n * chosen) / total));
  const quotas = exact.map(Math.floor);
  let left = chosen - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((e, k) => k)
    .sort((a, b) => exact[b] - quotas[b] - (exact[a] - quotas[a]) || a - b);
  for (const k of byRemainder) {
    if (left === 0) break;
    quotas[k]++;
    left--;
  }
  return quotas;
}
