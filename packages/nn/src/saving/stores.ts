/**
 * The store a save or load target names: `indexeddb://name` (browsers), an `http(s)://`
 * URL (loading only), else a directory, model.json path or `file://` URL (Node.js).
 */
import { fileStore } from './file-store';
import { HTTP_SCHEME, httpStore } from './http-store';
import { INDEXEDDB_SCHEME, indexedDbStore } from './indexeddb-store';
import type { ModelStore } from './model-store';

export function openStore(target: unknown, where: string): ModelStore {
  if (typeof target === 'string') {
    if (target.toLowerCase().startsWith(INDEXEDDB_SCHEME)) return indexedDbStore(target, where);
    if (HTTP_SCHEME.test(target)) return httpStore(target, where);
  }
  return fileStore(target, where);
}
