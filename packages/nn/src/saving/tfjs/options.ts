import { toCamelCase } from './keys';

/**
 * Reads one layer's config (snake_case or camelCase keys, asked for in camelCase) while recording what Zen-TS cannot honour:
 * options set to a value other than their default, and options it does not know.
 */

/** A value that means "not set" in Keras and TensorFlow.js configs. */
const isUnset = (v: unknown): boolean => v === null || v === undefined;

export class OptionReader {
  private readonly seen = new Set<string>();
  /** Descriptions of unsupported options, e.g. "kernel_regularizer = {...}". */
  readonly problems: string[] = [];

  private readonly config: Record<string, unknown> = {};
  /** The file's spelling of each key, for messages. */
  private readonly spelling = new Map<string, string>();

  constructor(raw: Record<string, unknown>) {
    for (const [key, value] of Object.entries(raw)) {
      this.config[toCamelCase(key)] = value;
      this.spelling.set(toCamelCase(key), key);
    }
  }

  private describe(key: string, value: unknown): string {
    return `${this.spelling.get(key) ?? key} = ${JSON.stringify(value)}`;
  }

  /** The value of `key` (marked as handled). */
  get(key: string): unknown {
    this.seen.add(key);
    return this.config[key];
  }

  /** A number option, or `fallback` when unset. */
  number(key: string, fallback: number): number {
    const v = this.get(key);
    if (isUnset(v)) return fallback;
    if (typeof v !== 'number') {
      this.problems.push(`${this.describe(key, v)} (expected a number)`);
      return fallback;
    }
    return v;
  }

  /** A boolean option, or `fallback` when unset. */
  boolean(key: string, fallback: boolean): boolean {
    const v = this.get(key);
    return isUnset(v) ? fallback : Boolean(v);
  }

  /** Marks options whose value does not change what the loaded model computes (initialisers, seeds …). */
  ignore(...keys: string[]): void {
    for (const key of keys) this.seen.add(key);
  }

  /** Accepts `key` only when unset or equal to one of `defaults`. */
  requireDefault(key: string, ...defaults: unknown[]): void {
    const v = this.get(key);
    if (isUnset(v) || defaults.some((d) => JSON.stringify(d) === JSON.stringify(v))) return;
    this.problems.push(this.describe(key, v));
  }

  /** Records a problem found while converting. */
  refuse(description: string): void {
    this.problems.push(description);
  }

  /** Every problem, including options that were set but never read. */
  finish(): string[] {
    for (const [key, value] of Object.entries(this.config)) {
      if (!this.seen.has(key) && !isUnset(value)) this.problems.push(this.describe(key, value));
    }
    return this.problems;
  }
}
