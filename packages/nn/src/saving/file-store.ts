/** A model directory on the local file system (Node.js): the targets of targets.ts, committed by commit.ts. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { commitModelFiles } from './commit';
import type { ModelStore } from './model-store';
import { resolveTarget } from './targets';

function explain(error: unknown, file: string, what: string, where: string, namedBy?: string): Error {
  const code = (error as { code?: string }).code;
  return new Error(
    `${where}: cannot read ${what} ${file}${namedBy ? ` named by ${namedBy}` : ''}${code === 'ENOENT' ? ' (no such file)' : `: ${(error as Error).message}`}`,
    { cause: error },
  );
}

export function fileStore(target: unknown, where: string): ModelStore {
  const { dir, modelPath } = resolveTarget(target, where);
  return {
    modelPath,
    locate: (name) => path.join(dir, name),
    async read(location, what, namedBy) {
      try {
        return await fs.readFile(location);
      } catch (error) {
        throw explain(error, location, what, where, namedBy);
      }
    },
    async exists(location) {
      try {
        await fs.access(location);
        return true;
      } catch {
        return false;
      }
    },
    commit: (weights, describe) => commitModelFiles(dir, weights, describe),
  };
}
