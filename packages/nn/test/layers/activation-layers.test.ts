import { tensor } from '@zen/autograd-core';
import { Activation, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from '@zen/nn';
import { expectClose, sigmoidRef, softmaxRef } from '../helpers';

const rows = [
  [-2, -0.5, 0, 0.5, 3],
  [1, -1, 4, -3, 0.25],
];
const x = tensor(rows);
const map = (f: (v: number) => number) => rows.map((r) => r.map(f));
const erf = (v: number) => {
  // Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7), independent of the library's erf.
  const t = 1 / (1 + 0.3275911 * Math.abs(v));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-v * v);
  return v >= 0 ? y : -y;
};

describe('activation layers', () => {
  test('ReLU, capped ReLU, LeakyReLU (default alpha 0.3), Sigmoid, Tanh, Softmax', () => {
    expectClose(
      new ReLU().apply(x).toArray(),
      map((v) => Math.max(v, 0)),
    );
    expectClose(
      new ReLU({ maxValue: 1 }).apply(x).toArray(),
      map((v) => Math.min(Math.max(v, 0), 1)),
    );
    expectClose(
      new LeakyReLU().apply(x).toArray(),
      map((v) => (v > 0 ? v : 0.3 * v)),
    );
    expectClose(
      new LeakyReLU({ alpha: 0.1 }).apply(x).toArray(),
      map((v) => (v > 0 ? v : 0.1 * v)),
    );
    expectClose(new Sigmoid().apply(x).toArray(), map(sigmoidRef));
    expectClose(new Tanh().apply(x).toArray(), map(Math.tanh));
    expectClose(new Softmax().apply(x).toArray(), rows.map(softmaxRef));
  });

  test.each([
    ['linear', (v: number) => v],
    ['relu', (v: number) => Math.max(v, 0)],
    ['sigmoid', sigmoidRef],
    ['tanh', Math.tanh],
    ['leakyRelu', (v: number) => (v > 0 ? v : 0.3 * v)],
    ['elu', (v: number) => (v > 0 ? v : Math.exp(v) - 1)],
    ['gelu', (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2))],
    ['softplus', (v: number) => Math.log(1 + Math.exp(v))],
    ['selu', (v: number) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (Math.exp(v) - 1))],
    ['silu', (v: number) => v * sigmoidRef(v)],
    ['swish', (v: number) => v * sigmoidRef(v)],
    ['relu6', (v: number) => Math.min(Math.max(v, 0), 6)],
    ['softsign', (v: number) => v / (1 + Math.abs(v))],
    ['mish', (v: number) => v * Math.tanh(Math.log(1 + Math.exp(v)))],
    ['exponential', Math.exp],
    ['hardSigmoid', (v: number) => Math.min(Math.max(0.2 * v + 0.5, 0), 1)],
    ['hardSigmoidKeras3', (v: number) => Math.min(Math.max(v + 3, 0), 6) / 6],
  ] as const)('Activation(%s) matches its formula', (name, f) => {
    expectClose(new Activation({ activation: name }).apply(x).toArray(), map(f), 1e-6);
  });

  test("Activation('softmax') is row-wise softmax and exposes its logits", () => {
    const layer = new Activation({ activation: 'softmax' });
    expectClose(layer.apply(x).toArray(), rows.map(softmaxRef));
    expect(layer.applyLogits(x)).toMatchObject({ activation: 'softmax' });
    expect(new Sigmoid().applyLogits(x)!.logits.toArray()).toEqual(rows);
    expect(new Tanh().applyLogits(x)).toBeNull();
  });

  test("Activation('logSoftmax') is row-wise log-softmax", () => {
    const expected = rows.map((r) => softmaxRef(r).map(Math.log));
    expectClose(new Activation({ activation: 'logSoftmax' }).apply(x).toArray(), expected, 1e-6);
  });

  test('unknown activation names list the known ones', () => {
    expect(() => new Activation({ activation: 'hardTanh' as never })).toThrow(
      "unknown activation 'hardTanh' (registered: elu, exponential, gelu, hardSigmoid",
    );
  });
});
