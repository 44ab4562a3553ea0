import * as path from 'path';
import { promises as fs } from 'fs';
import { tensor } from '@zen/autograd-core';
import { Sequential, loadModel } from '@zen/nn';

describe('format version 1', () => {
  test('a model saved by the version-1 writer loads, compiled, with its exact weights and its predictions', async () => {
    const dir = path.join(__dirname, 'fixtures', 'v1-sequential');
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.formatVersion).toBe(1);
    const expected = JSON.parse(await fs.readFile(path.join(dir, 'expected.json'), 'utf8'));
    const model = await loadModel(dir);
    expect(model).toBeInstanceOf(Sequential);
    expect(model.layers.map((l) => l.name)).toEqual(['dense', 'dense_1']);
    // Every weight is the file's float32, bit for bit, in the manifest's order.
    const bytes = await fs.readFile(path.join(dir, 'weights.bin'));
    const stored = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const loaded = model.getWeights().flatMap((w) => Array.from(w.data));
    expect(loaded).toEqual(Array.from(stored));
    // The predictions the writer recorded, to float32 rounding: a build with fused
    // multiply-adds (relaxed SIMD) rounds some products once instead of twice.
    const predictions = Array.from(model.predict(tensor(expected.x)).data);
    expect(predictions).toHaveLength(expected.predictions.length);
    predictions.forEach((p, i) => expect(Math.abs(p - expected.predictions[i])).toBeLessThan(1e-6));
    expect(model.getTrainingConfig()).toMatchObject({
      loss: { name: 'sparseCategoricalCrossentropy' },
      metrics: ['accuracy'],
    });
  });
});
