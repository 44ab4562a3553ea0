/** Shared by the saving tests: a fresh temporary directory per test, and a tensor's raw bytes. */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Tensor } from '@zen/autograd-core';

/** Creates a directory before each test (handed to `set`) and removes it after. */
export function useTempDir(prefix: string, set: (dir: string) => void): void {
  let dir = '';
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    set(dir);
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
}

/** The bytes of a tensor's data, for bit-exact comparisons. */
export const bits = (t: Tensor): number[] =>
  Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
