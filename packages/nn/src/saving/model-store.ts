/**
 * Where a model's files live, as save and loadModel see it: a local directory (Node.js),
 * an IndexedDB record (`indexeddb://name`, browsers) or an http(s) location (read-only).
 * Files are named relative to model.json, as its weights manifest names them.
 */
export interface ModelStore {
  /** The model.json's location, for messages. */
  readonly modelPath: string;
  /** The location of a file named relative to model.json (a path or URL), for reading and messages. */
  locate(name: string): string;
  /**
   * The bytes at `location`; the error names `what` (e.g. 'weights file'), the location and,
   * if given, the file that named it.
   */
  read(location: string, what: string, namedBy?: string): Promise<Uint8Array>;
  /** Whether a file exists at `location`. */
  exists(location: string): Promise<boolean>;
  /** Stores `weights` and then model.json, `describe(weightsName)`, so that the model.json is the commit point. */
  commit(weights: Uint8Array, describe: (weightsName: string) => string): Promise<void>;
}
