/**
 * Checking model.json completely before any weight is read: the container fields, every
 * manifest entry (name, shape, dtype, offsets aligned, in range, tiling the weights file
 * without gap or overlap), and that the model's weights each appear exactly once with
 * their shape and dtype. Every message names the file and the field.
 */
import { FormatError } from '@zen/autograd-core';
import {
  FORMAT_NAME,
  FORMAT_VERSION,
  type ModelFile,
  OPTIMIZER_GROUP,
  type WeightEntry,
  bytesPer,
} from './format';

/** Every array starts on a multiple of 4 bytes (the file is a sequence of float32 and float64 arrays). */
const ALIGNMENT = 4;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v)));

/**
 * Parses and checks the container fields of model.json (not the topology, which its builder
 * checks). `where` names the caller in messages.
 */
export function validateModelFile(parsed: unknown, file: string, where = 'loadModel'): ModelFile {
  const fail = (problem: string) => new FormatError(`${where}: ${file}: ${problem}`);
  if (!isObject(parsed)) throw fail('is not a JSON object');
  if (parsed.format !== FORMAT_NAME)
    throw new FormatError(`${where}: ${file} is not a Zen-TS model file (format '${String(parsed.format)}')`);
  const version = parsed.formatVersion;
  if (!Number.isInteger(version) || (version as number) < 1 || (version as number) > FORMAT_VERSION) {
    throw fail(
      `formatVersion ${show(version)} is not supported (this library reads versions 1 to ${FORMAT_VERSION})`,
    );
  }
  const model = parsed.modelConfig;
  if (!isObject(model) || typeof model.className !== 'string' || !isObject(model.config))
    throw fail('modelConfig must be an object { className, config }');
  if (
    parsed.trainingConfig !== null &&
    parsed.trainingConfig !== undefined &&
    !isObject(parsed.trainingConfig)
  )
    throw fail(`trainingConfig must be an object or null, got ${show(parsed.trainingConfig)}`);
  validateManifest(parsed.weightsManifest, version as number, file, where);
  return parsed as unknown as ModelFile;
}

/** Checks a weights manifest: its fields, every entry, and that the entries tile the weights file. */
export function validateManifest(
  manifest: unknown,
  version: number,
  file: string,
  where = 'loadModel',
): void {
  const fail = (field: string, problem: string) =>
    new FormatError(`${where}: ${file}: weightsManifest.${field} ${problem}`);
  if (!isObject(manifest))
    throw new FormatError(`${where}: ${file}: weightsManifest is missing or not an object`);
  const { path: weightsPath, byteLength, byteOrder, checksum, weights } = manifest;
  if (
    typeof weightsPath !== 'string' ||
    !/^[^/\\]+$/.test(weightsPath) ||
    weightsPath === '..' ||
    weightsPath === '.'
  )
    throw fail('path', `must be a file name in the model's directory, got ${show(weightsPath)}`);
  if (!isCount(byteLength))
    throw fail('byteLength', `must be a non-negative integer, got ${show(byteLength)}`);
  if (byteOrder !== 'little-endian')
    throw fail('byteOrder', `must be 'little-endian', got ${show(byteOrder)}`);
  if (!isObject(checksum) || checksum.algorithm !== 'crc32')
    throw fail(
      'checksum.algorithm',
      `must be 'crc32', got ${show(isObject(checksum) ? checksum.algorithm : checksum)}`,
    );
  if (typeof checksum.value !== 'string' || !/^0x[0-9a-f]{8}$/.test(checksum.value))
    throw fail(
      'checksum.value',
      `must be a CRC-32 written as 0x and 8 hex digits, got ${show(checksum.value)}`,
    );
  if (!Array.isArray(weights)) throw fail('weights', 'must be an array');
  const names = new Set<string>();
  weights.forEach((entry: unknown, k) => {
    const at = `weights[${k}]`;
    if (!isObject(entry)) throw fail(at, 'must be an object');
    const { name, shape, dtype, byteOffset, byteLength: length, trainable, group } = entry;
    if (typeof name !== 'string' || name === '')
      throw fail(`${at}.name`, `must be a non-empty string, got ${show(name)}`);
    const of = `${at} ('${name}')`;
    if (names.has(name)) throw fail(of, 'appears twice');
    names.add(name);
    if (!Array.isArray(shape) || !shape.every(isCount))
      throw fail(`${of}.shape`, `must be an array of non-negative integers, got ${show(shape)}`);
    if (dtype !== 'float32' && dtype !== 'float64')
      throw fail(`${of}.dtype`, `must be 'float32' or 'float64', got ${show(dtype)}`);
    if (typeof trainable !== 'boolean')
      throw fail(`${of}.trainable`, `must be true or false, got ${show(trainable)}`);
    if (group !== undefined && (version < 2 || group !== OPTIMIZER_GROUP))
      throw fail(
        `${of}.group`,
        `must be absent or '${OPTIMIZER_GROUP}' (format version 2), got ${show(group)}`,
      );
    if ((group === OPTIMIZER_GROUP) !== name.startsWith(`${OPTIMIZER_GROUP}/`))
      throw fail(
        `${of}.group`,
        `must be '${OPTIMIZER_GROUP}' exactly for names starting '${OPTIMIZER_GROUP}/'`,
      );
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!isCount(byteOffset))
      throw fail(`${of}.byteOffset`, `must be a non-negative integer, got ${show(byteOffset)}`);
    if (length !== size * bytesPer(dtype))
      throw fail(
        `${of}.byteLength`,
        `must be ${size * bytesPer(dtype)} for shape [${shape}] ${dtype}, got ${show(length)}`,
      );
    if (byteOffset % ALIGNMENT !== 0)
      throw fail(
        `${of}.byteOffset`,
        `${byteOffset} is not a multiple of ${ALIGNMENT} (arrays start on 4-byte boundaries)`,
      );
  });
  // The entries must tile [0, byteLength) exactly: sorted by offset, each starts where the last ended.
  const sorted = [...(weights as WeightEntry[])].sort((a, b) => a.byteOffset - b.byteOffset);
  let end = 0;
  for (const e of sorted) {
    if (e.byteOffset !== end) {
      throw fail(
        'weights',
        e.byteOffset < end
          ? `entry '${e.name}' (bytes ${e.byteOffset}…${e.byteOffset + e.byteLength}) overlaps the entry before it (ending at ${end})`
          : `leave a gap: bytes ${end}…${e.byteOffset} belong to no entry (before '${e.name}')`,
      );
    }
    end += e.byteLength;
  }
  if (end !== byteLength) throw fail('byteLength', `is ${byteLength} but the entries cover ${end} bytes`);
}

/** The expected weights of the built model: name, shape and dtype. */
export interface ExpectedWeight {
  name: string;
  shape: readonly number[];
  dtype: string;
}

/**
 * Checks that the manifest's model entries (those outside group 'optimizer') are exactly
 * the model's weights, each once, with its shape and dtype.
 */
export function matchModelWeights(
  entries: readonly WeightEntry[],
  expected: readonly ExpectedWeight[],
  file: string,
  where = 'loadModel',
): Map<string, WeightEntry> {
  const fail = (problem: string) => new FormatError(`${where}: ${file}: ${problem}`);
  const model = entries.filter((e) => e.group === undefined);
  const byName = new Map(model.map((e) => [e.name, e]));
  for (const { name, shape, dtype } of expected) {
    const entry = byName.get(name);
    if (!entry) throw fail(`the manifest has no entry for weight '${name}'`);
    const same = entry.shape.length === shape.length && entry.shape.every((d, i) => d === shape[i]);
    if (!same) {
      throw fail(
        `weight '${name}' has shape [${entry.shape}] in the manifest but the model expects [${shape}]`,
      );
    }
    if (entry.dtype !== dtype)
      throw fail(`weight '${name}' is ${entry.dtype} in the manifest but the model expects ${dtype}`);
  }
  if (model.length !== expected.length) {
    const known = new Set(expected.map((w) => w.name));
    const extra = model.filter((e) => !known.has(e.name)).map((e) => `'${e.name}'`);
    throw fail(
      `the manifest lists ${model.length} weights but the model has ${expected.length} (not in the model: ${extra.join(', ')})`,
    );
  }
  return byName;
}
