import { setSeed, tensor, type Tensor } from '@zen/autograd-core';
import { DataLoader } from '@zen/datasets';

/** x row i is the 2×2 block [[i, i+0.25], [i+0.5, i+0.75]]; y row i is i. */
function rows(n: number): { x: Tensor; y: Tensor } {
  const x = Float32Array.from({ length: 4 * n }, (_, k) => Math.floor(k / 4) + (k % 4) / 4);
  return { x: tensor(x, { shape: [n, 2, 2] }), y: tensor(Int32Array.from({ length: n }, (_, i) => i)) };
}

/** The y values of one epoch, batch by batch. */
function epoch(loader: DataLoader): number[][] {
  return [...loader].map((batch) => Array.from(batch.y.data));
}

describe('DataLoader', () => {
  it('batches in order without shuffle; the last batch is smaller unless dropLast', () => {
    const { x, y } = rows(10);
    const loader = new DataLoader(x, y, { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect(loader.numSamples).toBe(10);
    expect(epoch(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    const dropping = new DataLoader(x, y, { batchSize: 4, dropLast: true });
    expect(dropping.length).toBe(2);
    expect(epoch(dropping)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it('copies whole rows of x with their y, keeping row shape and dtype', () => {
    const { x, y } = rows(7);
    for (const batch of new DataLoader(x, y, { batchSize: 3, shuffle: true, seed: 5 })) {
      expect(batch.x.shape).toEqual([batch.y.size, 2, 2]);
      expect(batch.x.dtype).toBe('float32');
      expect(batch.y.dtype).toBe('int32');
      batch.y.data.forEach((i, r) => {
        expect(Array.from(batch.x.data.subarray(4 * r, 4 * r + 4))).toEqual([i, i + 0.25, i + 0.5, i + 0.75]);
      });
    }
  });

  it('covers every sample exactly once per epoch when shuffling, and reshuffles each epoch', () => {
    const { x, y } = rows(103);
    const loader = new DataLoader(x, y, { batchSize: 10, shuffle: true, seed: 1 });
    expect(loader.length).toBe(11);
    const epochs = [epoch(loader), epoch(loader), epoch(loader)];
    for (const batches of epochs) {
      expect(batches.map((b) => b.length)).toEqual([...new Array(10).fill(10), 3]);
      expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    }
    expect(epochs[0].flat()).not.toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(epochs[1].flat()).not.toEqual(epochs[0].flat());
    expect(epochs[2].flat()).not.toEqual(epochs[1].flat());
  });

  it('is deterministic under a seed: same seed, same epochs; another seed, other epochs', () => {
    const { x, y } = rows(30);
    const options = { batchSize: 8, shuffle: true, seed: 42 };
    const a = new DataLoader(x, y, options);
    const b = new DataLoader(x, y, options);
    const c = new DataLoader(x, y, { ...options, seed: 43 });
    const first = [epoch(a), epoch(a)];
    expect([epoch(b), epoch(b)]).toEqual(first);
    expect(epoch(c)).not.toEqual(first[0]);
  });

  it('without a seed, follows the global seed (setSeed)', () => {
    const { x, y } = rows(20);
    setSeed(9);
    const a = epoch(new DataLoader(x, y, { batchSize: 5, shuffle: true }));
    setSeed(9);
    const b = epoch(new DataLoader(x, y, { batchSize: 5, shuffle: true }));
    expect(b).toEqual(a);
  });

  it('batches x alone when y is undefined', () => {
    const { x } = rows(5);
    const loader = new DataLoader(x, undefined, { batchSize: 2 });
    const batches = [...loader];
    expect(batches).toHaveLength(3);
    expect(Object.keys(batches[0])).toEqual(['x']);
    expect(batches[2].x.shape).toEqual([1, 2, 2]);
    expect(batches[2].x.data[0]).toBe(4);
  });

  it('defaults to batches of 32', () => {
    const { x, y } = rows(70);
    expect(new DataLoader(x, y).length).toBe(3);
  });

  it('refuses x and y with different numbers of rows, and bad options', () => {
    const { x } = rows(5);
    expect(() => new DataLoader(x, tensor([1, 2, 3]), { batchSize: 2 })).toThrow(
      'DataLoader: x and y must have the same number of rows, got x [5, 2, 2] and y [3]',
    );
    expect(() => new DataLoader(x, undefined, { batchSize: 0 })).toThrow(
      'DataLoader: batchSize must be a positive integer, got 0',
    );
    expect(() => new DataLoader(tensor(3), undefined)).toThrow(
      'DataLoader: x must be a Tensor with at least one axis',
    );
    expect(() => new DataLoader(x, undefined, { batch_size: 2 } as never)).toThrow(
      "new DataLoader: unknown option 'batch_size'; did you mean 'batchSize'?",
    );
    expect(() => new DataLoader(x, undefined, 16 as never)).toThrow(
      'new DataLoader: expected an options object, got a number 16; write new DataLoader(x, y, { batchSize: 16 })',
    );
    expect(() => new DataLoader(x, tensor([0, 1, 2, 3, 4]), { sampleWeight: tensor([1, 2]) })).toThrow(
      'DataLoader (sampleWeight): x and y must have the same number of rows',
    );
  });

  it('sampleWeight: batches carry the weights of their rows, shuffled with them', () => {
    const { x, y } = rows(10);
    const weights = tensor(Array.from({ length: 10 }, (_, i) => i * 10));
    const loader = new DataLoader(x, y, { batchSize: 4, shuffle: true, seed: 3, sampleWeight: weights });
    for (const batch of loader) {
      expect(Array.from(batch.sampleWeight!.data)).toEqual(Array.from(batch.y.data, (v) => v * 10));
    }
  });
});
