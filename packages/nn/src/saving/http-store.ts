/**
 * `http(s)://…`: a model served over HTTP (loadModel only), as tfjs's `loadLayersModel(url)`:
 * the URL of its model.json (or of the folder holding it); the weights are fetched
 * relative to it.
 */
import type { ModelStore } from './model-store';

export const HTTP_SCHEME = /^https?:\/\//i;

export function httpStore(target: string, where: string): ModelStore {
  const modelPath = /\.json([?#].*)?$/i.test(target) ? target : `${target.replace(/\/+$/, '')}/model.json`;
  const fetched = new Map<string, Promise<Uint8Array | null>>();
  const get = (location: string, what: string) => {
    let bytes = fetched.get(location);
    if (!bytes) {
      bytes = fetch(location).then(
        async (response) => {
          if (response.status === 404) return null;
          if (!response.ok) {
            throw new Error(
              `${where}: cannot fetch ${what} ${location}: HTTP ${response.status} ${response.statusText}`,
            );
          }
          return new Uint8Array(await response.arrayBuffer());
        },
        (error: unknown) => {
          throw new Error(`${where}: cannot fetch ${what} ${location} (${(error as Error).message})`, {
            cause: error,
          });
        },
      );
      fetched.set(location, bytes);
    }
    return bytes;
  };
  return {
    modelPath,
    locate: (name) => new URL(name, modelPath).href,
    async read(location, what, namedBy) {
      const bytes = await get(location, namedBy ? `${what} (named by ${namedBy})` : what);
      if (!bytes) throw new Error(`${where}: cannot fetch ${what} ${location} (HTTP 404, no such file)`);
      return bytes;
    },
    async exists(location) {
      return (await get(location, 'file')) !== null;
    },
    async commit() {
      throw new Error(
        `${where}: '${target}': http(s) targets are read-only; save to indexeddb://<name> in a browser or a directory under Node.js`,
      );
    },
  };
}
