import { setSeed, tensor, type Tensor } from '@zen/autograd-core';
import { Conv2D, initializers, resetNameCounters } from '@zen/nn';
import { expectClose, gradcheckLayer, testValues } from '../helpers';

type Image = number[][][]; // [h][w][c]

/** Plain-loop NHWC cross-correlation with TensorFlow's 'same' padding split. */
function conv2dRef(
  x: Image[],
  k: number[][][][],
  bias: number[],
  stride: [number, number],
  padding: 'valid' | 'same',
  dilation: [number, number],
): Image[] {
  const [H, W] = [x[0].length, x[0][0].length];
  const [kh, kw, cin, cout] = [k.length, k[0].length, k[0][0].length, k[0][0][0].length];
  const effH = (kh - 1) * dilation[0] + 1;
  const effW = (kw - 1) * dilation[1] + 1;
  let outH: number,
    outW: number,
    top = 0,
    left = 0;
  if (padding === 'same') {
    outH = Math.ceil(H / stride[0]);
    outW = Math.ceil(W / stride[1]);
    top = Math.floor(Math.max((outH - 1) * stride[0] + effH - H, 0) / 2);
    left = Math.floor(Math.max((outW - 1) * stride[1] + effW - W, 0) / 2);
  } else {
    outH = Math.floor((H - effH) / stride[0]) + 1;
    outW = Math.floor((W - effW) / stride[1]) + 1;
  }
  return x.map((img) => {
    const out: Image = [];
    for (let i = 0; i < outH; i++) {
      const row: number[][] = [];
      for (let j = 0; j < outW; j++) {
        const px: number[] = [];
        for (let f = 0; f < cout; f++) {
          let s = bias[f];
          for (let a = 0; a < kh; a++) {
            for (let b = 0; b < kw; b++) {
              const r = i * stride[0] + a * dilation[0] - top;
              const c = j * stride[1] + b * dilation[1] - left;
              if (r < 0 || r >= H || c < 0 || c >= W) continue;
              for (let ch = 0; ch < cin; ch++) s += img[r][c][ch] * k[a][b][ch][f];
            }
          }
          px.push(s);
        }
        row.push(px);
      }
      out.push(row);
    }
    return out;
  });
}

function images(n: number, h: number, w: number, c: number, seed: number): Tensor {
  return tensor(testValues(n * h * w * c, seed), { shape: [n, h, w, c] });
}

describe('Conv2D', () => {
  // Default layer names count up across the process (Keras); start each test from 'dense'.
  beforeEach(() => resetNameCounters());
  test.each([
    ['valid', 1, 1, [2, 6, 5, 2], [2, 4, 3, 3]],
    ['same', 1, 1, [2, 6, 5, 2], [2, 6, 5, 3]],
    ['same', 2, 1, [1, 7, 6, 2], [1, 4, 3, 3]],
    ['valid', 2, 1, [1, 7, 6, 2], [1, 3, 2, 3]],
    ['valid', 1, 2, [1, 7, 7, 1], [1, 3, 3, 3]],
  ] as const)(
    'padding %s, stride %i, dilation %i: shape and values match plain loops',
    (padding, stride, dilation, inShape, outShape) => {
      setSeed(11);
      const layer = new Conv2D({
        filters: 3,
        kernelSize: 3,
        strides: stride,
        padding,
        dilationRate: dilation,
        biasInitializer: initializers.randomNormal({ stddev: 0.3 }),
      });
      const x = images(inShape[0], inShape[1], inShape[2], inShape[3], 5);
      const out = layer.apply(x);
      expect(out.shape).toEqual(outShape);
      expect(layer.computeOutputShape([null, inShape[1], inShape[2], inShape[3]])).toEqual([
        null,
        ...outShape.slice(1),
      ]);
      const expected = conv2dRef(
        x.toArray() as Image[],
        layer.kernel!.value.toArray() as number[][][][],
        layer.bias!.value.toArray() as number[],
        [stride, stride],
        padding,
        [dilation, dilation],
      );
      expectClose(out.toArray(), expected, 1e-5);
    },
  );

  test('rectangular kernels and strides, relu activation', () => {
    const layer = new Conv2D({ filters: 2, kernelSize: [2, 3], strides: [1, 2], activation: 'relu' });
    const x = images(1, 4, 7, 1, 9);
    const out = layer.apply(x);
    const linear = conv2dRef(
      x.toArray() as Image[],
      layer.kernel!.value.toArray() as number[][][][],
      [0, 0],
      [1, 2],
      'valid',
      [1, 1],
    );
    const relu = linear.map((img) => img.map((r) => r.map((p) => p.map((v) => Math.max(v, 0)))));
    expect(out.shape).toEqual([1, 3, 3, 2]);
    expectClose(out.toArray(), relu, 1e-5);
  });

  test('gradcheck (float64) with same padding and strides 2', () => {
    setSeed(2);
    const layer = new Conv2D({
      filters: 2,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'tanh',
      dtype: 'float64',
    });
    const x = images(2, 5, 4, 2, 3).astype('float64');
    layer.apply(x);
    expect(gradcheckLayer(layer, x).ok).toBe(true);
  });

  test('gradcheck (float64) with valid padding and dilation 2', () => {
    setSeed(4);
    const layer = new Conv2D({ filters: 2, kernelSize: 2, dilationRate: 2, dtype: 'float64' });
    const x = images(1, 5, 5, 2, 8).astype('float64');
    layer.apply(x);
    expect(gradcheckLayer(layer, x).ok).toBe(true);
  });

  test('kernel is [kh, kw, in, filters]; wrong channel count or rank names the layer', () => {
    const layer = new Conv2D({ filters: 4, kernelSize: 3, name: 'c1' });
    layer.apply(images(1, 5, 5, 3, 1));
    expect(layer.kernel!.value.shape).toEqual([3, 3, 3, 4]);
    expect(layer.countParams()).toBe(3 * 3 * 3 * 4 + 4);
    expect(() => layer.apply(images(1, 5, 5, 2, 1))).toThrow(
      "Conv2D layer 'c1': expected input with axis -1 of length 3, got shape [1,5,5,2]",
    );
    expect(() => new Conv2D({ filters: 1, kernelSize: 2 }).apply(tensor([[1, 2]]))).toThrow(
      /Conv2D layer 'conv2d': expects NHWC images/,
    );
    expect(() => new Conv2D({ filters: 1, kernelSize: 0 })).toThrow(
      'Conv2D: kernelSize must be a positive integer',
    );
  });
});
