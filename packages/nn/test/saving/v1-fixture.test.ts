import * as path from 'path';
import { promises as fs } from 'fs';
import { tensor } from '@zen/autograd-core';
import { Sequential, loadModel } from '@zen/nn';

describe('format version 1', () => {
  test('a model saved by the version-1 writer loads, compiled, with its exact predictions', async () => {
    const dir = path.join(__dirname, 'fixtures', 'v1-sequential');
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.formatVersion).toBe(1);
    const expected = JSON.parse(await fs.readFile(path.join(dir, 'expected.json'), 'utf8'));
    const model = await loadModel(dir);
    expect(model).toBeInstanceOf(Sequential);
    expect(model.layers.map((l) => l.name)).toEqual(['dense', 'dense_1']);
    expect(Array.from(model.predict(tensor(expected.x)).data)).toEqual(expected.predictions);
    expect(model.getTrainingConfig()).toMatchObject({
      loss: { name: 'sparseCategoricalCrossentropy' },
      metrics: ['accuracy'],
    });
  });
});
