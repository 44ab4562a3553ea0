import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { loadBundledMnist, loadBundledMnistAsync } from '@zen/datasets';
import type { MnistData } from '@zen/datasets';
import { packDigits, unpackDigits } from '../src/digits-pack';
import { useTempDir } from './temp-dir';

/** Independent oracle: the mnist package's digit files read with JSON.parse, in class order. */
const digitsDir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
const oracle = Array.from({ length: 10 }, (_, digit) =>
  Float32Array.from(
    (JSON.parse(fs.readFileSync(path.join(digitsDir, `${digit}.json`), 'utf8')) as { data: number[] }).data,
  ),
);
const allImages = new Float32Array(oracle.reduce((n, a) => n + a.length, 0));
const allLabels = new Int32Array(allImages.length / 784);
oracle.reduce((offset, pixels, digit) => {
  allImages.set(pixels, offset);
  allLabels.fill(digit, offset / 784, (offset + pixels.length) / 784);
  return offset + pixels.length;
}, 0);

function expectSame(a: MnistData, b: MnistData): void {
  for (const part of ['train', 'test'] as const) {
    expect(a[part].images.shape).toEqual(b[part].images.shape);
    expect(Array.from(a[part].labels.data)).toEqual(Array.from(b[part].labels.data));
    const x = a[part].images.data;
    const y = b[part].images.data;
    let differing = 0;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) differing++;
    expect(differing).toBe(0);
  }
}

describe('packed digits (the compact copy loadBundledMnistAsync reads)', () => {
  const tmp = useTempDir('packed');

  it('restores every pixel of the JSON files exactly from one byte each', () => {
    const packed = packDigits({ images: allImages, labels: allLabels, rows: 28, cols: 28 });
    expect(packed.length).toBe(12 + allLabels.length * 785);
    const back = unpackDigits(packed, 'packed');
    expect(back.rows).toBe(28);
    expect(Array.from(back.labels)).toEqual(Array.from(allLabels));
    let differing = 0;
    for (let i = 0; i < allImages.length; i++) if (back.images[i] !== allImages[i]) differing++;
    expect(differing).toBe(0);
  });

  it('refuses pixels that are not 8-bit levels, and truncated or foreign files by name', () => {
    const images = new Float32Array(784).fill(0.5); // 127.5/255: no level
    expect(() => packDigits({ images, labels: new Int32Array([3]), rows: 28, cols: 28 })).toThrow(
      /pixel 0 is 0\.5, not an 8-bit level/,
    );
    const packed = packDigits({
      images: allImages.subarray(0, 784 * 2),
      labels: allLabels.subarray(0, 2),
      rows: 28,
      cols: 28,
    });
    expect(() => unpackDigits(packed.subarray(0, packed.length - 1), 'cut.bin')).toThrow(
      /cut\.bin: 1581 bytes, but 2 images of 28×28 need 1582/,
    );
    expect(() => unpackDigits(new Uint8Array(20), 'zeros.bin')).toThrow(
      /zeros\.bin: not a packed digits file/,
    );
  });

  it('loadBundledMnistAsync gives the same split and values as loadBundledMnist, from a file or the default copy', async () => {
    const file = path.join(tmp(), 'digits.bin.gz');
    fs.writeFileSync(
      file,
      gzipSync(packDigits({ images: allImages, labels: allLabels, rows: 28, cols: 28 })),
    );
    const options = { testFraction: 0.25, seed: 7, limit: 600 };
    const sync = loadBundledMnist(options);
    expect(sync.train.labels.shape).toEqual([450]);
    expectSame(await loadBundledMnistAsync({ ...options, url: file }), sync);
    expectSame(await loadBundledMnistAsync(options), sync);
  }, 60_000);

  it('names a missing file and checks options before reading', async () => {
    await expect(loadBundledMnistAsync({ url: path.join(tmp(), 'none.gz') })).rejects.toThrow(
      /loadBundledMnistAsync: cannot read .*none\.gz/,
    );
    await expect(loadBundledMnistAsync({ testFraction: 2 })).rejects.toThrow(/loadBundledMnistAsync/);
  });
});
