import { randn, setSeed, tensor, type Tensor } from '@zen/autograd-core';
import { GRU, LSTM, SimpleRNN, initializers } from '@zen/nn';
import { type Matrix, expectClose, gradcheckLayer, matmulRef, sigmoidRef, testValues } from '../helpers';

type Sequence = number[][]; // [time][features]

const add = (a: number[], b: number[]) => a.map((v, i) => v + b[i]);
const mul = (a: number[], b: number[]) => a.map((v, i) => v * b[i]);
const rowTimes = (row: number[], m: Matrix) => matmulRef([row], m)[0];

/** Runs a cell over each sequence in plain JS; returns all hidden states per sequence. */
function unroll(
  xs: Sequence[],
  units: number,
  cell: (x: number[], h: number[], c: number[]) => [number[], number[]],
) {
  return xs.map((seq) => {
    let h = new Array(units).fill(0);
    let c = new Array(units).fill(0);
    return seq.map((x) => {
      [h, c] = cell(x, h, c);
      return h;
    });
  });
}

function weightsOf(layer: SimpleRNN | LSTM | GRU) {
  return {
    W: layer.kernel!.value.toArray() as Matrix,
    U: layer.recurrentKernel!.value.toArray() as Matrix,
    b: layer.bias!.value.toArray() as number[] | Matrix,
  };
}

const gates = (v: number[], n: number, units: number) =>
  Array.from({ length: n }, (_, g) => v.slice(g * units, (g + 1) * units));

const biasInit = { biasInitializer: initializers.randomNormal({ stddev: 0.3 }) };
const xSeq = tensor(testValues(2 * 4 * 3, 12), { shape: [2, 4, 3] });

describe('SimpleRNN', () => {
  test("matches Zen's RNN cell h = tanh(x·W + h·U + b), last state and full sequence", () => {
    setSeed(1);
    const last = new SimpleRNN({ units: 5, ...biasInit });
    const out = last.apply(xSeq);
    const { W, U, b } = weightsOf(last);
    const states = unroll(xSeq.toArray() as Sequence[], 5, (x, h, c) => [
      add(add(rowTimes(x, W), rowTimes(h, U)), b as number[]).map(Math.tanh),
      c,
    ]);
    expect(out.shape).toEqual([2, 5]);
    expectClose(
      out.toArray(),
      states.map((s) => s[3]),
      1e-5,
    );
    const seq = new SimpleRNN({ units: 5, returnSequences: true });
    seq.apply(xSeq);
    seq.setWeights(last.getWeights());
    expectClose(seq.apply(xSeq).toArray(), states, 1e-5);
    expect(seq.computeOutputShape([null, 4, 3])).toEqual([null, 4, 5]);
    expect(last.computeOutputShape([null, 4, 3])).toEqual([null, 5]);
  });

  test('recurrent kernel is orthogonal by default', () => {
    setSeed(2);
    const layer = new SimpleRNN({ units: 6 });
    layer.apply(xSeq);
    const U = layer.recurrentKernel!.value.toArray() as Matrix;
    const gram = matmulRef(
      U,
      U[0].map((_, j) => U.map((r) => r[j])),
    );
    expectClose(
      gram,
      U.map((_, i) => U.map((__, j) => (i === j ? 1 : 0))),
      1e-5,
    );
  });

  test('gradcheck (float64) over 4 time steps, returnSequences', () => {
    setSeed(3);
    const layer = new SimpleRNN({ units: 3, returnSequences: true, dtype: 'float64', ...biasInit });
    const x = xSeq.astype('float64');
    layer.apply(x);
    expect(gradcheckLayer(layer, x).ok).toBe(true);
  });

  test('non-sequence input names the layer', () => {
    expect(() => new SimpleRNN({ units: 2, name: 'rnn' }).apply(tensor([[1, 2]]))).toThrow(
      "SimpleRNN layer 'rnn': expects sequences [batch, time, features], got [1,2]",
    );
  });
});

describe('LSTM', () => {
  function lstmCell(W: Matrix, U: Matrix, b: number[], units: number, gate = sigmoidRef) {
    return (x: number[], h: number[], c: number[]): [number[], number[]] => {
      const z = add(add(rowTimes(x, W), rowTimes(h, U)), b);
      const [i, f, g, o] = gates(z, 4, units);
      const cNext = add(mul(f.map(gate), c), mul(i.map(gate), g.map(Math.tanh)));
      return [mul(o.map(gate), cNext.map(Math.tanh)), cNext];
    };
  }

  test('matches the gate equations (order i, f, c, o) step by step', () => {
    setSeed(4);
    const layer = new LSTM({ units: 3, returnSequences: true, ...biasInit });
    const out = layer.apply(xSeq);
    const { W, U, b } = weightsOf(layer);
    expect(W[0]).toHaveLength(12);
    const expected = unroll(xSeq.toArray() as Sequence[], 3, lstmCell(W, U, b as number[], 3));
    expect(out.shape).toEqual([2, 4, 3]);
    expectClose(out.toArray(), expected, 1e-5);
  });

  test("recurrentActivation 'hardSigmoid' (TensorFlow.js's default) gates with clip(0.2x + 0.5, 0, 1)", () => {
    setSeed(5);
    const layer = new LSTM({ units: 3, recurrentActivation: 'hardSigmoid', ...biasInit });
    const out = layer.apply(xSeq.mul(3));
    const { W, U, b } = weightsOf(layer);
    const hardSigmoid = (v: number) => Math.min(Math.max(0.2 * v + 0.5, 0), 1);
    const cell = lstmCell(W, U, b as number[], 3, hardSigmoid);
    const expected = unroll(xSeq.mul(3).toArray() as Sequence[], 3, cell).map((s) => s[3]);
    expectClose(out.toArray(), expected, 1e-5);
  });

  test('unitForgetBias starts the forget-gate bias at 1', () => {
    const layer = new LSTM({ units: 2 });
    layer.apply(xSeq);
    expect(Array.from(layer.bias!.value.data)).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    const plain = new LSTM({ units: 2, unitForgetBias: false });
    plain.apply(xSeq);
    expect(Array.from(plain.bias!.value.data)).toEqual(new Array(8).fill(0));
  });

  test('gradcheck (float64) over 4 time steps', () => {
    setSeed(5);
    const layer = new LSTM({ units: 3, dtype: 'float64', ...biasInit });
    const x = xSeq.astype('float64');
    layer.apply(x);
    expect(gradcheckLayer(layer, x).ok).toBe(true);
  });
});

describe('GRU', () => {
  function gruCell(W: Matrix, U: Matrix, b: Matrix, units: number) {
    return (x: number[], h: number[], c: number[]): [number[], number[]] => {
      const [xz, xr, xh] = gates(add(rowTimes(x, W), b[0]), 3, units);
      const [hz, hr, hh] = gates(add(rowTimes(h, U), b[1]), 3, units);
      const z = add(xz, hz).map(sigmoidRef);
      const r = add(xr, hr).map(sigmoidRef);
      const candidate = add(xh, mul(r, hh)).map(Math.tanh);
      return [z.map((zi, k) => zi * h[k] + (1 - zi) * candidate[k]), c];
    };
  }

  test('matches the reset-after equations (order z, r, h) with input and recurrent biases', () => {
    setSeed(6);
    const layer = new GRU({ units: 3, returnSequences: true, ...biasInit });
    const out = layer.apply(xSeq);
    const { W, U, b } = weightsOf(layer);
    expect(layer.bias!.value.shape).toEqual([2, 9]);
    expectClose(out.toArray(), unroll(xSeq.toArray() as Sequence[], 3, gruCell(W, U, b as Matrix, 3)), 1e-5);
  });

  // resetAfter false (TensorFlow.js's form): r gates h before the recurrent matmul; one bias.
  const hardSigmoid = (v: number) => Math.min(Math.max(0.2 * v + 0.5, 0), 1);
  function gruResetBeforeCell(W: Matrix, U: Matrix, b: number[], units: number) {
    const UzrCols = U.map((row) => row.slice(0, 2 * units));
    const UhCols = U.map((row) => row.slice(2 * units));
    return (x: number[], h: number[], c: number[]): [number[], number[]] => {
      const [xz, xr, xh] = gates(add(rowTimes(x, W), b), 3, units);
      const [hz, hr] = gates(rowTimes(h, UzrCols), 2, units);
      const z = add(xz, hz).map(hardSigmoid);
      const r = add(xr, hr).map(hardSigmoid);
      const candidate = add(xh, rowTimes(mul(r, h), UhCols)).map(Math.tanh);
      return [z.map((zi, k) => zi * h[k] + (1 - zi) * candidate[k]), c];
    };
  }

  test('resetAfter false with hardSigmoid gates matches the reset-before equations, bias [3·units]', () => {
    setSeed(8);
    const layer = new GRU({
      units: 3,
      returnSequences: true,
      resetAfter: false,
      recurrentActivation: 'hardSigmoid',
      ...biasInit,
    });
    const out = layer.apply(xSeq);
    const { W, U, b } = weightsOf(layer);
    expect(layer.bias!.value.shape).toEqual([9]);
    expect(layer.getConfig()).toMatchObject({ resetAfter: false, recurrentActivation: 'hardSigmoid' });
    const expected = unroll(xSeq.toArray() as Sequence[], 3, gruResetBeforeCell(W, U, b as number[], 3));
    expectClose(out.toArray(), expected, 1e-5);
  });

  test('resetAfter false: gradcheck (float64)', () => {
    setSeed(9);
    const layer = new GRU({ units: 2, dtype: 'float64', resetAfter: false, ...biasInit });
    const x = xSeq.astype('float64');
    layer.apply(x);
    expect(gradcheckLayer(layer, x).ok).toBe(true);
  });

  test('gradcheck (float64) over 4 time steps', () => {
    setSeed(7);
    const layer = new GRU({ units: 3, dtype: 'float64', ...biasInit });
    const x = xSeq.astype('float64');
    layer.apply(x);
    expect(gradcheckLayer(layer, x).ok).toBe(true);
  });

  test('parameter counts follow Keras', () => {
    const sizes: [SimpleRNN | LSTM | GRU, number][] = [
      [new SimpleRNN({ units: 4 }), 3 * 4 + 4 * 4 + 4],
      [new LSTM({ units: 4 }), 4 * (3 * 4 + 4 * 4 + 4)],
      [new GRU({ units: 4 }), 3 * (3 * 4 + 4 * 4 + 2 * 4)],
      [new GRU({ units: 4, resetAfter: false }), 3 * (3 * 4 + 4 * 4 + 4)],
    ];
    for (const [layer, count] of sizes) {
      layer.apply(xSeq as Tensor);
      expect(layer.countParams()).toBe(count);
    }
  });
});

/** SimpleRNN run one op per time step (the path every cell without a fused recurrence takes). */
class SteppedRNN extends SimpleRNN {
  protected override allStates(): Tensor | null {
    return null;
  }
}

test.each([false, true])(
  'float32 SimpleRNN: the one-op recurrence matches the step-by-step ops (returnSequences %s)',
  (returnSequences) => {
    setSeed(5);
    const fused = new SimpleRNN({ units: 6, returnSequences });
    const stepped = new SteppedRNN({ units: 6, returnSequences });
    const x = randn([3, 7, 2]);
    fused.apply(x);
    stepped.apply(x);
    stepped.setWeights(fused.getWeights());
    const upstream = randn(returnSequences ? [3, 7, 6] : [3, 6]);
    const results = [fused, stepped].map((layer) => {
      const params = layer.weights.map((w) => w.value);
      const y = layer.apply(x) as Tensor;
      y.mul(upstream).sum().backward();
      return [y, ...params.map((p) => p.grad!)];
    });
    results[0].forEach((t, i) =>
      expectClose(t.toArray() as number[], results[1][i].toArray() as number[], 2e-6),
    );
  },
);
