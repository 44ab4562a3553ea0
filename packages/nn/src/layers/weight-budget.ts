/**
 * A cap on how many weight scalars layers may create, checked before any allocation.
 * loadModel builds a model under the budget its weights file can fill, so a config that
 * asks for absurd sizes is refused at once instead of allocating gigabytes first.
 */

let budget: { remaining: number; describe: (needed: number) => string } | null = null;

/** Runs `fn` allowing at most `elements` weight scalars; `describe(n)` explains an overrun of n. */
export function withWeightBudget<T>(elements: number, describe: (needed: number) => string, fn: () => T): T {
  const previous = budget;
  budget = { remaining: elements, describe };
  try {
    return fn();
  } finally {
    budget = previous;
  }
}

/** Charges a weight of `shape` to the running budget; throws naming `what` when it does not fit. */
export function chargeWeight(what: string, shape: readonly number[]): void {
  if (!budget) return;
  const size = shape.reduce((a, b) => a * b, 1);
  if (!(size <= budget.remaining)) {
    throw new Error(`${what} of shape [${shape}] (${size} values): ${budget.describe(size)}`);
  }
  budget.remaining -= size;
}
