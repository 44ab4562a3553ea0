/**
 * The everyday Keras layers: output shapes and values against plain-JS computations,
 * and float64 gradchecks of every layer's output with respect to its input and weights.
 */
import { type Tensor, conv2d, setSeed, tensor } from '@zen/autograd-core';
import {
  AveragePooling1D,
  Bidirectional,
  Conv1D,
  Conv2DTranspose,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  GaussianNoise,
  GlobalAveragePooling1D,
  type Layer,
  LSTM,
  MaxPooling1D,
  Normalization,
  Permute,
  RepeatVector,
  Rescaling,
  SeparableConv2D,
  Sequential,
  SimpleRNN,
  SpatialDropout1D,
  SpatialDropout2D,
  TimeDistributed,
  UpSampling2D,
  ZeroPadding2D,
} from '@zen/nn';
import { gradcheckLayer, testValues } from '../helpers';

const f64 = (shape: number[], seed = 1) =>
  tensor(
    testValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    { shape, dtype: 'float64' },
  );

/** Builds `layer` (float64) on x, checks the output shape, and gradchecks it. */
function check(layer: Layer, x: Tensor, shape: number[]): Tensor {
  const y = layer.apply(x);
  expect(y.shape).toEqual(shape);
  expect(layer.computeOutputShape([null, ...x.shape.slice(1)])).toEqual([null, ...shape.slice(1)]);
  expect(gradcheckLayer(layer, x).ok).toBe(true);
  return y;
}

const dtype = 'float64' as const;

describe('everyday layers: shapes and float64 gradchecks', () => {
  beforeEach(() => setSeed(7));

  test('Conv1D matches a plain-JS 1-D convolution (valid, stride 2, dilation 1)', () => {
    const layer = new Conv1D({ filters: 2, kernelSize: 3, strides: 2, activation: 'tanh', dtype });
    const x = f64([2, 7, 3]);
    const y = check(layer, x, [2, 3, 2]);
    const k = layer.kernel!.value.data;
    const b = layer.bias!.value.data;
    const xd = x.data;
    for (let n = 0; n < 2; n++)
      for (let t = 0; t < 3; t++)
        for (let f = 0; f < 2; f++) {
          let s = b[f];
          for (let a = 0; a < 3; a++)
            for (let c = 0; c < 3; c++) s += xd[(n * 7 + t * 2 + a) * 3 + c] * k[(a * 3 + c) * 2 + f];
          expect(y.data[(n * 3 + t) * 2 + f]).toBeCloseTo(Math.tanh(s), 12);
        }
  });

  test("Conv1D 'same' with dilation", () => {
    check(
      new Conv1D({ filters: 3, kernelSize: 2, padding: 'same', dilationRate: 2, dtype }),
      f64([1, 5, 2]),
      [1, 5, 3],
    );
  });

  test('Conv2DTranspose doubles the size with stride 2', () => {
    check(
      new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', dtype }),
      f64([1, 3, 3, 2]),
      [1, 6, 6, 2],
    );
    check(
      new Conv2DTranspose({ filters: 1, kernelSize: 2, strides: 2, dtype }),
      f64([2, 2, 3, 1]),
      [2, 4, 6, 1],
    );
  });

  test('DepthwiseConv2D: channel c·M + m is input channel c convolved with kernel[:, :, c, m]', () => {
    const layer = new DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 2, useBias: false, dtype });
    const x = f64([1, 4, 4, 3]);
    const y = check(layer, x, [1, 3, 3, 6]);
    const kernel = layer.depthwiseKernel!.value;
    for (let c = 0; c < 3; c++)
      for (let m = 0; m < 2; m++) {
        const xc = x.slice([0, 0, 0, c], [1, 4, 4, 1]);
        const kc = kernel.slice([0, 0, c, m], [2, 2, 1, 1]);
        const expected = conv2d(xc, kc);
        const got = y.slice([0, 0, 0, c * 2 + m], [1, 3, 3, 1]);
        Array.from(got.data).forEach((v, i) => expect(v).toBeCloseTo(expected.data[i], 12));
      }
  });

  test('SeparableConv2D', () => {
    const layer = new SeparableConv2D({ filters: 4, kernelSize: 3, padding: 'same', strides: 2, dtype });
    check(layer, f64([1, 5, 5, 2]), [1, 3, 3, 4]);
    expect(layer.weights.map((w) => [w.name, w.value.shape])).toEqual([
      ['depthwiseKernel', [3, 3, 2, 1]],
      ['pointwiseKernel', [1, 1, 2, 4]],
      ['bias', [4]],
    ]);
  });

  test('UpSampling2D repeats pixels', () => {
    const y = check(new UpSampling2D({ size: [2, 3], dtype }), f64([1, 2, 2, 1]), [1, 4, 6, 1]);
    const x = f64([1, 2, 2, 1]).data;
    expect(Array.from(y.data.slice(0, 6))).toEqual([x[0], x[0], x[0], x[1], x[1], x[1]]);
  });

  test('ZeroPadding2D and Cropping2D (all three spellings)', () => {
    const padded = check(
      new ZeroPadding2D({
        padding: [
          [1, 0],
          [0, 2],
        ],
        dtype,
      }),
      f64([1, 2, 2, 1]),
      [1, 3, 4, 1],
    );
    expect(Array.from(padded.data.slice(0, 4))).toEqual([0, 0, 0, 0]);
    check(new ZeroPadding2D({ dtype }), f64([1, 2, 2, 1]), [1, 4, 4, 1]);
    const cropped = check(new Cropping2D({ cropping: [1, 2], dtype }), f64([1, 4, 5, 1]), [1, 2, 1, 1]);
    expect(cropped.data[0]).toBe(f64([1, 4, 5, 1]).data[1 * 5 + 2]);
    expect(() => new Cropping2D({ cropping: 3 }).apply(f64([1, 4, 4, 1]))).toThrow('leaves nothing');
  });

  test('MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D', () => {
    const x = tensor([[[1], [5], [2], [4], [3]]], { dtype });
    expect(new MaxPooling1D({ dtype }).apply(x).toArray()).toEqual([[[5], [4]]]);
    expect(new AveragePooling1D({ poolSize: 3, strides: 1, dtype }).apply(x).toArray()).toEqual([
      [[8 / 3], [11 / 3], [3]],
    ]);
    check(new MaxPooling1D({ poolSize: 2, padding: 'same', dtype }), f64([2, 5, 3]), [2, 3, 3]);
    check(new AveragePooling1D({ dtype }), f64([2, 4, 3]), [2, 2, 3]);
    const g = check(new GlobalAveragePooling1D({ dtype }), f64([2, 4, 3]), [2, 3]);
    expect(g.data[0]).toBeCloseTo([0, 1, 2, 3].reduce((s, t) => s + f64([2, 4, 3]).data[t * 3], 0) / 4, 12);
  });

  test('RepeatVector and Permute', () => {
    const r = check(new RepeatVector({ n: 3, dtype }), f64([2, 4]), [2, 3, 4]);
    expect(Array.from(r.data.slice(4, 8))).toEqual(Array.from(f64([2, 4]).data.slice(0, 4)));
    const p = check(new Permute({ dims: [2, 1], dtype }), f64([2, 3, 4]), [2, 4, 3]);
    expect(p.data[1]).toBe(f64([2, 3, 4]).data[4]);
    expect(() => new Permute({ dims: [0, 1] })).toThrow('Permute: dims must be a permutation of 1…2');
  });

  test('SpatialDropout drops whole channels in training, nothing at inference', () => {
    const x = tensor(Array(2 * 5 * 4).fill(1), { shape: [2, 5, 4], dtype });
    const layer = new SpatialDropout1D({ rate: 0.5, dtype });
    expect(layer.apply(x).toArray()).toEqual(x.toArray());
    const y = layer.apply(x, { training: true });
    for (let n = 0; n < 2; n++)
      for (let c = 0; c < 4; c++) {
        const column = [0, 1, 2, 3, 4].map((t) => y.data[(n * 5 + t) * 4 + c]);
        expect(new Set(column).size).toBe(1);
        expect([0, 2]).toContain(column[0]);
      }
    const img = new SpatialDropout2D({ rate: 0.3, dtype });
    expect(img.apply(f64([1, 2, 2, 3]), { training: true }).shape).toEqual([1, 2, 2, 3]);
  });

  test('GaussianNoise adds noise of the given spread in training only', () => {
    const x = tensor(Array(4000).fill(0), { shape: [1000, 4], dtype });
    const layer = new GaussianNoise({ stddev: 0.5, dtype });
    expect(layer.apply(x).toArray()).toEqual(x.toArray());
    const y = layer.apply(x, { training: true });
    const variance = Array.from(y.data).reduce((s, v) => s + v * v, 0) / y.size;
    expect(Math.sqrt(variance)).toBeCloseTo(0.5, 1);
  });

  test('Rescaling and Normalization (adapt)', () => {
    const r = check(new Rescaling({ scale: 1 / 255, offset: -1, dtype }), f64([2, 3]), [2, 3]);
    expect(r.data[0]).toBeCloseTo(f64([2, 3]).data[0] / 255 - 1, 12);
    const data = tensor(
      [
        [1, 10],
        [3, 30],
        [5, 20],
      ],
      { dtype },
    );
    const norm = new Normalization({ dtype });
    norm.adapt(data);
    expect(Array.from(norm.mean!.value.data)).toEqual([3, 20]);
    expect(norm.variance!.value.data[0]).toBeCloseTo(8 / 3, 12);
    const z = check(norm, data, [3, 2]);
    expect(z.data[0]).toBeCloseTo((1 - 3) / Math.sqrt(8 / 3), 12);
    expect(norm.trainableWeights).toEqual([]);
    const fixed = new Normalization({ mean: [1, 2], variance: [4, 9], dtype });
    expect(fixed.apply(tensor([[3, 5]], { dtype })).toArray()).toEqual([[1, 1]]);
  });

  test('TimeDistributed(Dense) applies the same Dense at every step', () => {
    const dense = new Dense({ units: 2, dtype });
    const layer = new TimeDistributed({ layer: dense, dtype });
    const x = f64([2, 3, 4]);
    const y = check(layer, x, [2, 3, 2]);
    const step1 = dense.apply(x.slice([0, 1, 0], [2, 1, 4]).reshape([2, 4]));
    expect(Array.from(y.slice([0, 1, 0], [2, 1, 2]).data)).toEqual(Array.from(step1.data));
    expect(layer.weights.map((w) => w.name)).toEqual([`${dense.name}/kernel`, `${dense.name}/bias`]);
  });

  test('Bidirectional(SimpleRNN): the backward half is the copy run on the reversed sequence', () => {
    const layer = new Bidirectional({ layer: new SimpleRNN({ units: 2, returnSequences: true, dtype }) });
    const x = f64([2, 4, 3]);
    const y = check(layer, x, [2, 4, 4]);
    const reversed = x.gather([3, 2, 1, 0], 1);
    const back = layer.backwardLayer.apply(reversed);
    // Output step 0, backward half = the backward layer's last step.
    expect(y.data[2]).toBeCloseTo(back.data[3 * 2], 12);
    expect(layer.weights).toHaveLength(6);
    expect(layer.weights[0].name).toBe('forward/kernel');
    expect(layer.weights[3].name).toBe('backward/kernel');
  });

  test('Bidirectional(LSTM) with mergeMode sum, in a model that trains and reloads its config', async () => {
    const model = new Sequential([
      new Bidirectional({ layer: new LSTM({ units: 3 }), mergeMode: 'sum', inputShape: [5, 2] }),
      new Dense({ units: 1 }),
    ]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = tensor(testValues(4 * 5 * 2, 3), { shape: [4, 5, 2] });
    const y = tensor([[1], [0], [1], [0]]);
    const history = await model.fit(x, y, { epochs: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    expect(model.parameters()).toHaveLength(3 * 2 + 2);
    const config = model.getConfig().layers[0];
    expect(config.className).toBe('Bidirectional');
    expect((config.config.layer as { className: string }).className).toBe('LSTM');
  });
});
