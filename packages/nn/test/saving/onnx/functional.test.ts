/**
 * @jest-environment ./test/saving/onnx/ort-environment.ts
 */
/**
 * Functional models exported to ONNX and run in ONNX Runtime against `predict`: several
 * inputs and outputs (named as the model names them), shared layers (one set of
 * initialisers), nested models (a Model or Sequential inside a Model, a model inside a
 * Sequential), at batch sizes 1, 2 and 5 (the batch axis is dynamic).
 */
import { onnx } from 'onnx-proto';
import { type Tensor, randint, randn, setSeed } from '@zen/autograd-core';
import {
  BatchNormalization,
  Bidirectional,
  Conv1D,
  GRU,
  TimeDistributed,
  Conv2D,
  Dense,
  Embedding,
  Flatten,
  GlobalAveragePooling2D,
  Layer,
  MaxPooling2D,
  Model,
  OnnxExportError,
  Sequential,
  type CallOptions,
  input,
  resetNameCounters,
  toOnnx,
} from '@zen/nn';
import { expectOrtMatches, printReport, randomizeWeights, report } from './ort';

const graphOf = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes).graph as onnx.GraphProto;
const dims = (v: onnx.IValueInfoProto) =>
  v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));

/** Inputs for each batch size: one normal tensor per sample shape. */
const batches = (...samples: number[][]): Tensor[][] =>
  [1, 2, 5].map((n) => samples.map((s) => randn([n, ...s])));

beforeEach(() => {
  resetNameCounters();
  setSeed(11);
});
afterAll(printReport);

describe('functional models in ONNX Runtime', () => {
  it('two inputs and two outputs, named as the model names them, batch axis dynamic', async () => {
    const left = input({ shape: [4], name: 'left' });
    const right = input({ shape: [3], name: 'right' });
    const h = new Dense({ units: 5, activation: 'relu' }).apply(left);
    const score = new Dense({ units: 2, name: 'score' }).apply(h);
    const probs = new Dense({ units: 3, activation: 'softmax', name: 'probs' }).apply(right);
    const model = new Model({ inputs: [left, right], outputs: [score, probs] });
    randomizeWeights(model);
    const graph = graphOf(toOnnx(model));
    expect(graph.input.map((i) => [i.name, dims(i)])).toEqual([
      ['left', ['batch', 4]],
      ['right', ['batch', 3]],
    ]);
    expect(graph.output.map((o) => [o.name, dims(o)])).toEqual([
      ['score', ['batch', 2]],
      ['probs', ['batch', 3]],
    ]);
    report.set('functional: 2 inputs, 2 outputs', await expectOrtMatches(model, batches([4], [3])));
  });

  it('a shared layer writes its weights once and both calls read them', async () => {
    const a = input({ shape: [4], name: 'a' });
    const b = input({ shape: [4], name: 'b' });
    const shared = new Dense({ units: 4, activation: 'tanh', name: 'shared' });
    const twice = shared.apply(shared.apply(a));
    const other = shared.apply(b);
    const model = new Model({ inputs: [a, b], outputs: [twice, other] });
    randomizeWeights(model);
    const graph = graphOf(toOnnx(model));
    expect(graph.initializer.map((t) => t.name).sort()).toEqual(['shared/bias', 'shared/kernel']);
    const readers = graph.node.filter((n) => n.input!.includes('shared/kernel'));
    expect(readers.map((n) => n.opType)).toEqual(['MatMul', 'MatMul', 'MatMul']);
    report.set('functional: shared layer (3 calls)', await expectOrtMatches(model, batches([4], [4])));
  });

  it('a functional model and a Sequential inside a functional model', async () => {
    const x = input({ shape: [6] });
    const innerIn = input({ shape: [6] });
    const inner = new Model({
      inputs: innerIn,
      outputs: new Dense({ units: 4, activation: 'sigmoid' }).apply(
        new Dense({ units: 5, activation: 'relu' }).apply(innerIn),
      ),
      name: 'inner',
    });
    const stack = new Sequential([new Dense({ units: 3, activation: 'tanh' }), new Dense({ units: 2 })], {
      name: 'stack',
    });
    const out = stack.apply(inner.apply(x));
    const model = new Model({ inputs: x, outputs: out });
    randomizeWeights(model);
    const names = graphOf(toOnnx(model)).initializer.map((t) => t.name!);
    expect(names.filter((n) => n.startsWith('inner/'))).toHaveLength(4);
    expect(names.filter((n) => n.startsWith('stack/'))).toHaveLength(4);
    report.set('functional: Model and Sequential nested', await expectOrtMatches(model, batches([6])));
  });

  it('a nested model called twice shares its weights', async () => {
    const encIn = input({ shape: [5] });
    const encoder = new Model({
      inputs: encIn,
      outputs: new Dense({ units: 3, activation: 'tanh' }).apply(encIn),
      name: 'encoder',
    });
    const a = input({ shape: [5], name: 'a' });
    const b = input({ shape: [5], name: 'b' });
    const model = new Model({ inputs: [a, b], outputs: [encoder.apply(a), encoder.apply(b)] });
    randomizeWeights(model);
    expect(graphOf(toOnnx(model)).initializer).toHaveLength(2);
    report.set('functional: nested model called twice', await expectOrtMatches(model, batches([5], [5])));
  });

  it('a functional model inside a Sequential, and images through nested convolutions', async () => {
    const imageIn = input({ shape: [8, 8, 2] });
    const features = new Model({
      inputs: imageIn,
      outputs: new MaxPooling2D().apply(
        new Conv2D({ filters: 3, kernelSize: 3, padding: 'same' }).apply(imageIn),
      ),
      name: 'features',
    });
    const model = new Sequential([
      new Conv2D({ filters: 2, kernelSize: 1, inputShape: [8, 8, 2] }),
      features,
      new Sequential([new BatchNormalization(), new Conv2D({ filters: 2, kernelSize: 2 })]),
      new Flatten(),
      new Dense({ units: 3 }),
    ]);
    randomizeWeights(model);
    // The image stays NCHW across the nested models: one transpose in, one before Flatten.
    const ops = graphOf(toOnnx(model)).node.map((n) => n.opType);
    expect(ops.filter((op) => op === 'Transpose')).toHaveLength(2);
    report.set('Sequential holding nested conv models', await expectOrtMatches(model, batches([8, 8, 2])));
  });

  it('an int32 input feeding an Embedding, and an image branch ending in a global pool', async () => {
    const ids = input({ shape: [4], dtype: 'int32', name: 'ids' });
    const image = input({ shape: [5, 5, 1], name: 'image' });
    const tokens = new Flatten().apply(new Embedding({ inputDim: 7, outputDim: 2 }).apply(ids));
    const pooled = new GlobalAveragePooling2D().apply(new Conv2D({ filters: 3, kernelSize: 2 }).apply(image));
    const model = new Model({ inputs: [ids, image], outputs: [tokens, pooled] });
    randomizeWeights(model);
    const graph = graphOf(toOnnx(model));
    expect(graph.input[0].type!.tensorType!.elemType).toBe(onnx.TensorProto.DataType.INT32);
    const feeds = [1, 3].map((n) => [randint(0, 7, [n, 4], { dtype: 'int32' }), randn([n, 5, 5, 1])]);
    report.set('functional: int32 Embedding + conv branch', await expectOrtMatches(model, feeds));
  });

  it('an open time axis: Conv1D same → Bidirectional(GRU) → TimeDistributed(Dense), any sequence length', async () => {
    const x = input({ shape: [null, 3], name: 'series' });
    const h = new Conv1D({
      filters: 4,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
    }).apply(x);
    const r = new Bidirectional({ layer: new GRU({ units: 3, returnSequences: true }) }).apply(h);
    const model = new Model({
      inputs: x,
      outputs: new TimeDistributed({ layer: new Dense({ units: 2 }) }).apply(r),
    });
    randomizeWeights(model);
    // The time axis stays open (no dim value, decoded as 0).
    expect(dims(graphOf(toOnnx(model)).input[0])).toEqual(['batch', 0, 3]);
    const feeds = [
      [2, 5],
      [3, 8],
      [1, 1],
    ].map(([n, t]) => randn([n, t, 3]));
    report.set(
      'functional: open time axis (Conv1D, Bidirectional, TimeDistributed)',
      await expectOrtMatches(model, feeds),
    );
  });

  it('an output that is also read by another layer, and one layer output used as two outputs', async () => {
    const x = input({ shape: [3], name: 'x' });
    const h = new Dense({ units: 4, name: 'hidden' }).apply(x);
    const y = new Dense({ units: 2, name: 'head' }).apply(h);
    const model = new Model({ inputs: x, outputs: [h, y, y] });
    randomizeWeights(model);
    expect(graphOf(toOnnx(model)).output.map((o) => o.name)).toEqual(['hidden', 'head', 'head_2']);
    report.set('functional: outputs read twice', await expectOrtMatches(model, batches([3])));
  });
});

class Twice extends Model {
  readonly dense = new Dense({ units: 2 });
  override call(x: Tensor, options: CallOptions): Tensor {
    return this.dense.apply(x, options).mul(2);
  }
}

class Scale extends Layer {
  override readonly className = 'Scale';
  call(x: Tensor): Tensor {
    return x.mul(3);
  }
}

describe('functional refusals', () => {
  it('refuses a subclassed model, at the top or nested, saying why', () => {
    const sub = new Twice({ name: 'twice' });
    sub.predict(randn([1, 3]));
    expect(() => toOnnx(sub)).toThrow(/'twice' \(Twice\) is a subclassed model: its call\(\) is code/);
    const x = input({ shape: [3] });
    const outer = new Model({ inputs: x, outputs: new Dense({ units: 2 }).apply(x) });
    expect(() => toOnnx(outer)).not.toThrow();
    const nested = new Model({ inputs: x, outputs: sub.apply(x) });
    expect(() => toOnnx(nested)).toThrow(OnnxExportError);
    expect(() => toOnnx(nested)).toThrow(/is a subclassed model/);
  });

  it('refuses a layer without a converter inside a graph, and a call argument the converter ignores', () => {
    const x = input({ shape: [3] });
    const model = new Model({ inputs: x, outputs: new Scale({ name: 'triple' }).apply(x) });
    expect(() => toOnnx(model)).toThrow(/layer 'triple' \(Scale\) has no ONNX converter/);
    // A keyword argument the layer's converter does not know would be silently dropped: refused.
    const dense = new Dense({ units: 2, name: 'dense_scaled' });
    const odd = new Model({ inputs: x, outputs: dense.apply(x, { scale: 2 }) });
    expect(() => toOnnx(odd)).toThrow(
      /layer 'dense_scaled' \(Dense\) was called with 'scale', which its ONNX export does not handle/,
    );
  });
});
