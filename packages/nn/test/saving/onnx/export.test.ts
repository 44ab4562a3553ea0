/**
 * @jest-environment ./test/saving/onnx/ort-environment.ts
 */
/**
 * The exported graph itself (names, dynamic batch, opset and IR version, folded
 * transposes), refusals, the atomic file writer, other opsets, and the examples' models.
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { type Tensor, randn, setSeed } from '@zen/autograd-core';
import {
  BatchNormalization,
  type CallOptions,
  Conv2D,
  Dense,
  Flatten,
  GlobalAveragePooling2D,
  Layer,
  LayerNormalization,
  MaxPooling2D,
  OnnxExportError,
  ReLU,
  Sequential,
  SimpleRNN,
  exportOnnx,
  toOnnx,
} from '@zen/nn';
import { smallCnn, zenMlp } from '../../../../../examples/src/lib/mnist-models';
import { smallResnet } from '../../../../../examples/src/mnist-resnet';
import { expectOrtMatches, printReport, randomizeWeights, report, runOnnx } from './ort';

const decode = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes);
const graphOf = (bytes: Uint8Array) => decode(bytes).graph as onnx.GraphProto;
const dims = (v: onnx.IValueInfoProto) =>
  v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));

afterAll(printReport);

describe('the exported graph', () => {
  it('names its input and output after the model, with a dynamic batch axis, at opset 17 / IR 8', () => {
    setSeed(1);
    const model = new Sequential([
      new Dense({ name: 'features', units: 4, inputShape: [3] }),
      new Dense({ name: 'logits', units: 2 }),
    ]);
    const m = decode(toOnnx(model));
    const graph = m.graph as onnx.GraphProto;
    expect(Number(m.irVersion)).toBe(8);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(graph.input.map((i) => i.name)).toEqual(['features_input']);
    expect(graph.output.map((o) => o.name)).toEqual(['logits']);
    expect(dims(graph.input[0])).toEqual(['batch', 3]);
    expect(dims(graph.output[0])).toEqual(['batch', 2]);
    // Every weight is an initialiser, nothing else is.
    expect(graph.initializer.map((t) => t.name).sort()).toEqual(
      ['features/bias', 'features/kernel', 'logits/bias', 'logits/kernel'].sort(),
    );
  });

  it('keeps a convolution chain channels-first: one transpose in, one before Flatten', () => {
    const model = new Sequential([
      new Conv2D({ filters: 4, kernelSize: 3, inputShape: [8, 8, 1] }),
      new BatchNormalization(),
      new ReLU(),
      new MaxPooling2D(),
      new Conv2D({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }),
      new Flatten(),
      new Dense({ units: 3 }),
    ]);
    const ops = graphOf(toOnnx(model)).node.map((n) => n.opType);
    expect(ops.filter((op) => op === 'Transpose')).toHaveLength(2);
    expect(ops).toContain('BatchNormalization');
  });

  it('ends a Conv2D → GlobalAveragePooling2D model without transposing back', () => {
    const model = new Sequential([
      new Conv2D({ filters: 4, kernelSize: 3, inputShape: [8, 8, 2] }),
      new GlobalAveragePooling2D(),
    ]);
    const ops = graphOf(toOnnx(model)).node.map((n) => n.opType);
    expect(ops.filter((op) => op === 'Transpose')).toHaveLength(1);
  });
});

class Doubling extends Layer {
  override readonly className = 'Doubling';
  call(x: Tensor, _options: CallOptions): Tensor {
    return x.mul(2);
  }
}

describe('refusals', () => {
  it('refuses a layer with no converter, by name and class', () => {
    const model = new Sequential([new Dense({ units: 2, inputShape: [3] }), new Doubling({ name: 'twice' })]);
    expect(() => toOnnx(model)).toThrow(OnnxExportError);
    expect(() => toOnnx(model)).toThrow(/layer 'twice' \(Doubling\) has no ONNX converter/);
  });

  it('refuses a recurrent cell activation ONNX recurrent ops lack', () => {
    const model = new Sequential([
      new SimpleRNN({ name: 'rnn', units: 2, activation: 'gelu', inputShape: [4, 3] }),
    ]);
    expect(() => toOnnx(model)).toThrow(/layer 'rnn' \(SimpleRNN\) uses activation 'gelu' inside its cell/);
  });

  it('refuses an unbuilt model and unsupported opsets', () => {
    expect(() => toOnnx(new Sequential([new Dense({ units: 2 })]))).toThrow(/is not built yet/);
    const model = new Sequential([new Dense({ units: 2, inputShape: [3] })]);
    expect(() => toOnnx(model, { opset: 16 })).toThrow(/opset 16 is not supported/);
    expect(() => toOnnx({} as Sequential)).toThrow(/expected a model, got Object/);
  });
});

describe('exportOnnx', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zen-onnx-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('writes a file ONNX Runtime runs, creating folders', async () => {
    setSeed(2);
    const model = new Sequential([new Dense({ units: 3, activation: 'tanh', inputShape: [4] })]);
    const file = path.join(dir, 'nested', 'model.onnx');
    await exportOnnx(model, file);
    const x = randn([3, 4]);
    const { data } = await runOnnx(await fs.readFile(file), x);
    const expected = model.predict(x).data;
    data.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-6));
    expect(await fs.readdir(path.join(dir, 'nested'))).toEqual(['model.onnx']);
  });

  it('leaves nothing (and an older file untouched) when the model is refused', async () => {
    const file = path.join(dir, 'model.onnx');
    await fs.writeFile(file, 'previous');
    const model = new Sequential([new Dense({ units: 2, inputShape: [3] }), new Doubling()]);
    await expect(exportOnnx(model, file)).rejects.toThrow(/has no ONNX converter/);
    expect(await fs.readFile(file, 'utf8')).toBe('previous');
    expect(await fs.readdir(dir)).toEqual(['model.onnx']);
    await expect(exportOnnx(model, path.join(dir, 'other.onnx'))).rejects.toThrow(OnnxExportError);
    expect(await fs.readdir(dir)).toEqual(['model.onnx']);
  });
});

describe('other opsets', () => {
  it.each([18, 21])('opset %d (reduce axes as inputs) runs and matches', async (opset) => {
    setSeed(3);
    const model = new Sequential([
      new LayerNormalization({ axis: 1, inputShape: [4, 4, 3] }),
      new GlobalAveragePooling2D(),
      new Dense({ units: 2 }),
    ]);
    randomizeWeights(model);
    const m = decode(toOnnx(model, { opset }));
    expect(Number(m.opsetImport[0].version)).toBe(opset);
    report.set(
      `opset ${opset}: LayerNormalization axis 1 → global pool`,
      await expectOrtMatches(model, [randn([3, 4, 4, 3])], { opset }),
    );
  });
});

describe("the examples' models", () => {
  it.each([
    ['MNIST CNN (mnist, mnist-cnn)', smallCnn, [28, 28, 1]],
    ['MNIST MLP (mnist --model mlp)', zenMlp, [28, 28, 1]],
    ['mnist-resnet (functional, residual Add blocks)', smallResnet, [28, 28, 1]],
  ] as const)('%s', async (name, build, sample) => {
    setSeed(4);
    const model = build(); // as initialised for training
    report.set(
      name,
      await expectOrtMatches(model, [randn([1, ...sample]).abs(), randn([4, ...sample]).abs()]),
    );
  });

  it('the rnn-sine SimpleRNN(64) → Dense(10) → Dense(1)', async () => {
    setSeed(5);
    const model = new Sequential([
      new SimpleRNN({ units: 64, inputShape: [50, 1] }),
      new Dense({ units: 10 }),
      new Dense({ units: 1 }),
    ]);
    report.set(
      'rnn-sine SimpleRNN model',
      await expectOrtMatches(model, [randn([2, 50, 1]), randn([7, 50, 1])]),
    );
  });
});
