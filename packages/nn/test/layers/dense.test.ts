import { ShapeError, setSeed, tensor } from '@zen/autograd-core';
import { Dense, initializers } from '@zen/nn';
import {
  type Matrix,
  expectClose,
  gradcheckLayer,
  matmulRef,
  sigmoidRef,
  softmaxRef,
  testValues,
} from '../helpers';

function denseRef(x: Matrix, kernel: Matrix, bias: number[], act: (row: number[]) => number[]): Matrix {
  return matmulRef(x, kernel).map((row) => act(row.map((v, j) => v + bias[j])));
}

function chunk(values: number[], cols: number): Matrix {
  const out: Matrix = [];
  for (let i = 0; i < values.length; i += cols) out.push(values.slice(i, i + cols));
  return out;
}

describe('Dense', () => {
  const xRows = chunk(testValues(12, 3), 4); // [3, 4]

  test.each([
    ['linear', (r: number[]) => r],
    ['relu', (r: number[]) => r.map((v) => Math.max(v, 0))],
    ['sigmoid', (r: number[]) => r.map(sigmoidRef)],
    ['tanh', (r: number[]) => r.map(Math.tanh)],
    ['softmax', softmaxRef],
  ] as const)('forward with %s matches x·W + b by hand', (activation, act) => {
    setSeed(7);
    const layer = new Dense({
      units: 5,
      activation,
      biasInitializer: initializers.randomNormal({ stddev: 0.5 }),
    });
    const out = layer.apply(tensor(xRows));
    expect(out.shape).toEqual([3, 5]);
    expect(layer.computeOutputShape([null, 4])).toEqual([null, 5]);
    const kernel = layer.kernel!.value.toArray() as Matrix;
    const bias = layer.bias!.value.toArray() as number[];
    expectClose(out.toArray(), denseRef(xRows, kernel, bias, act), 1e-5);
  });

  test('applies to the last axis of rank-3 inputs', () => {
    const layer = new Dense({ units: 2 });
    const x = tensor([xRows, xRows]); // [2, 3, 4]
    const out = layer.apply(x);
    expect(out.shape).toEqual([2, 3, 2]);
    const expected = denseRef(xRows, layer.kernel!.value.toArray() as Matrix, [0, 0], (r) => r);
    expectClose(out.toArray(), [expected, expected], 1e-5);
  });

  test('has kernel [in, units] (Glorot uniform range) and zero bias; useBias: false drops the bias', () => {
    setSeed(3);
    const layer = new Dense({ units: 30 });
    layer.apply(tensor([testValues(20)]));
    const limit = Math.sqrt(6 / (20 + 30));
    const kernel = Array.from(layer.kernel!.value.data);
    expect(kernel.every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(Math.max(...kernel.map(Math.abs))).toBeGreaterThan(limit * 0.8);
    expect(Array.from(layer.bias!.value.data).every((v) => v === 0)).toBe(true);
    expect(layer.countParams()).toBe(20 * 30 + 30);
    const noBias = new Dense({ units: 3, useBias: false });
    noBias.apply(tensor([[1, 2]]));
    expect(noBias.weights.map((w) => w.name)).toEqual(['kernel']);
  });

  test('gradients of input, kernel and bias pass gradcheck in float64', () => {
    setSeed(1);
    const layer = new Dense({ units: 3, activation: 'tanh', dtype: 'float64' });
    const x = tensor(xRows, { dtype: 'float64' });
    layer.apply(x);
    expect(layer.kernel!.value.dtype).toBe('float64');
    expect(gradcheckLayer(layer, x).ok).toBe(true);
  });

  test('applyLogits returns the pre-softmax values', () => {
    const layer = new Dense({ units: 3, activation: 'softmax' });
    const x = tensor(xRows);
    const fused = layer.applyLogits(x)!;
    expect(fused.activation).toBe('softmax');
    const logits = denseRef(xRows, layer.kernel!.value.toArray() as Matrix, [0, 0, 0], (r) => r);
    expectClose(fused.logits.toArray(), logits, 1e-5);
    expect(new Dense({ units: 2, activation: 'relu' }).applyLogits(x)).toBeNull();
  });

  test('a wrong input width names the layer and the shapes', () => {
    const layer = new Dense({ units: 2, name: 'hidden' });
    layer.apply(tensor([[1, 2, 3]]));
    expect(() => layer.apply(tensor([[1, 2]]))).toThrow(
      "Dense layer 'hidden': expected input with axis -1 of length 3, got shape [1,2]",
    );
    expect(() => layer.apply(tensor([[1, 2]]))).toThrow(ShapeError);
  });

  test('rejects bad options', () => {
    expect(() => new Dense({ units: 0 })).toThrow('Dense: units must be a positive integer');
    expect(() => new Dense({ units: 2, activation: 'hardTanh' as never })).toThrow(
      "unknown activation 'hardTanh'",
    );
  });

  test('config describes the layer and rebuilds an equal one', () => {
    const layer = new Dense({ units: 4, activation: 'relu', inputShape: [3], name: 'd' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'd', units: 4, activation: 'relu', useBias: true, inputShape: [3] });
    expect(config.kernelInitializer).toEqual({ className: 'GlorotUniform', config: {} });
    expect(new Dense(config as never).getConfig()).toEqual(config);
  });
});
