/**
 * Local save and load targets (Node.js): a directory path, the path of a model.json, or a
 * `file://` URL of either. Any other `scheme://` is refused by name rather than taken for a
 * folder called 'scheme:'. `indexeddb://` and `http(s)://` are dispatched before this
 * (stores.ts).
 */
import { ValueError } from '@zen/autograd-core';
import { fileURLToPath } from 'url';
import * as path from 'path';
import { MODEL_FILE } from './format';

/** A location on the local file system. */
export interface FileTarget {
  kind: 'file';
  /** The model directory. */
  dir: string;
  /** The model.json inside it. */
  modelPath: string;
}

export type ModelTarget = FileTarget;

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/** Schemes understood here, for error messages. */
const SUPPORTED =
  'a directory path, the path of a model.json, a file:// URL, indexeddb://<name> (browsers) or an http(s):// URL (loading)';

/** The local path a `file://` URL or plain path denotes; refuses other schemes by name. */
function localPath(target: unknown, where: string): string {
  if (typeof target !== 'string' || target === '') {
    throw new ValueError(
      `${where}: expected ${SUPPORTED}, got ${target === '' ? 'an empty string' : typeof target}`,
    );
  }
  const scheme = SCHEME.exec(target)?.[1];
  if (scheme === undefined) return target;
  if (scheme.toLowerCase() !== 'file') {
    throw new ValueError(
      `${where}: '${scheme}://' targets are not supported here ('${target}'); use ${SUPPORTED}`,
    );
  }
  // tfjs-node's relative form 'file://./dir' (or 'file://dir') names a path relative to the cwd.
  const rest = target.slice('file://'.length);
  if (rest === '') throw new ValueError(`${where}: '${target}' names no path`);
  if (!rest.startsWith('/')) return rest;
  try {
    return fileURLToPath(target);
  } catch (error) {
    throw new ValueError(`${where}: '${target}' is not a valid file:// URL (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** Whether `p` names a model.json file rather than its directory. */
function namesModelFile(p: string): boolean {
  return path.extname(p).toLowerCase() === '.json';
}

/** Resolves a save or load target to its directory and model.json path. */
export function resolveTarget(target: unknown, where: string): ModelTarget {
  const p = localPath(target, where);
  if (namesModelFile(p)) return { kind: 'file', dir: path.dirname(p), modelPath: p };
  return { kind: 'file', dir: p, modelPath: path.join(p, MODEL_FILE) };
}
