/**
 * Node-only: the commit protocol of a model directory. At every instant the directory
 * holds a model.json naming a complete, flushed weights file:
 *
 * 1. the new weights go to a fresh, unique name (never one model.json could name) and are
 *    flushed to disk;
 * 2. model.json is replaced atomically (temporary name, fsync, rename): this rename is the
 *    single commit point;
 * 3. only then are the previous weights file and leftovers of earlier interrupted saves
 *    removed.
 *
 * A crash before step 2 leaves the previous model (plus an unreferenced file that the next
 * successful save removes); a crash after it leaves the new one.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { isTemporaryNameOf, writeFileAtomic, writeNewFileDurably } from '@zen/datasets';
import { MODEL_FILE } from './format';

/** Weights files this protocol (or format version 1's) may have written: weights.bin, weights.<hex>.bin, weights.bin.next. */
const WEIGHTS_NAME = /^weights(\.[0-9a-f]+)?\.bin(\.next)?$/;

/** Temporary files of format version 1's writer ('weights.bin.tmp-…', 'model.json.tmp-…'). */
const OLD_TEMPORARY_NAME = /^(model\.json|weights\.bin(\.next)?)\.tmp-\d+-\d+$/;

/** A weights file name no earlier save used. */
function freshWeightsName(): string {
  return `weights.${randomBytes(6).toString('hex')}.bin`;
}

/**
 * Writes `weights` and the model.json text that `describe(weightsFileName)` returns into
 * `dir` (created if needed), following the protocol above.
 */
export async function commitModelFiles(
  dir: string,
  weights: Uint8Array,
  describe: (weightsFileName: string) => string,
): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  let weightsName = freshWeightsName();
  for (;;) {
    try {
      await writeNewFileDurably(path.join(dir, weightsName), weights);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      weightsName = freshWeightsName();
    }
  }
  await writeFileAtomic(path.join(dir, MODEL_FILE), describe(weightsName));
  await removeLeftovers(dir, weightsName);
}

/** Removes every weights or temporary file of this format in `dir` except `keep`. */
async function removeLeftovers(dir: string, keep: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    if (name === keep) continue;
    const ours =
      WEIGHTS_NAME.test(name) || OLD_TEMPORARY_NAME.test(name) || isTemporaryNameOf(name, MODEL_FILE);
    if (ours) await fs.rm(path.join(dir, name), { force: true });
  }
}
