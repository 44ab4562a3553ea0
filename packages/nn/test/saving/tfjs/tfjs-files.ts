/**
 * Test helpers around TensorFlow.js (a devDependency): save a tfjs model as model.json +
 * binary shards through `tf.io.withSaveHandler` (pure tfjs in Node has no file handler),
 * read a directory back through `tf.io.fromMemory`, and compare predictions.
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type Tensor, tensor } from '@zen/autograd-core';

let backendReady: Promise<boolean> | null = null;

/** TensorFlow.js on its plain JavaScript CPU backend. */
export function useTfjsCpu(): Promise<boolean> {
  backendReady ??= tf.setBackend('cpu');
  return backendReady;
}

const created: string[] = [];

/** A fresh temporary directory, removed by `removeTempDirs`. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `zen-tfjs-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made (call from afterAll). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
}

export interface SaveOptions {
  includeOptimizer?: boolean;
  /** Split the weights into this many shard files (default 1). */
  shards?: number;
  /** Put the weights into two manifest groups, split after this many weights. */
  splitGroupsAfter?: number;
}

/** Byte length of weights stored as float32/int32. */
const bytesOf = (specs: tf.io.WeightsManifestEntry[]) =>
  specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);

async function writeGroup(dir: string, group: number, bytes: Uint8Array, shards: number): Promise<string[]> {
  const paths: string[] = [];
  const size = Math.ceil(bytes.length / shards);
  for (let i = 0; i < shards; i++) {
    const name = `group${group}-shard${i + 1}of${shards}.bin`;
    await fs.writeFile(
      path.join(dir, name),
      bytes.subarray(i * size, Math.min(bytes.length, (i + 1) * size)),
    );
    paths.push(name);
  }
  return paths;
}

/** Saves a tfjs model into `dir` the way `tf.io.fileSystem` would (model.json + shards). */
export async function saveTfjsModel(
  model: tf.LayersModel,
  dir: string,
  options: SaveOptions = {},
): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      const bytes = new Uint8Array(data);
      const specs = artifacts.weightSpecs ?? [];
      const split = options.splitGroupsAfter ?? specs.length;
      const groups = [specs.slice(0, split), specs.slice(split)].filter((g) => g.length > 0);
      const manifest: tf.io.WeightsManifestConfig = [];
      let offset = 0;
      for (const [g, weights] of groups.entries()) {
        const length = bytesOf(weights);
        const paths = await writeGroup(
          dir,
          g + 1,
          bytes.subarray(offset, offset + length),
          options.shards ?? 1,
        );
        manifest.push({ paths, weights });
        offset += length;
      }
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        trainingConfig: artifacts.trainingConfig,
        weightsManifest: manifest,
      };
      await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: options.includeOptimizer ?? false },
  );
}

/** Loads a directory holding model.json + shards into TensorFlow.js (through `tf.io.fromMemory`). */
export async function loadTfjsModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest as tf.io.WeightsManifestConfig) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) buffers.push(await fs.readFile(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs,
      weightData,
      trainingConfig: json.trainingConfig,
    }),
  );
}

/** A Zen-TS tensor with a tfjs tensor's values. */
export function fromTfjs(t: tf.Tensor): Tensor {
  return tensor(Array.from(t.dataSync()), { shape: t.shape });
}

/** Largest |a − b| / max(1, |b|) over two same-shaped tensors. */
export function maxScaledDifference(a: Tensor, b: tf.Tensor): number {
  expect([...a.shape]).toEqual(b.shape);
  const bd = b.dataSync();
  let worst = 0;
  for (let i = 0; i < bd.length; i++)
    worst = Math.max(worst, Math.abs(a.data[i] - bd[i]) / Math.max(1, Math.abs(bd[i])));
  return worst;
}

/** Zen-TS inputs for a tfjs input (one tensor or one per model input). */
export function inputsFromTfjs(x: tf.Tensor | tf.Tensor[]): Tensor | Tensor[] {
  return Array.isArray(x) ? x.map(fromTfjs) : fromTfjs(x);
}

/** Largest scaled difference over every output of two models' predictions. */
export function maxOutputDifference(zen: Tensor | Tensor[], tfjs: tf.Tensor | tf.Tensor[]): number {
  const a = Array.isArray(zen) ? zen : [zen];
  const b = Array.isArray(tfjs) ? tfjs : [tfjs];
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((t, i) => maxScaledDifference(t, b[i])));
}

/** A directory's model.json, parsed. */
export async function readJson(dir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
}

/** Replaces a directory's model.json. */
export async function writeJson(dir: string, json: unknown): Promise<void> {
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
}

/** Every key of a config tree in camelCase (as TensorFlow.js holds configs in memory). */
export function camelTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelTree);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
      camelTree(v),
    ]),
  );
}
