/** save's options object is checked like every other: unknown keys and positional values are refused before anything is written. */
import { promises as fs } from 'fs';
import { setSeed } from '@zen/autograd-core';
import { Dense, Sequential, resetNameCounters } from '@zen/nn';
import { useTempDir } from './temp-dir';

let dir: string;
useTempDir('zen-save-options-', (d) => (dir = d));

function model(): Sequential {
  resetNameCounters();
  setSeed(1);
  return new Sequential([new Dense({ units: 2, inputShape: [3] })]);
}

describe('model.save options', () => {
  test('an unknown key is refused with the nearest valid name, and nothing is written', async () => {
    await expect(model().save(dir, { include_optimizer: false } as never)).rejects.toThrow(
      "model.save: unknown option 'include_optimizer'; did you mean 'includeOptimizer'?",
    );
    await expect(model().save(dir, { includeOptimiser: false } as never)).rejects.toThrow(
      "did you mean 'includeOptimizer'?",
    );
    expect(await fs.readdir(dir)).toEqual([]);
  });

  test('a positional value is refused with the right spelling', async () => {
    await expect(model().save(dir, false as never)).rejects.toThrow(
      'model.save: expected an options object, got a boolean false; write model.save(target, { includeOptimizer: false })',
    );
  });

  test('valid options still save', async () => {
    await model().save(dir, { includeOptimizer: false });
    expect(await fs.readdir(dir)).toContain('model.json');
  });
});
