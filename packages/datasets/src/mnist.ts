/** Loading MNIST-format data sets (MNIST, Fashion-MNIST, KMNIST) from their four IDX files. */
import * as fs from 'fs';
import * as path from 'path';
import { FormatError, Tensor } from '@zen/autograd-core';
import { type IdxArray, formatShape } from './idx/format';
import { decodeIdx, fileError } from './idx/read';

/** Images and their labels. */
export interface MnistSplit {
  /** float32 [N, rows, cols, 1], values in [0, 1]. */
  images: Tensor;
  /** int32 [N]. */
  labels: Tensor;
}

/** Both halves of a data set, as `loadMnist` and `loadBundledMnist` return them. */
export interface MnistData {
  train: MnistSplit;
  test: MnistSplit;
}

export interface LoadMnistOptions {
  /** Folder holding the IDX files, e.g. the unpacked MNIST or Fashion-MNIST download. */
  dir: string;
  /** Load only the training or only the test half; both by default. */
  kind?: 'train' | 'test' | 'both';
}

/** File stems of each half: `<stem>-idx3-ubyte` etc. */
const STEMS = {
  train: { images: 'train-images', labels: 'train-labels' },
  test: { images: 't10k-images', labels: 't10k-labels' },
} as const;

/**
 * Loads an MNIST-format data set from `dir`: train-images-idx3-ubyte,
 * train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each
 * plain or `.gz`, also with the dotted names (`train-images.idx3-ubyte`). Images become
 * float32 [N, rows, cols, 1] scaled to [0, 1]; labels int32 [N].
 * @example const { train, test } = await loadMnist({ dir: 'data/fashion-mnist' });
 */
export function loadMnist(options: LoadMnistOptions & { kind: 'train' }): Promise<{ train: MnistSplit }>;
export function loadMnist(options: LoadMnistOptions & { kind: 'test' }): Promise<{ test: MnistSplit }>;
export function loadMnist(options: LoadMnistOptions & { kind?: 'both' }): Promise<MnistData>;
export function loadMnist(options: LoadMnistOptions): Promise<Partial<MnistData>>;
export async function loadMnist(options: LoadMnistOptions): Promise<Partial<MnistData>> {
  const { dir, kind = 'both' } = options;
  if (kind !== 'train' && kind !== 'test' && kind !== 'both') {
    throw new Error(`loadMnist: kind must be 'train', 'test' or 'both', got '${String(kind)}'`);
  }
  const files = await listFolder(dir);
  const result: Partial<MnistData> = {};
  if (kind !== 'test') result.train = await loadSplit(dir, files, 'train');
  if (kind !== 'train') result.test = await loadSplit(dir, files, 'test');
  return result;
}

async function listFolder(dir: string): Promise<Set<string>> {
  try {
    return new Set(await fs.promises.readdir(dir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`loadMnist: folder ${dir} does not exist`, { cause: error });
    }
    throw new Error(`loadMnist: cannot list folder ${dir} (${(error as Error).message})`, {
      cause: error,
    });
  }
}

async function loadSplit(dir: string, files: Set<string>, half: 'train' | 'test'): Promise<MnistSplit> {
  const [imagesFile, labelsFile] = [
    findFile(dir, files, STEMS[half].images, 'idx3-ubyte'),
    findFile(dir, files, STEMS[half].labels, 'idx1-ubyte'),
  ];
  const [images, labels] = await Promise.all([readIdxFile(imagesFile), readIdxFile(labelsFile)]);
  const name = (file: string) => path.basename(file);

  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new FormatError(
      `loadMnist: ${imagesFile}: expected uint8 images of shape [N, rows, cols], got ${images.dtype} ${formatShape(images.shape)}`,
    );
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new FormatError(
      `loadMnist: ${labelsFile}: expected uint8 labels of shape [N], got ${labels.dtype} ${formatShape(labels.shape)}`,
    );
  }
  const [count, rows, cols] = images.shape;
  if (labels.shape[0] !== count) {
    throw new FormatError(
      `loadMnist: ${name(imagesFile)} has ${count} images but ${name(labelsFile)} has ${labels.shape[0]} labels (in ${dir})`,
    );
  }
  return {
    images: new Tensor(scalePixels(images.data as Uint8Array), [count, rows, cols, 1]),
    labels: new Tensor(Int32Array.from(labels.data), [count]),
  };
}

/** The first of the accepted spellings of `<stem>-<suffix>` present in `dir`. */
function findFile(dir: string, files: Set<string>, stem: string, suffix: string): string {
  const candidates = [`${stem}-${suffix}`, `${stem}.${suffix}`].flatMap((n) => [n, `${n}.gz`]);
  const found = candidates.find((n) => files.has(n));
  if (!found) {
    throw new Error(`loadMnist: no ${stem} file in ${dir}; looked for ${candidates.join(', ')}`);
  }
  return path.join(dir, found);
}

async function readIdxFile(file: string): Promise<IdxArray> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (error) {
    throw fileError(error, file, 'loadMnist');
  }
  return decodeIdx(bytes, file);
}

/** Pixel bytes 0…255 as float32 in [0, 1], through a 256-entry table. */
const PIXEL_VALUES = Float32Array.from({ length: 256 }, (_, v) => v / 255);

function scalePixels(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = PIXEL_VALUES[pixels[i]];
  return out;
}
