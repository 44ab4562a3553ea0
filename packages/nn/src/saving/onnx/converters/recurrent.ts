/**
 * ONNX converters for SimpleRNN, LSTM and GRU: each maps onto ONNX's own RNN, LSTM or
 * GRU op (one forward direction, zero initial state), not an unrolled loop.
 *
 * Keras keeps kernels [features, gates·units] with gates in the order LSTM i f c o,
 * GRU z r h; ONNX wants W [1, gates·units, features] with LSTM i o f c, GRU z r h.
 * Keras's GRU (resetAfter, its default) applies the reset gate after the recurrent
 * matmul and keeps a second, recurrent bias: that is ONNX's linear_before_reset = 1;
 * resetAfter false (TensorFlow.js's GRU) is linear_before_reset = 0 with no recurrent bias.
 * Cell activations without an ONNX recurrent-op counterpart (gelu, softmax, …) are refused.
 */
import { type Tensor, concat, noGrad, zeros } from '@zen/autograd-core';
import type { Layer } from '../../../layers/layer';
import type { GRU, LSTM, SimpleRNN } from '../../../layers/recurrent';
import { LEAKY_RELU_ALPHA } from '../../../activations';
import type { OnnxGraph, OnnxValue } from '../graph';
import { channelsLast } from '../layout';
import { type AttrValue, floats } from '../proto';
import { type Emitted, registerOnnxConverter, refuse } from '../registry';

/** ONNX's form of a cell activation: its name in ONNX's recurrent ops and its alpha/beta, if any. */
interface CellActivation {
  op: string;
  alpha?: number;
  beta?: number;
}

/** Zen-TS activation names with an exact counterpart among ONNX's recurrent-op activations. */
const CELL_ACTIVATIONS: Record<string, CellActivation> = {
  tanh: { op: 'Tanh' },
  sigmoid: { op: 'Sigmoid' },
  relu: { op: 'Relu' },
  linear: { op: 'Affine', alpha: 1, beta: 0 },
  hardSigmoid: { op: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  hardSigmoidKeras3: { op: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 },
  softsign: { op: 'Softsign' },
  softplus: { op: 'Softplus' },
  elu: { op: 'Elu', alpha: 1 },
  leakyRelu: { op: 'LeakyRelu', alpha: LEAKY_RELU_ALPHA },
};

/**
 * The activations, activation_alpha and activation_beta attributes for the cell's
 * activations in ONNX order (each alpha/beta is consumed by the activation that has one).
 */
function cellActivations(layer: Layer, names: readonly string[]): Record<string, AttrValue> {
  const acts = names.map((name) => {
    const act = CELL_ACTIVATIONS[name];
    if (!act) {
      refuse(
        layer,
        `uses activation '${name}' inside its cell; ONNX's recurrent ops export only ${Object.keys(CELL_ACTIVATIONS).join(', ')}`,
      );
    }
    return act;
  });
  const attrs: Record<string, AttrValue> = { activations: acts.map((a) => a.op) };
  const alphas = acts.flatMap((a) => (a.alpha === undefined ? [] : [a.alpha]));
  const betas = acts.flatMap((a) => (a.beta === undefined ? [] : [a.beta]));
  if (alphas.length) attrs.activation_alpha = floats(alphas);
  if (betas.length) attrs.activation_beta = floats(betas);
  return attrs;
}

/** Reorders the gate blocks of `t`'s last axis (Keras order → ONNX order) and puts gates·units first. */
function onnxGates(t: Tensor, order: readonly number[]): Tensor {
  return noGrad(() => {
    const rows = t.ndim === 1 ? t.reshape([1, t.size]) : t;
    const blocks = rows.split(order.length, 1);
    const reordered = concat(
      order.map((k) => blocks[k]),
      1,
    );
    return reordered.transpose([1, 0]);
  });
}

interface CellWeights {
  opType: 'RNN' | 'LSTM' | 'GRU';
  /** Keras gate index for each ONNX gate position. */
  order: readonly number[];
  /** Bias added to x·W and bias added to h·R (Keras order), either may be null. */
  inputBias: Tensor | null;
  recurrentBias: Tensor | null;
  /** Attributes beyond hidden_size: activations, linear_before_reset. */
  attributes: Record<string, AttrValue>;
}

/** The ONNX recurrent node, with the sequence moved to ONNX's time-major layout and back. */
function convertRecurrent(
  g: OnnxGraph,
  layer: SimpleRNN | LSTM | GRU,
  input: OnnxValue,
  cell: CellWeights,
): Emitted {
  const units = layer.units;
  const width = cell.order.length * units;
  const features = layer.kernel!.value.shape[0];
  const W = onnxGates(layer.kernel!.value, cell.order).reshape([1, width, features]);
  const R = onnxGates(layer.recurrentKernel!.value, cell.order).reshape([1, width, units]);
  const biasPart = (b: Tensor | null) => (b ? onnxGates(b, cell.order).reshape([width]) : zeros([width]));
  const B = noGrad(() =>
    concat([biasPart(cell.inputBias), biasPart(cell.recurrentBias)], 0).reshape([1, 2 * width]),
  );
  const x = channelsLast(g, input).name;
  const timeMajor = g.op('Transpose', [x], { perm: [1, 0, 2] }); // [T, N, F]
  const [y, yLast] = g.node(
    cell.opType,
    [timeMajor, g.tensor('W', W), g.tensor('R', R), g.tensor('B', B)],
    { hidden_size: units, ...cell.attributes },
    2,
  );
  if (!layer.returnSequences) return g.op('Squeeze', [yLast, g.int64s('axes', [0])]); // [1, N, U] → [N, U]
  const steps = g.op('Squeeze', [y, g.int64s('axes', [1])]); // [T, 1, N, U] → [T, N, U]
  return g.op('Transpose', [steps], { perm: [1, 0, 2] });
}

/** How each recurrent layer class maps onto its ONNX op. */
const CELLS: Record<string, (layer: never) => CellWeights> = {
  SimpleRNN: (layer: SimpleRNN) => ({
    opType: 'RNN',
    order: [0],
    inputBias: layer.bias?.value ?? null,
    recurrentBias: null,
    attributes: cellActivations(layer, [layer.activation]),
  }),
  LSTM: (layer: LSTM) => ({
    opType: 'LSTM',
    order: [0, 3, 1, 2], // ONNX i o f c from Keras i f c o
    inputBias: layer.bias?.value ?? null,
    recurrentBias: null,
    attributes: cellActivations(layer, [layer.recurrentActivation, layer.activation, layer.activation]),
  }),
  GRU: (layer: GRU) => {
    // A GRU without resetAfter has one bias, on the input side, and resets before the matmul.
    const bias = layer.bias?.value ?? null;
    const [inputBias, recurrentBias] =
      bias && layer.resetAfter
        ? noGrad(() => bias.split(2, 0).map((row) => row.reshape([row.size])))
        : [bias, null];
    return {
      opType: 'GRU',
      order: [0, 1, 2],
      inputBias,
      recurrentBias,
      attributes: {
        ...cellActivations(layer, [layer.recurrentActivation, layer.activation]),
        linear_before_reset: layer.resetAfter ? 1 : 0,
      },
    };
  },
};

/** Whether `layer` is one of the recurrent layers that map onto an ONNX recurrent op. */
export function isRecurrent(layer: Layer): layer is SimpleRNN | LSTM | GRU {
  return layer.className in CELLS;
}

/**
 * The layer's ONNX recurrent node; `reverse` runs it from the last step to the first
 * (ONNX's direction 'reverse': outputs stay at their steps, the last state is step 0's).
 */
export function recurrentGraph(
  g: OnnxGraph,
  layer: SimpleRNN | LSTM | GRU,
  input: OnnxValue,
  reverse: boolean,
): Emitted {
  const cell = CELLS[layer.className](layer as never);
  if (reverse) cell.attributes = { ...cell.attributes, direction: 'reverse' };
  return convertRecurrent(g, layer, input, cell);
}

for (const className of Object.keys(CELLS)) {
  registerOnnxConverter<SimpleRNN | LSTM | GRU>(className, {
    convert: (g, layer, [input]) => recurrentGraph(g, layer, input, false),
  });
}
