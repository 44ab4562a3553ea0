/**
 * @jest-environment ../packages/nn/test/saving/onnx/ort-environment.ts
 */
/** `npm run mnist -- --export-onnx`: the trained CNN's model.onnx gives predict's answers in ONNX Runtime. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import { loadBundledMnist } from '@zen/datasets';
import { loadModel } from '@zen/nn';
import { main as mnist } from '../src/mnist';

it('writes model.onnx beside the saved model, and ONNX Runtime agrees with predict', async () => {
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
    const session = await ort.InferenceSession.create(result.onnxFile!);
    expect(session.inputNames).toHaveLength(1);
    const images = loadBundledMnist({ limit: 20, testFraction: 0.5, seed: 9 }).test.images; // [10, 28, 28, 1]
    const feed = new ort.Tensor('float32', Float32Array.from(images.data), [...images.shape]);
    const output = (await session.run({ [session.inputNames[0]]: feed }))[session.outputNames[0]];
    const expected = (await loadModel(out)).predict(images);
    expect(output.dims).toEqual([10, 10]);
    const got = output.data as Float32Array;
    for (let i = 0; i < got.length; i++) {
      expect(Math.abs(got[i] - expected.data[i])).toBeLessThanOrEqual(
        1e-5 * Math.max(1, Math.abs(expected.data[i])),
      );
    }
  } finally {
    jest.restoreAllMocks();
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
