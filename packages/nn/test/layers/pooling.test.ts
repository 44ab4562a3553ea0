import { tensor, type Tensor } from '@zen/autograd-core';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '@zen/nn';
import { expectClose, testValues } from '../helpers';

type Image = number[][][];

/** Plain-loop pooling with TensorFlow's 'same' padding (padding cells ignored). */
function poolRef(
  x: Image[],
  size: number,
  stride: number,
  padding: 'valid' | 'same',
  kind: 'max' | 'avg',
): Image[] {
  const [H, W, C] = [x[0].length, x[0][0].length, x[0][0][0].length];
  const outH = padding === 'same' ? Math.ceil(H / stride) : Math.floor((H - size) / stride) + 1;
  const outW = padding === 'same' ? Math.ceil(W / stride) : Math.floor((W - size) / stride) + 1;
  const top = padding === 'same' ? Math.floor(Math.max((outH - 1) * stride + size - H, 0) / 2) : 0;
  const left = padding === 'same' ? Math.floor(Math.max((outW - 1) * stride + size - W, 0) / 2) : 0;
  return x.map((img) =>
    Array.from({ length: outH }, (_, i) =>
      Array.from({ length: outW }, (_, j) =>
        Array.from({ length: C }, (_, c) => {
          const vals: number[] = [];
          for (let a = 0; a < size; a++)
            for (let b = 0; b < size; b++) {
              const r = i * stride + a - top;
              const q = j * stride + b - left;
              if (r >= 0 && r < H && q >= 0 && q < W) vals.push(img[r][q][c]);
            }
          return kind === 'max' ? Math.max(...vals) : vals.reduce((s, v) => s + v, 0) / vals.length;
        }),
      ),
    ),
  );
}

const x: Tensor = tensor(testValues(2 * 5 * 6 * 3, 4), { shape: [2, 5, 6, 3] });

describe('pooling layers', () => {
  test.each([
    ['max', 2, 2, 'valid', [2, 2, 3, 3]],
    ['max', 3, 2, 'same', [2, 3, 3, 3]],
    ['avg', 2, 2, 'valid', [2, 2, 3, 3]],
    ['avg', 3, 1, 'same', [2, 5, 6, 3]],
  ] as const)('%s pool size %i stride %i %s matches plain loops', (kind, size, stride, padding, shape) => {
    const Layer = kind === 'max' ? MaxPooling2D : AveragePooling2D;
    const layer = new Layer({ poolSize: size, strides: stride, padding });
    const out = layer.apply(x);
    expect(out.shape).toEqual(shape);
    expect(layer.computeOutputShape([null, 5, 6, 3])).toEqual([null, ...shape.slice(1)]);
    expectClose(out.toArray(), poolRef(x.toArray() as Image[], size, stride, padding, kind), 1e-6);
  });

  test('strides default to the pool size', () => {
    expect(new MaxPooling2D({ poolSize: 3 }).strides).toEqual([3, 3]);
    expect(new MaxPooling2D().apply(x).shape).toEqual([2, 2, 3, 3]);
  });

  test('global pooling reduces height and width', () => {
    const imgs = x.toArray() as Image[];
    const mean = imgs.map((img) => [0, 1, 2].map((c) => img.flat().reduce((s, px) => s + px[c], 0) / 30));
    const max = imgs.map((img) => [0, 1, 2].map((c) => Math.max(...img.flat().map((px) => px[c]))));
    const avgLayer = new GlobalAveragePooling2D();
    expectClose(avgLayer.apply(x).toArray(), mean, 1e-6);
    expect(avgLayer.computeOutputShape([null, 5, 6, 3])).toEqual([null, 3]);
    expectClose(new GlobalMaxPooling2D().apply(x).toArray(), max, 1e-6);
  });

  test('non-image input names the layer', () => {
    expect(() => new MaxPooling2D({ name: 'pool' }).apply(tensor([[1, 2]]))).toThrow(
      "MaxPooling2D layer 'pool': expected input of rank 4, got shape [1,2]",
    );
  });
});
