/** Timing helpers: wall-clock seconds, medians, and a time budget for slow contenders. */

/** Seconds since `start` (from `performance.now()`). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `fn` once and returns its duration in seconds. */
export async function timeOnce(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return secondsSince(start);
}

/**
 * Runs `fn` until at least `repeats` runs and `minSeconds` have passed (or `maxRepeats`
 * runs), after `warmup` untimed runs, and returns each run's seconds.
 */
export async function timeRepeated(
  fn: () => unknown,
  options: { warmup: number; repeats: number; minSeconds: number; maxRepeats: number },
): Promise<number[]> {
  for (let i = 0; i < options.warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (
    times.length < options.repeats ||
    (secondsSince(start) < options.minSeconds && times.length < options.maxRepeats)
  ) {
    times.push(await timeOnce(fn));
  }
  return times;
}
