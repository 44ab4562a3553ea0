/** exportTfjs's files (Node.js): the shard first, model.json last, so a reader never finds model.json naming missing weights. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '@zen/datasets';
import { TFJS_SHARD_FILE } from './format';

export async function writeTfjsFiles(dir: string, shard: Uint8Array, modelJson: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, TFJS_SHARD_FILE), shard);
  await writeFileAtomic(path.join(dir, 'model.json'), modelJson);
}
