/**
 * Runs exported models in ONNX Runtime (onnxruntime-node, CPU) and compares them with
 * `model.predict` on the same input.
 */
import * as ort from 'onnxruntime-node';
import { type Tensor, noGrad, rand, randn } from '@zen/autograd-core';
import { type Model, toOnnx } from '@zen/nn';
import type { OnnxExportOptions } from '@zen/nn';

/** The float32 tolerance: |ort − zen| ≤ 1e-5 · max(1, |zen|). */
export const RELATIVE_TOLERANCE = 1e-5;

/** An ONNX Runtime tensor holding `x` (int32 ids or float32 values). */
function feedOf(x: Tensor): ort.Tensor {
  return x.dtype === 'int32'
    ? new ort.Tensor('int32', Int32Array.from(x.data), [...x.shape])
    : new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]);
}

/** Runs ONNX bytes on inputs given in graph-input order; returns every output, in graph-output order. */
export async function runOnnxAll(
  bytes: Uint8Array,
  xs: readonly Tensor[],
): Promise<{ name: string; data: Float32Array; dims: number[] }[]> {
  const session = await ort.InferenceSession.create(bytes);
  expect(session.inputNames).toHaveLength(xs.length);
  const feeds = Object.fromEntries(session.inputNames.map((name, i) => [name, feedOf(xs[i])]));
  const result = await session.run(feeds);
  return session.outputNames.map((name) => ({
    name,
    data: result[name].data as Float32Array,
    dims: result[name].dims.map(Number),
  }));
}

/** Runs ONNX bytes on one input; returns the single output. */
export async function runOnnx(bytes: Uint8Array, x: Tensor): Promise<{ data: Float32Array; dims: number[] }> {
  return (await runOnnxAll(bytes, [x]))[0];
}

/**
 * Exports `model`, runs each input (a Tensor, or one per model input) through ONNX
 * Runtime and `predict`, checks every output's shape and values, and returns the
 * largest absolute difference seen.
 */
export async function expectOrtMatches(
  model: Model,
  inputs: (Tensor | Tensor[])[],
  options: OnnxExportOptions = {},
): Promise<number> {
  const bytes = toOnnx(model, options);
  let worst = 0;
  for (const x of inputs) {
    const xs = Array.isArray(x) ? x : [x];
    const predicted = model.predict<Tensor | Tensor[]>(xs.length === 1 ? xs[0] : xs);
    const expected = Array.isArray(predicted) ? predicted : [predicted];
    const outputs = await runOnnxAll(bytes, xs);
    expect(outputs).toHaveLength(expected.length);
    outputs.forEach(({ name, data, dims }, k) => {
      expect(dims).toEqual([...expected[k].shape]);
      for (let i = 0; i < data.length; i++) {
        const want = expected[k].data[i];
        const diff = Math.abs(data[i] - want);
        if (!(diff <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(want)))) {
          throw new Error(
            `element ${i} of output '${name}' [${dims}]: ONNX Runtime ${data[i]} vs predict ${want}`,
          );
        }
        worst = Math.max(worst, diff);
      }
    });
  }
  return worst;
}

/**
 * Gives every weight random values (biases and moving statistics included, which start
 * as zeros and ones), so a conversion that drops or misplaces one shows.
 */
export function randomizeWeights(model: Model): void {
  noGrad(() => {
    for (const w of model.weights) {
      w.value.data.set(
        (w.name.endsWith('variance') ? rand([...w.value.shape]).add(0.5) : randn([...w.value.shape]).mul(0.5))
          .data,
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
