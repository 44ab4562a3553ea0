/**
 * Every training example runs end to end on a tiny budget, so none of them can rot.
 * (Full-size accuracy is the examples' job, not the tests'.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main as mnist } from '../src/mnist';
import { main as mnistMlp } from '../src/mnist-mlp';
import { main as mnistCnn } from '../src/mnist-cnn';
import { main as mnistResnet } from '../src/mnist-resnet';
import { main as customLoop } from '../src/custom-loop';
import { main as fizzbuzz } from '../src/fizzbuzz';
import { main as rnnSine } from '../src/rnn-sine';
import { UsageError } from '../src/lib/cli';

let scratch: string;
let printed: string[];

beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'zen-examples-'));
  printed = [];
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('the main job (mnist)', () => {
  it('trains, prints "test accuracy: 0.xxxx", saves the model and its curves', async () => {
    const out = path.join(scratch, 'model');
    const result = await mnist(['--epochs', '1', '--limit', '600', '--out', out, '--verbose', '0']);
    expect(printed[printed.length - 1]).toMatch(/^test accuracy: \d\.\d{4}$/);
    expect(result.testAccuracy).toBeGreaterThan(0.3); // one epoch on 480 digits: far above chance (0.1)
    for (const file of ['model.json', 'training-curves.svg']) {
      expect(fs.existsSync(path.join(out, file))).toBe(true);
    }
    // Format version 2 stores the weights under a fresh name per save, recorded in model.json.
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8'));
    expect(fs.existsSync(path.join(out, manifest.weightsManifest.path))).toBe(true);
    expect(fs.readFileSync(path.join(out, 'training-curves.svg'), 'utf8')).toContain('<polyline');
    expect(Object.keys(result.history)).toEqual(
      expect.arrayContaining(['loss', 'accuracy', 'val_loss', 'val_accuracy']),
    );
  }, 60_000);

  it('trains the MLP variant', async () => {
    const result = await mnist([
      '--model',
      'mlp',
      '--epochs',
      '2',
      '--limit',
      '600',
      '--out',
      scratch,
      '--verbose',
      '0',
    ]);
    expect(result.testAccuracy).toBeGreaterThan(0.2);
  }, 60_000);

  it('refuses bad options and a missing data folder with a usage error', async () => {
    await expect(mnist(['--model', 'rnn'])).rejects.toThrow(
      new UsageError("--model must be 'cnn' or 'mlp', got 'rnn'"),
    );
    await expect(mnist(['--epochs', 'two'])).rejects.toThrow(
      "--epochs must be a positive integer, got 'two'",
    );
    await expect(mnist(['--bogus'])).rejects.toThrow(UsageError);
    await expect(mnist(['--data', path.join(scratch, 'nowhere')])).rejects.toThrow(/--data folder not found/);
  });
});

describe('the other examples', () => {
  it('mnist-mlp and mnist-cnn train and report a test accuracy', async () => {
    // One epoch on a 400-digit slice gives 0.60 with the example's seed; chance is 0.1.
    expect((await mnistMlp(['--epochs', '1', '--limit', '400'])).testAccuracy).toBeGreaterThan(0.3);
    expect((await mnistCnn(['--epochs', '1', '--limit', '400'])).testAccuracy).toBeGreaterThan(0.15);
    expect(printed.filter((l) => /^test accuracy: \d\.\d{4}$/.test(l))).toHaveLength(2);
  }, 60_000);

  it('mnist-resnet prints its graph summary, trains and reports a test accuracy', async () => {
    const result = await mnistResnet(['--epochs', '1', '--limit', '400']);
    expect(result.testAccuracy).toBeGreaterThan(0.15); // chance is 0.1
    // Default names count across the process (Keras), so the examples run before shift the suffixes.
    const summary = printed.find((l) => l.includes('Connected to'))!;
    expect(summary).toMatch(
      /add_\d+ \(Add\)\s+\[null,7,7,32\]\s+0\s+max_pooling2d_\d+\[0\]\[0\], conv2d_\d+\[0\]\[0\]/,
    );
    expect(printed[printed.length - 1]).toMatch(/^test accuracy: \d\.\d{4}$/);
  }, 60_000);

  it('custom-loop lowers the loss with zeroGrad / backward / step', async () => {
    const result = await customLoop(['--epochs', '2', '--limit', '600']);
    const losses = printed.filter((l) => l.startsWith('epoch')).map((l) => Number(l.split('mean loss ')[1]));
    expect(losses).toHaveLength(2);
    expect(losses[1]).toBeLessThan(losses[0]);
    expect(result.testAccuracy).toBeGreaterThan(0.5);
  }, 60_000);

  it('fizzbuzz learns its training set', async () => {
    const result = await fizzbuzz(['--epochs', '120']);
    expect(result.trainAccuracy).toBeGreaterThan(0.85); // always answering "the number" scores 0.53
  }, 60_000);

  it('rnn-sine lowers the error and writes its plot', async () => {
    const plot = path.join(scratch, 'rnn.svg');
    const result = await rnnSine(['--epochs', '5', '--plot', plot]);
    expect(result.mse).toBeLessThan(result.firstLoss);
    expect(fs.readFileSync(plot, 'utf8')).toContain('prediction');
  }, 60_000);
});
