/**
 * Runs exported models in ONNX Runtime (onnxruntime-node, CPU) and compares them with
 * `model.predict` on the same input.
 */
import * as ort from 'onnxruntime-node';
import { type Tensor, noGrad, rand, randn } from '@zen/autograd-core';
import { type Sequential, toOnnx } from '@zen/nn';
import type { OnnxExportOptions } from '@zen/nn';

/** The float32 tolerance: |ort − zen| ≤ 1e-5 · max(1, |zen|). */
export const RELATIVE_TOLERANCE = 1e-5;

/** Runs ONNX bytes on one input; returns the single output. */
export async function runOnnx(bytes: Uint8Array, x: Tensor): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const feed =
    x.dtype === 'int32'
      ? new ort.Tensor('int32', Int32Array.from(x.data), [...x.shape])
      : new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]);
  const result = await session.run({ [session.inputNames[0]]: feed });
  const out = result[session.outputNames[0]];
  return { data: out.data as Float32Array, dims: out.dims.map(Number) };
}

/**
 * Exports `model`, runs each input through ONNX Runtime and `predict`, checks shapes
 * and values, and returns the largest absolute difference seen.
 */
export async function expectOrtMatches(
  model: Sequential,
  inputs: Tensor[],
  options: OnnxExportOptions = {},
): Promise<number> {
  const bytes = toOnnx(model, options);
  let worst = 0;
  for (const x of inputs) {
    const expected = model.predict(x);
    const { data, dims } = await runOnnx(bytes, x);
    expect(dims).toEqual([...expected.shape]);
    for (let i = 0; i < data.length; i++) {
      const want = expected.data[i];
      const diff = Math.abs(data[i] - want);
      if (!(diff <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(want)))) {
        throw new Error(`element ${i} of output [${dims}]: ONNX Runtime ${data[i]} vs predict ${want}`);
      }
      worst = Math.max(worst, diff);
    }
  }
  return worst;
}

/**
 * Gives every weight random values (biases and moving statistics included, which start
 * as zeros and ones), so a conversion that drops or misplaces one shows.
 */
export function randomizeWeights(model: Sequential): void {
  noGrad(() => {
    for (const layer of model.layers) {
      layer.setWeights(
        layer.weights.map((w) =>
          w.name.endsWith('variance')
            ? rand([...w.value.shape]).add(0.5)
            : randn([...w.value.shape]).mul(0.5),
        ),
      );
    }
  });
}

/** Largest differences per case, printed at the end when ONNX_REPORT is set. */
export const report = new Map<string, number>();
export function printReport(): void {
  if (!process.env.ONNX_REPORT) return;
  const rows = [...report].map(([name, diff]) => `${name.padEnd(50)} ${diff.toExponential(2)}`);
  console.log(`max |ONNX Runtime − predict|:\n${rows.join('\n')}`);
}
