import * as fs from 'fs';
import * as path from 'path';
import type { Tensor } from '@zen/autograd-core';
import { loadBundledMnist, type MnistData } from '@zen/datasets';

/** Independent oracle: the digit files read with JSON.parse. */
const digitsDir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
const oracle = Array.from({ length: 10 }, (_, digit) => {
  const text = fs.readFileSync(path.join(digitsDir, `${digit}.json`), 'utf8');
  return Float32Array.from((JSON.parse(text) as { data: number[] }).data);
});
const classTotals = oracle.map((pixels) => pixels.length / 784);

/** A fingerprint of one 784-pixel image, identical for identical float32 pixels. */
function fingerprint(pixels: Float32Array, offset: number): number {
  let h = 0;
  for (let j = 0; j < 784; j++) h += pixels[offset + j] * (j + 1) * (j % 7 === 0 ? 3.1 : 1);
  return h;
}
const labelByFingerprint = new Map<number, number>();
oracle.forEach((pixels, digit) => {
  for (let n = 0; n < pixels.length / 784; n++) labelByFingerprint.set(fingerprint(pixels, n * 784), digit);
});

function classCounts(labels: Tensor): number[] {
  const counts = new Array(10).fill(0);
  for (const label of labels.data) counts[label]++;
  return counts;
}

describe('loadBundledMnist', () => {
  let data: MnistData;
  beforeAll(() => {
    const start = process.hrtime.bigint();
    data = loadBundledMnist({ testFraction: 0.2, seed: 1 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(`loadBundledMnist: 10,000 digits loaded and split in ${ms.toFixed(0)} ms`);
  });

  it('holds the 10,000 digits, split 8,000 / 2,000, with the documented shapes', () => {
    expect(classTotals.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(data.train.images.shape).toEqual([8000, 28, 28, 1]);
    expect(data.train.images.dtype).toBe('float32');
    expect(data.train.labels.shape).toEqual([8000]);
    expect(data.train.labels.dtype).toBe('int32');
    expect(data.test.images.shape).toEqual([2000, 28, 28, 1]);
    expect(data.test.labels.shape).toEqual([2000]);
  });

  it('is stratified: each class gives its 20% share (±1) to the test set, the rest to train', () => {
    const train = classCounts(data.train.labels);
    const test = classCounts(data.test.labels);
    for (let digit = 0; digit < 10; digit++) {
      expect(Math.abs(test[digit] - classTotals[digit] * 0.2)).toBeLessThanOrEqual(1);
      expect(train[digit] + test[digit]).toBe(classTotals[digit]);
    }
  });

  it('pairs every image with its own label and uses each digit once', () => {
    const seen = new Set<number>();
    for (const split of [data.train, data.test]) {
      const pixels = split.images.data as Float32Array;
      let mismatches = 0;
      for (let n = 0; n < split.labels.size; n++) {
        const key = fingerprint(pixels, n * 784);
        if (labelByFingerprint.get(key) !== split.labels.data[n]) mismatches++;
        seen.add(key);
      }
      expect(mismatches).toBe(0);
    }
    expect(seen.size).toBe(labelByFingerprint.size);
  });

  it('keeps pixel values in [0, 1] and shuffles the classes together', () => {
    let low = Infinity;
    let high = -Infinity;
    const pixels = data.train.images.data;
    for (let i = 0; i < pixels.length; i++) {
      if (pixels[i] < low) low = pixels[i];
      if (pixels[i] > high) high = pixels[i];
    }
    expect(low).toBe(0);
    expect(high).toBeLessThanOrEqual(1);
    expect(high).toBeGreaterThan(0.99);
    expect(new Set(data.train.labels.data.subarray(0, 100)).size).toBe(10);
  });

  it('is deterministic under a seed, and another seed gives another split', () => {
    const again = loadBundledMnist({ testFraction: 0.2, seed: 1 });
    expect(Array.from(again.test.labels.data)).toEqual(Array.from(data.test.labels.data));
    expect(Buffer.from(again.test.images.data.buffer).equals(Buffer.from(data.test.images.data.buffer))).toBe(
      true,
    );
    const other = loadBundledMnist({ testFraction: 0.2, seed: 2 });
    expect(Array.from(other.test.labels.data)).not.toEqual(Array.from(data.test.labels.data));
  });

  it('takes a stratified sample with limit, and other test fractions', () => {
    const small = loadBundledMnist({ limit: 1000, testFraction: 0.25 });
    expect(small.train.labels.size).toBe(750);
    expect(small.test.labels.size).toBe(250);
    const all = classCounts(small.train.labels).map((n, d) => n + classCounts(small.test.labels)[d]);
    all.forEach((n, digit) => expect(Math.abs(n - classTotals[digit] / 10)).toBeLessThanOrEqual(1));
    const none = loadBundledMnist({ limit: 50, testFraction: 0 });
    expect(none.test.images.shape).toEqual([0, 28, 28, 1]);
    expect(none.train.images.shape).toEqual([50, 28, 28, 1]);
  });

  it('refuses bad options', () => {
    expect(() => loadBundledMnist({ limit: 10001, testFraction: 0.1 })).toThrow(
      'loadBundledMnist: limit must be an integer from 0 to 10000, got 10001',
    );
    expect(() => loadBundledMnist({ testFraction: 1.5 })).toThrow(
      'loadBundledMnist: testFraction must be in [0, 1], got 1.5',
    );
  });
});
