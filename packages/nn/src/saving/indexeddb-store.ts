/**
 * `indexeddb://name`: a model kept in the browser's IndexedDB (database 'zen-ts-models',
 * object store 'models', key `name`), as one record holding model.json and its weights
 * file. A save writes the record in one transaction, so it commits whole or not at all.
 */
import type { ModelStore } from './model-store';

export const INDEXEDDB_SCHEME = 'indexeddb://';
const DATABASE = 'zen-ts-models';
const OBJECT_STORE = 'models';
const WEIGHTS_NAME = 'weights.bin';

/** A stored model: its files by name, and when it was saved. */
interface ModelRecord {
  files: Record<string, Uint8Array>;
  savedAt: string;
}

/** The few IndexedDB members used here (the ES lib has no DOM types). */
interface Request<T> {
  result: T;
  error: { message: string } | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface Transaction {
  objectStore(name: string): {
    put(value: unknown, key: string): Request<unknown>;
    get(key: string): Request<unknown>;
  };
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  error: { message: string } | null;
}
interface Database {
  transaction(store: string, mode: 'readonly' | 'readwrite'): Transaction;
  createObjectStore(name: string): unknown;
  close(): void;
}
interface OpenRequest extends Request<Database> {
  onupgradeneeded: (() => void) | null;
}

function factory(where: string): { open(name: string, version: number): OpenRequest } {
  const indexedDB = (globalThis as { indexedDB?: { open(name: string, version: number): OpenRequest } })
    .indexedDB;
  if (!indexedDB) {
    throw new Error(
      `${where}: '${INDEXEDDB_SCHEME}' targets need IndexedDB (a browser); under Node.js use a directory path`,
    );
  }
  return indexedDB;
}

function settle<T>(request: Request<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(new Error(`${what}: ${request.error?.message ?? 'IndexedDB request failed'}`));
  });
}

async function open(where: string): Promise<Database> {
  const request = factory(where).open(DATABASE, 1);
  request.onupgradeneeded = () => request.result.createObjectStore(OBJECT_STORE);
  return settle(request, `${where}: cannot open IndexedDB database '${DATABASE}'`);
}

/** Runs `body` in one transaction and resolves when the transaction has committed. */
async function inTransaction<T>(
  where: string,
  mode: 'readonly' | 'readwrite',
  body: (store: ReturnType<Transaction['objectStore']>) => Promise<T>,
): Promise<T> {
  const db = await open(where);
  try {
    const tx = db.transaction(OBJECT_STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () =>
        reject(new Error(`${where}: IndexedDB transaction failed (${tx.error?.message ?? 'aborted'})`));
    });
    const result = await body(tx.objectStore(OBJECT_STORE));
    await done;
    return result;
  } finally {
    db.close();
  }
}

/** The store for `indexeddb://name` (`target` includes the scheme). */
export function indexedDbStore(target: string, where: string): ModelStore {
  const name = target.slice(INDEXEDDB_SCHEME.length);
  if (name === '' || name.includes('/')) {
    throw new Error(`${where}: '${target}' must name a model: indexeddb://<name>, without slashes`);
  }
  let record: Promise<ModelRecord | undefined> | null = null;
  const load = () =>
    (record ??= inTransaction(where, 'readonly', (store) =>
      settle(store.get(name), `${where}: cannot read '${target}'`),
    ) as Promise<ModelRecord | undefined>);
  const fileOf = (location: string) => location.slice(target.length + 1);
  return {
    modelPath: `${target}/model.json`,
    locate: (file) => `${target}/${file}`,
    async read(location, what, _namedBy) {
      const stored = await load();
      if (!stored) throw new Error(`${where}: no model saved as '${target}' in IndexedDB`);
      const bytes = stored.files[fileOf(location)];
      if (!bytes) throw new Error(`${where}: cannot read ${what} ${location} (not in the IndexedDB record)`);
      return bytes;
    },
    async exists(location) {
      return (await load())?.files[fileOf(location)] !== undefined;
    },
    async commit(weights, describe) {
      const files = {
        'model.json': new TextEncoder().encode(describe(WEIGHTS_NAME)),
        [WEIGHTS_NAME]: weights,
      };
      const value: ModelRecord = { files, savedAt: new Date().toISOString() };
      await inTransaction(where, 'readwrite', (store) =>
        settle(store.put(value, name), `${where}: cannot write '${target}'`),
      );
      record = null;
    },
  };
}
