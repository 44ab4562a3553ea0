/**
 * Default names of layers and models, unique in the process as in Keras: the first
 * Dense is 'dense', the next 'dense_1', and so on, whichever model they end up in.
 */

const counters = new Map<string, number>();

/** `base` the first time, then `base_1`, `base_2`, … */
export function uniqueName(base: string): string {
  const count = counters.get(base) ?? 0;
  counters.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}

/** Restarts the default-name counters (Keras's `clear_session`), e.g. between independent experiments. */
export function resetNameCounters(): void {
  counters.clear();
}
