/**
 * Recurrent layers over [batch, time, features] sequences: SimpleRNN (Zen's RNN, a
 * tanh cell), LSTM and GRU. The input projection x·W for all time steps is one
 * matmul; each step then adds h·U and applies the cell. Autograd unrolls through time.
 */
import { ShapeError, stack, type Tensor, tanhRecurrence, zeros } from '@zen/autograd-core';
import { type ActivationName, getActivation } from '../activations';
import {
  type Initializer,
  type InitializerSpec,
  getInitializer,
  serializeInitializer,
} from '../initializers';
import { type SymbolicShape, formatSymbolicShape } from '../shapes';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig, type LayerWeight } from './layer';
import { registerLayer } from './registry';
import { optionNames } from '../options';

export interface RecurrentArgs extends LayerArgs {
  /** Size of the hidden state. */
  units: number;
  /** Output activation; default 'tanh'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Return the output at every step [N, T, units] instead of the last one [N, units]. Default false. */
  returnSequences?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerSpec;
  /** Default 'orthogonal' (Keras). */
  recurrentInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
}

/** The state carried between steps: [h] or [h, c]. */
type State = Tensor[];

abstract class Recurrent extends Layer {
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  protected readonly kernelInitializer: Initializer;
  protected readonly recurrentInitializer: Initializer;
  protected readonly biasInitializer: Initializer;
  kernel: LayerWeight | null = null;
  recurrentKernel: LayerWeight | null = null;
  bias: LayerWeight | null = null;
  /** Number of gates: the kernels have gates·units columns. */
  protected abstract readonly gates: number;

  constructor(args: RecurrentArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units <= 0) {
      throw new Error(`recurrent layer: units must be a positive integer, got ${args.units}`);
    }
    this.units = args.units;
    this.activation = args.activation ?? 'tanh';
    getActivation(this.activation);
    this.useBias = args.useBias ?? true;
    this.returnSequences = args.returnSequences ?? false;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.recurrentInitializer = getInitializer(args.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
  }

  override build(inputShape: SymbolicShape): void {
    const features = inputShape[2];
    if (inputShape.length !== 3 || features === null) {
      throw new ShapeError(
        `${this.label}: expects sequences [batch, time, features], got ${formatSymbolicShape(inputShape)}`,
      );
    }
    const width = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [features, width], this.kernelInitializer);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, width], this.recurrentInitializer);
    if (this.useBias) this.buildBias();
    this.inputSpec = { ndim: 3, axes: { [-1]: features } };
  }

  /** Creates the bias (subclasses differ in its shape and initial value). */
  protected buildBias(): void {
    this.bias = this.addWeight('bias', [this.gates * this.units], this.biasInitializer);
  }

  /** The bias added to the input projection x·W. */
  protected inputBias(): Tensor | null {
    return this.bias ? this.bias.value : null;
  }

  /** One step: the new state from the projected input x_t·W + b [N, gates·units] and the old state. */
  protected abstract step(projected: Tensor, state: State): State;

  /**
   * Every output state [time, batch, units] from the time-major projected input in one op,
   * when the cell has one; null to run `step` per time step.
   */
  protected allStates(_steps: Tensor): Tensor | null {
    return null;
  }

  /** Zero state for a batch of `batch` sequences. */
  protected initialState(batch: number): State {
    return [zeros([batch, this.units], { dtype: this.dtype })];
  }

  call(x: Tensor, _options: CallOptions): Tensor {
    const [batch, time, features] = x.shape;
    if (time === 0) throw new ShapeError(`${this.label}: sequences of length 0 (input shape [${x.shape}])`);
    const width = this.gates * this.units;
    // Time-major [time, batch, …]: each step's slice of the projection is one contiguous block.
    let projected = x
      .permute([1, 0, 2])
      .reshape([time * batch, features])
      .matmul(this.kernel!.value);
    const bias = this.inputBias();
    if (bias) projected = projected.add(bias);
    const steps = projected.reshape([time, batch, width]);
    const states = this.allStates(steps);
    if (states) {
      const units = this.units;
      return this.returnSequences
        ? states.permute([1, 0, 2])
        : states.slice([time - 1, 0, 0], [1, batch, units]).reshape([batch, units]);
    }
    let state = this.initialState(batch);
    const outputs: Tensor[] = [];
    for (let t = 0; t < time; t++) {
      const xt = steps.slice([t, 0, 0], [1, batch, width]).reshape([batch, width]);
      state = this.step(xt, state);
      if (this.returnSequences) outputs.push(state[0]);
    }
    return this.returnSequences ? stack(outputs, 1) : state[0];
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.returnSequences ? [inputShape[0], inputShape[1], this.units] : [inputShape[0], this.units];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      returnSequences: this.returnSequences,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      recurrentInitializer: serializeInitializer(this.recurrentInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }
}

/** Zen's RNN: h_t = tanh(x_t·W + h_{t−1}·U + b). */
export class SimpleRNN extends Recurrent {
  static readonly optionNames = optionNames<RecurrentArgs, LayerArgs>()([
    'units',
    'activation',
    'useBias',
    'returnSequences',
    'kernelInitializer',
    'recurrentInitializer',
    'biasInitializer',
  ]);
  override readonly className = 'SimpleRNN';
  protected readonly gates = 1;

  protected step(projected: Tensor, [h]: State): State {
    return [getActivation(this.activation)(projected.add(h.matmul(this.recurrentKernel!.value)))];
  }

  /** With tanh (the default), the whole recurrence is one op: no op or tensor per time step. */
  protected override allStates(steps: Tensor): Tensor | null {
    return this.activation === 'tanh' ? tanhRecurrence(steps, this.recurrentKernel!.value) : null;
  }
}

export interface GatedArgs extends RecurrentArgs {
  /** Gate activation; default 'sigmoid'. */
  recurrentActivation?: ActivationName;
}

export interface LSTMArgs extends GatedArgs {
  /** Initialise the forget gate's bias to 1 (Keras default true). */
  unitForgetBias?: boolean;
}

/**
 * Long short-term memory (gate order i, f, c, o as Keras):
 * c_t = f ⊙ c_{t−1} + i ⊙ tanh(z_c), h_t = o ⊙ tanh(c_t).
 */
export class LSTM extends Recurrent {
  static readonly optionNames = optionNames<LSTMArgs, LayerArgs>()([
    'units',
    'activation',
    'recurrentActivation',
    'useBias',
    'unitForgetBias',
    'returnSequences',
    'kernelInitializer',
    'recurrentInitializer',
    'biasInitializer',
  ]);
  override readonly className = 'LSTM';
  protected readonly gates = 4;
  readonly recurrentActivation: ActivationName;
  readonly unitForgetBias: boolean;

  constructor(args: LSTMArgs) {
    super(args);
    this.recurrentActivation = args.recurrentActivation ?? 'sigmoid';
    getActivation(this.recurrentActivation);
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  protected override buildBias(): void {
    super.buildBias();
    if (this.unitForgetBias) this.bias!.value.data.fill(1, this.units, 2 * this.units);
  }

  protected override initialState(batch: number): State {
    return [
      zeros([batch, this.units], { dtype: this.dtype }),
      zeros([batch, this.units], { dtype: this.dtype }),
    ];
  }

  protected step(projected: Tensor, [h, c]: State): State {
    const gate = getActivation(this.recurrentActivation);
    const act = getActivation(this.activation);
    const z = projected.add(h.matmul(this.recurrentKernel!.value));
    const [zi, zf, zc, zo] = z.split(4, 1);
    const cNext = gate(zf)
      .mul(c)
      .add(gate(zi).mul(act(zc)));
    return [gate(zo).mul(act(cNext)), cNext];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      recurrentActivation: this.recurrentActivation,
      unitForgetBias: this.unitForgetBias,
    };
  }
}

export interface GRUArgs extends GatedArgs {
  /**
   * Apply the reset gate after the recurrent matmul (Keras 3's default, true) or before it
   * (false: TensorFlow.js's only form and Keras 2's default).
   */
  resetAfter?: boolean;
}

/**
 * Gated recurrent unit (gate order z, r, h as Keras):
 * h_t = z ⊙ h_{t−1} + (1 − z) ⊙ act(x·W_h + b_h + reset term), where the reset term is
 * r ⊙ (h_{t−1}·U_h + b_rh) with resetAfter (bias [2, 3·units]: input and recurrent bias)
 * and (r ⊙ h_{t−1})·U_h without (bias [3·units] on the input only).
 */
export class GRU extends Recurrent {
  static readonly optionNames = optionNames<GRUArgs, LayerArgs>()([
    'units',
    'activation',
    'recurrentActivation',
    'resetAfter',
    'useBias',
    'returnSequences',
    'kernelInitializer',
    'recurrentInitializer',
    'biasInitializer',
  ]);
  override readonly className = 'GRU';
  protected readonly gates = 3;
  readonly recurrentActivation: ActivationName;
  readonly resetAfter: boolean;

  constructor(args: GRUArgs) {
    super(args);
    this.recurrentActivation = args.recurrentActivation ?? 'sigmoid';
    getActivation(this.recurrentActivation);
    this.resetAfter = args.resetAfter ?? true;
  }

  protected override buildBias(): void {
    if (!this.resetAfter) return super.buildBias();
    this.bias = this.addWeight('bias', [2, 3 * this.units], this.biasInitializer);
  }

  protected override inputBias(): Tensor | null {
    if (!this.bias || !this.resetAfter) return super.inputBias();
    return this.bias.value.slice([0, 0], [1, 3 * this.units]).reshape([3 * this.units]);
  }

  protected step(projected: Tensor, [h]: State): State {
    const gate = getActivation(this.recurrentActivation);
    const act = getActivation(this.activation);
    const u = this.units;
    const kernel = this.recurrentKernel!.value;
    const [xz, xr, xh] = projected.split(3, 1);
    let candidate: Tensor;
    let z: Tensor;
    if (this.resetAfter) {
      let recurrent = h.matmul(kernel);
      if (this.bias) recurrent = recurrent.add(this.bias.value.slice([1, 0], [1, 3 * u]));
      const [hz, hr, hh] = recurrent.split(3, 1);
      z = gate(xz.add(hz));
      const r = gate(xr.add(hr));
      candidate = act(xh.add(r.mul(hh)));
    } else {
      const [kernelZR, kernelH] = kernel.split([2 * u, u], 1);
      const [hz, hr] = h.matmul(kernelZR).split(2, 1);
      z = gate(xz.add(hz));
      const r = gate(xr.add(hr));
      candidate = act(xh.add(r.mul(h).matmul(kernelH)));
    }
    // z·h + (1 − z)·candidate, written as candidate + z·(h − candidate).
    return [candidate.add(z.mul(h.sub(candidate)))];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      recurrentActivation: this.recurrentActivation,
      resetAfter: this.resetAfter,
    };
  }
}

registerLayer('SimpleRNN', SimpleRNN);
registerLayer('LSTM', LSTM);
registerLayer('GRU', GRU);
