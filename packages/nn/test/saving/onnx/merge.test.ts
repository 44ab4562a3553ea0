/**
 * @jest-environment ./test/saving/onnx/ort-environment.ts
 */
/**
 * Merge layers in functional models, exported to ONNX and run in ONNX Runtime against
 * `predict` at batch sizes 1, 2 and 5: every elementwise merge (with Keras's broadcasting
 * of lower-rank inputs), Concatenate on several axes (images held NCHW too) and Dot.
 */
import { onnx } from 'onnx-proto';
import { type Tensor, randn, setSeed } from '@zen/autograd-core';
import {
  Add,
  Average,
  Concatenate,
  Conv2D,
  Dense,
  Dot,
  Flatten,
  type Layer,
  Maximum,
  Minimum,
  Model,
  Multiply,
  ReLU,
  Subtract,
  type SymbolicTensor,
  input,
  resetNameCounters,
  toOnnx,
} from '@zen/nn';
import { expectOrtMatches, printReport, randomizeWeights, report } from './ort';

const opsOf = (bytes: Uint8Array) =>
  (onnx.ModelProto.decode(bytes).graph as onnx.GraphProto).node.map((n) => n.opType);

/** A model merging fresh inputs of the given sample shapes with `merge`; checked at batch sizes 1, 2, 5. */
async function check(name: string, merge: Layer, samples: number[][]): Promise<void> {
  const inputs = samples.map((shape) => input({ shape }));
  const model = new Model({ inputs, outputs: merge.apply(inputs) as SymbolicTensor });
  const feeds = [1, 2, 5].map((n) => samples.map((s) => randn([n, ...s])));
  report.set(name, await expectOrtMatches(model, feeds));
}

beforeEach(() => {
  resetNameCounters();
  setSeed(13);
});
afterAll(printReport);

describe('merge layers', () => {
  it.each([
    ['Add (3 inputs)', () => new Add(), [[4], [4], [4]]],
    [
      'Subtract',
      () => new Subtract(),
      [
        [3, 4],
        [3, 4],
      ],
    ],
    [
      'Multiply (3 inputs)',
      () => new Multiply(),
      [
        [2, 3],
        [2, 3],
        [2, 3],
      ],
    ],
    ['Average', () => new Average(), [[5], [5]]],
    [
      'Maximum',
      () => new Maximum(),
      [
        [2, 3],
        [2, 3],
      ],
    ],
    [
      'Minimum',
      () => new Minimum(),
      [
        [2, 3],
        [2, 3],
      ],
    ],
    ['Add, rank 2 with rank 3 (Keras broadcasting)', () => new Add(), [[4], [3, 4]]],
    [
      'Subtract, length-1 axes broadcast',
      () => new Subtract(),
      [
        [3, 1],
        [3, 4],
      ],
    ],
    ['Maximum, rank 3 with rank 2', () => new Maximum(), [[2, 3, 4], [4]]],
    ['Concatenate axis -1', () => new Concatenate(), [[3], [5], [2]]],
    [
      'Concatenate axis 1 (rank 3)',
      () => new Concatenate({ axis: 1 }),
      [
        [2, 4],
        [3, 4],
      ],
    ],
    ['Dot axes 1 (rank 2 → [batch, 1])', () => new Dot({ axes: 1 }), [[4], [4]]],
    [
      'Dot axes [2, 1]',
      () => new Dot({ axes: [2, 1] }),
      [
        [3, 4],
        [4, 5],
      ],
    ],
    [
      'Dot axes -1, normalize (cosine)',
      () => new Dot({ axes: -1, normalize: true }),
      [
        [3, 4],
        [2, 4],
      ],
    ],
    [
      'Dot axes [1, 2] rank 3 × rank 3',
      () => new Dot({ axes: [1, 2] }),
      [
        [4, 2],
        [3, 4],
      ],
    ],
  ] as const)('%s', async (name, make, samples) => {
    await check(
      name,
      make(),
      samples.map((s) => [...s]),
    );
  });

  it('a residual block (Conv → ReLU → Conv, Add) stays NCHW', async () => {
    const x = input({ shape: [6, 6, 3] });
    const h = new Conv2D({ filters: 3, kernelSize: 3, padding: 'same' }).apply(x);
    const r = new Conv2D({ filters: 3, kernelSize: 3, padding: 'same' }).apply(new ReLU().apply(h));
    const out = new Dense({ units: 2 }).apply(new Flatten().apply(new ReLU().apply(new Add().apply([h, r]))));
    const model = new Model({ inputs: x, outputs: out });
    randomizeWeights(model);
    expect(opsOf(toOnnx(model)).filter((op) => op === 'Transpose')).toHaveLength(2);
    const feeds = [1, 2, 5].map((n) => randn([n, 6, 6, 3]));
    report.set('Add: residual conv block (NCHW)', await expectOrtMatches(model, feeds));
  });

  it('concatenates images held NCHW along their channel axis (and axis 2)', async () => {
    const x = input({ shape: [5, 5, 2] });
    const a = new Conv2D({ filters: 2, kernelSize: 3 }).apply(x);
    const b = new Conv2D({ filters: 3, kernelSize: 3 }).apply(x);
    const channels = new Concatenate().apply([a, b]);
    const widths = new Concatenate({ axis: 2 }).apply([channels, channels]);
    const model = new Model({ inputs: x, outputs: [channels, widths] });
    randomizeWeights(model);
    const feeds: Tensor[][] = [1, 2, 5].map((n) => [randn([n, 5, 5, 2])]);
    report.set('Concatenate: images (NCHW), axes -1 and 2', await expectOrtMatches(model, feeds));
  });
});
