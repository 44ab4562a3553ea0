/** Browser twin of file-store.ts: a page has no file system to save to or load from. */
import type { ModelStore } from './model-store';

export function fileStore(target: unknown, where: string): ModelStore {
  throw new Error(
    `${where}: '${String(target)}' is a file path, which needs Node.js; in a browser use indexeddb://<name> or an http(s) URL`,
  );
}
