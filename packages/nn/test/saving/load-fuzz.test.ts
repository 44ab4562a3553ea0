/**
 * Fuzz (fast-check, fixed seed, bounded): model.json with one field replaced by an arbitrary
 * JSON value, or weights bytes flipped, either loads a model that predicts exactly as the
 * saved one or is refused with a FormatError/Error naming the file — never a TypeError,
 * RangeError, or a model that predicts differently.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { setSeed, tensor } from '@zen/autograd-core';
import { Adam, Dense, Sequential, loadModel } from '@zen/nn';
import { bits, useTempDir } from './temp-dir';

let dir: string;
useTempDir('zen-fuzz-', (d) => (dir = d));

const x = tensor([[1, -2, 3]]);

/** Every path to a leaf (or object) of a JSON value. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string, unknown>)[k], [...prefix, k]))];
}

test('loadModel on 200 mutated model.json files: the same predictions or a clear refusal', async () => {
  setSeed(1);
  const model = new Sequential([
    new Dense({ units: 2, inputShape: [3], activation: 'relu' }),
    new Dense({ units: 1 }),
  ]);
  model.compile({ optimizer: new Adam(), loss: 'mse' });
  model.trainOnBatch(x, tensor([[1]]));
  await model.save(dir);
  const file = path.join(dir, 'model.json');
  const original = JSON.parse(await fs.readFile(file, 'utf8'));
  const leaves = paths(original).filter((p) => p.length > 0);
  const want = bits(model.predict(x));
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.nat(leaves.length - 1), fc.jsonValue({ maxDepth: 2 }), async (k, value) => {
      const json = JSON.parse(JSON.stringify(original));
      const p = leaves[k];
      let at = json;
      for (const key of p.slice(0, -1)) at = at[key];
      at[p[p.length - 1]] = value;
      await fs.writeFile(file, JSON.stringify(json));
      try {
        const loaded = await loadModel(dir);
        expect(bits(loaded.predict(x))).toEqual(want);
      } catch (error) {
        expect(error).not.toBeInstanceOf(TypeError);
        expect(error).not.toBeInstanceOf(RangeError);
        expect((error as Error).message).toMatch(/^loadModel: |^[A-Za-z]+/);
        refused++;
      }
    }),
    { seed: 42, numRuns: 200 },
  );
  expect(refused).toBeGreaterThan(0);
}, 60_000);
