import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A fresh folder under the OS temp dir, removed after the test file's tests. */
export function useTempDir(prefix: string): () => string {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `zen-datasets-${prefix}-`));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}
