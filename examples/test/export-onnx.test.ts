/**
 * @jest-environment ../packages/nn/test/saving/onnx/ort-environment.ts
 */
/** `npm run mnist|gpt -- --export-onnx`: the trained model's model.onnx gives predict's answers in ONNX Runtime. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import { loadBundledMnist } from '@zen/datasets';
import { randint } from '@zen/autograd-core';
import { loadModel } from '@zen/nn';
import { type GptResult, main as gpt } from '../src/gpt';
import { main as mnist } from '../src/mnist';

/** Runs a model file on one input in ONNX Runtime and checks it against `expected` within float32 tolerance. */
async function expectOrtAgrees(file: string, input: ort.Tensor, expected: ArrayLike<number>, dims: number[]) {
  const session = await ort.InferenceSession.create(file);
  expect(session.inputNames).toHaveLength(1);
  const output = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
  expect(output.dims).toEqual(dims);
  const got = output.data as Float32Array;
  for (let i = 0; i < got.length; i++) {
    expect(Math.abs(got[i] - expected[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected[i])));
  }
}

it('npm run mnist -- --export-onnx writes model.onnx beside the saved model; ONNX Runtime agrees with predict', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'zen-mnist-onnx-'));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const result = await mnist([
      '--epochs',
      '1',
      '--limit',
      '300',
      '--out',
      out,
      '--verbose',
      '0',
      '--export-onnx',
    ]);
    expect(result.onnxFile).toBe(path.join(out, 'model.onnx'));
    const images = loadBundledMnist({ limit: 20, testFraction: 0.5, seed: 9 }).test.images; // [10, 28, 28, 1]
    const feed = new ort.Tensor('float32', Float32Array.from(images.data), [...images.shape]);
    await expectOrtAgrees(result.onnxFile!, feed, (await loadModel(out)).predict(images).data, [10, 10]);
  } finally {
    jest.restoreAllMocks();
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 60_000);

it('npm run gpt -- --export-onnx: int32 token ids [batch, context] → logits, as predict', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'zen-gpt-onnx-'));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const tiny = ['--layers', '1', '--width', '16', '--heads', '2', '--context', '8', '--length', '5'];
    const result = (await gpt([
      '--steps',
      '2',
      ...tiny,
      '--out',
      out,
      '--verbose',
      '0',
      '--export-onnx',
    ])) as GptResult;
    expect(result.onnxFile).toBe(path.join(out, 'model.onnx'));
    const ids = randint(0, 20, [3, 8], { dtype: 'int32' });
    const feed = new ort.Tensor('int32', Int32Array.from(ids.data), [3, 8]);
    const expected = (await loadModel(out)).predict(ids);
    await expectOrtAgrees(result.onnxFile!, feed, expected.data, [...expected.shape]);
  } finally {
    jest.restoreAllMocks();
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
