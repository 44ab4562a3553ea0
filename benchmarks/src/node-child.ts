/**
 * Runs one of the benchmark's Node child scripts (gpt-child.js, memory-child.js) with the
 * bench's own Node flags (`process.execArgv`, e.g. `--experimental-wasm-relaxed-simd`), so
 * a child measures under the same flags as the bench itself.
 */
import { type SpawnSyncReturns, spawnSync } from 'child_process';

/** Node's arguments for a child: the bench's flags, the child's own flags, the script and its arguments. */
export function nodeChildArguments(
  script: string,
  args: readonly string[],
  childFlags: readonly string[] = [],
  benchFlags: readonly string[] = process.execArgv,
): string[] {
  const flags = [...benchFlags, ...childFlags.filter((flag) => !benchFlags.includes(flag))];
  return [...flags, script, ...args];
}

export interface NodeChildOptions {
  /** Flags this child needs beyond the bench's (e.g. `--expose-gc`). */
  flags?: readonly string[];
  /** Stop the child after this many seconds. */
  timeoutSeconds?: number;
}

/** Runs `script` with Node and waits for it; stdout and stderr as text. */
export function runNodeChild(
  script: string,
  args: readonly string[],
  options: NodeChildOptions = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, nodeChildArguments(script, args, options.flags), {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    timeout: options.timeoutSeconds === undefined ? undefined : options.timeoutSeconds * 1000,
  });
}
