/** The GPT example end to end on a tiny budget: trains, saves, and samples again from the saved model. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type GptResult, main } from '../src/gpt';
import { UsageError } from '../src/lib/cli';

test('npm run gpt trains, saves model and tokenizer, and --generate reproduces the sample', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'zen-gpt-'));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const tiny = ['--layers', '1', '--width', '16', '--heads', '2', '--context', '8', '--length', '20'];
    const result = (await main(['--steps', '3', ...tiny, '--out', out, '--verbose', '0'])) as GptResult;
    expect(result.steps).toBe(3);
    expect(Number.isFinite(result.valLoss)).toBe(true);
    expect(result.valLoss).toBeLessThan(Math.log(89) + 0.5);
    expect(result.sample.startsWith('Call me')).toBe(true);
    expect([...result.sample]).toHaveLength(27);
    expect(fs.existsSync(path.join(out, 'tokenizer.json'))).toBe(true);
    const again = await main(['--generate', 'Call me', '--model', out, '--length', '20']);
    expect(again).toBe(result.sample);
    await expect(main(['--generate', 'x', '--model', path.join(out, 'nothing')])).rejects.toThrow(UsageError);
  } finally {
    jest.restoreAllMocks();
    fs.rmSync(out, { recursive: true, force: true });
  }
});
