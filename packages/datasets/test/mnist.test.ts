import * as fs from 'fs';
import * as path from 'path';
import { loadMnist, writeIdx } from '@zen/datasets';
import { useTempDir } from './temp-dir';

/** A tiny MNIST-format set: `count` images of 4×3 pixels whose bytes are (n·12 + p)·5 mod 256. */
function pixelBytes(count: number): number[] {
  return Array.from({ length: count * 12 }, (_, i) => (i * 5) % 256);
}
function labelBytes(count: number): number[] {
  return Array.from({ length: count }, (_, n) => (n * 3) % 10);
}

/** Writes the four files into `dir` with names `<stem><separator><suffix><ext>`. */
function writeSet(dir: string, separator: '-' | '.', ext: '' | '.gz', counts = { train: 5, test: 3 }): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = (stem: string, suffix: string) => path.join(dir, `${stem}${separator}${suffix}${ext}`);
  for (const [half, stem] of [
    ['train', 'train'],
    ['test', 't10k'],
  ] as const) {
    const n = counts[half];
    writeIdx(file(`${stem}-images`, 'idx3-ubyte'), { shape: [n, 4, 3], dtype: 'uint8', data: pixelBytes(n) });
    writeIdx(file(`${stem}-labels`, 'idx1-ubyte'), { shape: [n], dtype: 'uint8', data: labelBytes(n) });
  }
}

describe('loadMnist', () => {
  const tempDir = useTempDir('mnist');

  const variants = [
    ['plain names', '-', ''],
    ['gzip files', '-', '.gz'],
    ['dotted names', '.', ''],
    ['dotted gzip files', '.', '.gz'],
  ] as const;
  for (const [title, separator, ext] of variants) {
    it(`reads the four files (${title}) into scaled images and int32 labels`, async () => {
      const dir = path.join(tempDir(), `${separator}${ext}`);
      writeSet(dir, separator, ext);
      const { train, test } = await loadMnist({ dir });

      expect(train.images.shape).toEqual([5, 4, 3, 1]);
      expect(train.images.dtype).toBe('float32');
      expect(train.labels.shape).toEqual([5]);
      expect(train.labels.dtype).toBe('int32');
      expect(Array.from(train.labels.data)).toEqual(labelBytes(5));
      expect(Array.from(train.images.data)).toEqual(pixelBytes(5).map((b) => Math.fround(b / 255)));
      expect(test.images.shape).toEqual([3, 4, 3, 1]);
      expect(Array.from(test.labels.data)).toEqual(labelBytes(3));
    });
  }

  it('scales bytes to [0, 1] and keeps pixel (n, r, c) at [n][r][c][0]', async () => {
    const dir = path.join(tempDir(), 'scaling');
    writeSet(dir, '-', '');
    const pixels = [0, 51, 255, 128, 1, 254, 10, 20];
    writeIdx(path.join(dir, 'train-images-idx3-ubyte'), { shape: [2, 2, 2], dtype: 'uint8', data: pixels });
    writeIdx(path.join(dir, 'train-labels-idx1-ubyte'), { shape: [2], dtype: 'uint8', data: [4, 9] });
    const { train } = await loadMnist({ dir, kind: 'train' });
    expect(train.images.toArray()).toEqual([
      [
        [[0], [Math.fround(0.2)]],
        [[1], [Math.fround(128 / 255)]],
      ],
      [
        [[Math.fround(1 / 255)], [Math.fround(254 / 255)]],
        [[Math.fround(10 / 255)], [Math.fround(20 / 255)]],
      ],
    ]);
    expect(Array.from(train.labels.data)).toEqual([4, 9]);
  });

  it('loads only the requested half with kind', async () => {
    const dir = path.join(tempDir(), 'kinds');
    writeSet(dir, '-', '');
    fs.rmSync(path.join(dir, 't10k-images-idx3-ubyte'));
    const onlyTrain = await loadMnist({ dir, kind: 'train' });
    expect(Object.keys(onlyTrain)).toEqual(['train']);
    await expect(loadMnist({ dir, kind: 'test' })).rejects.toThrow('no t10k-images file');
  });

  it('lists the names it looked for when a file is missing', async () => {
    const dir = path.join(tempDir(), 'missing');
    writeSet(dir, '-', '');
    fs.rmSync(path.join(dir, 'train-labels-idx1-ubyte'));
    await expect(loadMnist({ dir })).rejects.toThrow(
      `loadMnist: no train-labels file in ${dir}; looked for train-labels-idx1-ubyte, ` +
        'train-labels-idx1-ubyte.gz, train-labels.idx1-ubyte, train-labels.idx1-ubyte.gz',
    );
  });

  it('refuses a folder that does not exist', async () => {
    const dir = path.join(tempDir(), 'nowhere');
    await expect(loadMnist({ dir })).rejects.toThrow(`loadMnist: folder ${dir} does not exist`);
  });

  it('refuses image and label counts that differ', async () => {
    const dir = path.join(tempDir(), 'counts');
    writeSet(dir, '-', '');
    writeIdx(path.join(dir, 't10k-labels-idx1-ubyte'), { shape: [2], dtype: 'uint8', data: [1, 2] });
    await expect(loadMnist({ dir })).rejects.toThrow(
      `loadMnist: t10k-images-idx3-ubyte has 3 images but t10k-labels-idx1-ubyte has 2 labels (in ${dir})`,
    );
  });

  it('refuses files of the wrong kind, and passes on IDX format errors with the file name', async () => {
    const dir = path.join(tempDir(), 'wrong');
    writeSet(dir, '-', '');
    const images = path.join(dir, 'train-images-idx3-ubyte');
    writeIdx(images, { shape: [5, 12], dtype: 'uint8', data: pixelBytes(5) });
    await expect(loadMnist({ dir })).rejects.toThrow(
      `loadMnist: ${images}: expected uint8 images of shape [N, rows, cols], got uint8 [5, 12]`,
    );
    fs.writeFileSync(images, fs.readFileSync(images).subarray(0, 40));
    await expect(loadMnist({ dir })).rejects.toThrow(`readIdx: ${images}: data is truncated`);
  });

  it('refuses an unknown kind', async () => {
    const kind = 'validation' as unknown as 'train';
    await expect(loadMnist({ dir: tempDir(), kind })).rejects.toThrow(
      "loadMnist: kind must be 'train', 'test' or 'both', got 'validation'",
    );
  });
});
