/** Command-line parsing for the examples: `--name value` options, `--help`, and exit code 2 on bad input. */
import { parseArgs } from 'util';

export interface OptionSpec {
  /** 'string' options take a value; 'boolean' ones are flags. */
  type: 'string' | 'boolean';
  description: string;
  default?: string;
}

/** Thrown for bad command-line input; reported as one line with exit code 2. */
export class UsageError extends Error {}

/** Parses argv against `spec`; prints usage and exits 0 on --help. */
export function parseOptions(
  program: string,
  summary: string,
  spec: Record<string, OptionSpec>,
  argv: string[] = process.argv.slice(2),
): Record<string, string | boolean | undefined> {
  const options = Object.fromEntries(Object.entries(spec).map(([name, s]) => [name, { type: s.type }]));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' } }, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see ${program} --help)`);
  }
  if (parsed.values.help) {
    const lines = Object.entries(spec).map(([name, s]) => {
      const flag = s.type === 'string' ? `--${name} <value>` : `--${name}`;
      const fallback = s.default !== undefined ? ` (default: ${s.default})` : '';
      return `  ${flag.padEnd(24)} ${s.description}${fallback}`;
    });
    console.log(
      `${summary}\n\nUsage: ${program} [options]\n\nOptions:\n${lines.join('\n')}\n  --help                   show this help`,
    );
    process.exit(0);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, s] of Object.entries(spec)) {
    values[name] = (parsed.values as Record<string, string | boolean | undefined>)[name] ?? s.default;
  }
  return values;
}

/** A positive integer option, or a UsageError naming the option. */
export function positiveInt(name: string, value: string | boolean | undefined): number {
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < 1) {
    throw new UsageError(`--${name} must be a positive integer, got '${String(value)}'`);
  }
  return n;
}

/** Runs an example's main function; bad usage prints one line and exits with code 2. */
export function runMain(main: () => Promise<unknown> | unknown): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`error: ${error.message}`);
        process.exit(2);
      }
      console.error(error);
      process.exit(1);
    });
}
