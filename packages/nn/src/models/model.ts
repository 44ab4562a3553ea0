/**
 * Model: what every model shares — Keras's training API (compile, fit, evaluate, predict,
 * trainOnBatch), summary, save, weights — on top of Layer, so a model can be used as a
 * layer inside another. Three kinds build on it:
 *   - functional: `new Model({ inputs, outputs })` runs the graph traced from symbolic tensors;
 *   - Sequential: a chain of layers;
 *   - subclassed: `class MyNet extends Model { … call(x, { training }) { … } }`, its layers
 *     found in its fields.
 */
import { RandomStream, Tensor, keepGradients, noGrad, scratchScope } from '@zen/autograd-core';
import { type FusableActivation, getActivation } from '../activations';
import {
  type CallOptions,
  Layer,
  type LayerConfig,
  type LayerInput,
  type LayerOutput,
  type LayerWeight,
  type Logits,
  copyInto,
} from '../layers/layer';
import { type NonFiniteGradient, type Optimizer } from '../optimizers/optimizer';
import { type OptimizerSpec, getOptimizer } from '../optimizers/registry';
import { type ShapeOrShapes, isShapeList } from '../shapes';
import type { History } from '../callbacks/history';
import type { Logs } from '../callbacks/callback';
import {
  CompiledOutputs,
  type LossSpecs,
  type LossWeights,
  type MetricSpecs,
  type OutputSpec,
} from '../training/outputs';
import { type FitArgs, fitModel } from '../training/fit';
import { type FitDatasetArgs, fitDatasetModel } from '../training/fit-dataset';
import {
  type EvaluateArgs,
  type EvaluateDatasetArgs,
  type PredictArgs,
  evaluateDatasetModel,
  evaluateModel,
  predictModel,
} from '../training/evaluate';
import type { Dataset } from '../training/dataset';
import { type TrainOnBatchArgs, trainOnBatchModel } from '../training/train-on-batch';
import { type StepWeights, outputWeights } from '../training/sample-weights';
import type { ModelData, NamedWeight, TrainableModel } from '../training/trainable';
import type { SavableModel } from '../saving/model-state';
import { Graph } from './graph';
import { type SymbolicTensor } from './symbolic';
import { type TrackedLayer, trackedLayers } from './tracking';
import { metricState } from '../stateful-metrics';
import { summarize } from './summary';
import { type SaveOptions, saveModel } from '../saving/save';
import { loadWeightsFile, saveWeightsFile } from '../saving/weights-only';
import { checkCompileArgs } from '../training/options';

export interface CompileArgs {
  /** An Optimizer, or a name with default options ('adam', 'sgd', 'rmsprop', …). */
  optimizer: OptimizerSpec;
  /**
   * A loss name ('categoricalCrossentropy', 'mse', …), a config ({ name, fromLogits }) or a
   * function; for several outputs also one per output (array) or by output name (object).
   */
  loss: LossSpecs;
  /** How much each output's loss counts in the total (by position or output name; default 1). */
  lossWeights?: LossWeights;
  /** Metric names ('accuracy', 'mae', …) or functions; per output as an array of arrays or by output name. */
  metrics?: MetricSpecs;
}

export interface ModelArgs {
  /** The symbolic input(s) of a functional model (from `input()`). */
  inputs?: SymbolicTensor | SymbolicTensor[];
  /** The symbolic output(s) of a functional model, computed from the inputs. */
  outputs?: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

/** A model output: a tensor, or the logits before a softmax/sigmoid that the loss takes directly. */
export type ForwardOutput = Tensor | Logits;

/** The total loss and each output's part, plus (lazily) the predictions for the metrics. */
interface LossResult {
  loss: Tensor;
  parts: Record<string, number>;
  predictions: () => Tensor[];
}

/** Internal fields that are not sub-layers of a subclassed model. */
const UNTRACKED = new Set(['inboundNodes', 'graph', 'optimizer', 'history', 'compiled', 'sublayers']);

export class Model extends Layer implements TrainableModel, SavableModel {
  override readonly className: string = 'Functional';
  /** The compiled optimizer (null before compile). */
  optimizer: Optimizer | null = null;
  /** Set to true (by a callback) to end fit after the current batch. */
  stopTraining = false;
  /** The History of the last fit. */
  history: History | null = null;
  /** The model's own random stream (dropout, shuffling in fit), derived from the global seed at construction. */
  readonly randomStream = new RandomStream();
  /** The traced graph of a functional model; null for Sequential and subclassed models. */
  readonly graph: Graph | null;
  protected compiled: CompiledOutputs | null = null;
  protected override readonly castsInput: boolean = false;

  constructor(args: ModelArgs = {}) {
    super({ name: args.name });
    if (args.inputs !== undefined || args.outputs !== undefined) {
      if (args.inputs === undefined || args.outputs === undefined)
        throw new Error(`Model '${this.name}': a functional model needs both inputs and outputs`);
      this.graph = new Graph(args.inputs, args.outputs, this.name);
      this.built = true;
    } else {
      this.graph = null;
      if (new.target !== Model) this.className = new.target.name;
    }
  }

  /** How errors name the model: `Model 'encoder'`, `Sequential 'sequential_1'`, `MyNet 'my_net'`. */
  protected override get label(): string {
    return `${this.className === 'Functional' ? 'Model' : this.className} '${this.name}'`;
  }

  /** The layers: graph order (inputs first) for functional models, field order for subclassed ones. */
  get layers(): Layer[] {
    if (this.graph) return this.graph.layers;
    return trackedLayers(this, UNTRACKED).map((e) => e.layer);
  }

  /** The layer named `name` (Keras's get_layer); the error lists the model's layers. */
  getLayer(name: string): Layer {
    const layers = this.layers;
    const found = layers.find((l) => l.name === name);
    if (!found)
      throw new Error(
        `${this.label}: no layer named '${name}' (layers: ${layers.map((l) => l.name).join(', ')})`,
      );
    return found;
  }

  /** Whether the model is a subclass whose `call` is code (no graph, not a Sequential). */
  get subclassed(): boolean {
    return this.graph === null;
  }

  /** Each layer with the prefix of its weights' names: its field path in a subclassed model, else its name. */
  private weightPrefixes(): TrackedLayer[] {
    if (this.subclassed) return trackedLayers(this, UNTRACKED);
    return this.layers.map((layer) => ({ path: layer.name, layer }));
  }

  /** Names of the inputs in order (functional models); x may be given as an object keyed by them. */
  get inputNames(): readonly string[] {
    return this.graph ? this.graph.inputNames : [];
  }

  /** Names of the outputs in order: the layers producing them (Keras); y and losses may be keyed by them. */
  get outputNames(): readonly string[] {
    return this.graph ? this.graph.outputNames : [];
  }

  /** Symbolic inputs of a functional model. */
  get inputs(): SymbolicTensor[] {
    return this.graph ? [...this.graph.inputs] : [];
  }

  /** Symbolic outputs of a functional model. */
  get outputs(): SymbolicTensor[] {
    return this.graph ? [...this.graph.outputs] : [];
  }

  /** The forward pass (functional models run their graph; subclasses override). */
  call(x: LayerInput, options: CallOptions = {}): LayerOutput {
    if (!this.graph) {
      throw new Error(`${this.label}: a subclassed model must implement call(x, { training })`);
    }
    const outs = this.graph.run(Array.isArray(x) ? x : [x], options, this.label, null);
    const tensors = outs as Tensor[];
    return tensors.length === 1 ? tensors[0] : tensors;
  }

  override computeOutputShape(inputShape: ShapeOrShapes): ShapeOrShapes {
    if (!this.graph) return super.computeOutputShape(inputShape);
    this.graph.checkInputShapes(isShapeList(inputShape) ? inputShape : [inputShape], this.label);
    const shapes = this.graph.outputs.map((t) => [...t.shape]);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /**
   * The outputs for a batch, as the losses want them: an output whose loss `fuse[i]` is a
   * cross-entropy may come back as the logits before its softmax/sigmoid.
   */
  protected forwardOutputs(
    xs: Tensor[],
    options: CallOptions,
    fuse: readonly (FusableActivation | null)[],
    where: string,
  ): ForwardOutput[] {
    if (this.graph) return this.graph.run(xs, options, where, fuse);
    const out = this.apply(xs.length === 1 ? xs[0] : xs, options) as LayerOutput;
    return Array.isArray(out) ? out : [out];
  }

  // ---- weights -------------------------------------------------------------

  /**
   * Every weight once, each under a unique path, in layer order: 'dense/kernel',
   * 'encoder/dense/kernel'; in a subclassed model the fields' names: 'dense1/kernel', 'blocks/0/kernel'.
   */
  namedWeights(): NamedWeight[] {
    const seen = new Set<LayerWeight>();
    const out: NamedWeight[] = [];
    for (const { path, layer } of this.weightPrefixes()) {
      const entries =
        layer instanceof Model
          ? layer.namedWeights().map(({ name, weight }) => ({ name: `${path}/${name}`, weight }))
          : layer.weights.map((weight) => ({ name: `${path}/${weight.name}`, weight }));
      for (const e of entries) {
        if (seen.has(e.weight)) continue;
        seen.add(e.weight);
        out.push(e);
      }
    }
    return out;
  }

  override get weights(): LayerWeight[] {
    return this.namedWeights().map((e) => e.weight);
  }

  override get trainableWeights(): LayerWeight[] {
    if (!this.trainable) return [];
    const all = new Set(this.layers.flatMap((l) => l.trainableWeights));
    return this.weights.filter((w) => all.has(w));
  }

  override get nonTrainableWeights(): LayerWeight[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((w) => !trainable.has(w));
  }

  override get trainable(): boolean {
    return super.trainable;
  }

  /** Freezes or unfreezes every layer of the model. */
  override set trainable(value: boolean) {
    super.trainable = value;
    for (const layer of this.layers) layer.trainable = value;
  }

  /** Trainable tensors of every layer, for an optimizer (PyTorch's `model.parameters()`). */
  override parameters(): Tensor[] {
    return this.trainableWeights.map((w) => w.value);
  }

  /** Copies of all weights (as Keras's get_weights). */
  override getWeights(): Tensor[] {
    return this.weights.map((w) => w.value.clone());
  }

  /** Overwrites all weights in place from tensors in `getWeights()` order. */
  override setWeights(values: readonly Tensor[]): void {
    const named = this.namedWeights();
    if (values.length !== named.length) {
      throw new Error(
        `${this.className}.setWeights: got ${values.length} tensors for ${named.length} weights`,
      );
    }
    named.forEach(({ name, weight }, i) => copyInto(weight.value, values[i], `weight '${name}'`));
  }

  /** Total number of weight scalars (a shared layer counts once). */
  override countParams(): number {
    return this.weights.reduce((n, w) => n + w.value.size, 0);
  }

  // ---- training --------------------------------------------------------------

  /** Chooses the optimizer, loss(es) and metrics for fit/evaluate. */
  compile(args: CompileArgs): void {
    checkCompileArgs(args);
    if (!args || args.optimizer === undefined || args.loss === undefined) {
      throw new Error('compile: both optimizer and loss are required');
    }
    const compiled = new CompiledOutputs(args.loss, args.lossWeights, args.metrics ?? []);
    if (this.outputNames.length > 0) compiled.forOutputs(this.outputNames);
    this.compiled = compiled;
    this.optimizer = getOptimizer(args.optimizer);
    this.optimizer.attach(() => this.parameters());
  }

  /** Starts the stateful metrics afresh (each epoch and evaluation); returns their log keys. */
  resetMetricStates(): Set<string> {
    const keys = new Set<string>();
    if (!this.compiled) return keys;
    const count = Math.max(this.outputNames.length, 1);
    for (const spec of this.outputSpecs(count)) {
      for (const [key, fn] of spec.metrics) {
        const state = metricState(fn);
        if (state) {
          state.resetState();
          keys.add(key);
        }
      }
    }
    return keys;
  }

  checkCompiled(where: string): void {
    if (!this.compiled || !this.optimizer) {
      throw new Error(`${where}: compile the model first (model.compile({ optimizer, loss }))`);
    }
  }

  /** How the model was compiled, as JSON (null before compile). */
  getTrainingConfig(): Record<string, unknown> | null {
    if (!this.compiled || !this.optimizer) return null;
    return {
      ...this.compiled.toConfig(),
      optimizer: { className: this.optimizer.className, config: this.optimizer.getConfig() },
    };
  }

  /** Output specs for `count` outputs (named output_1, … when the model does not name them). */
  private outputSpecs(count: number): OutputSpec[] {
    const names =
      this.outputNames.length > 0
        ? this.outputNames
        : Array.from({ length: count }, (_, i) => `output_${i + 1}`);
    return this.compiled!.forOutputs(names);
  }

  /**
   * The forward pass and the loss. When an output ends in softmax (sigmoid) and its loss is
   * a cross-entropy on probabilities, the loss is computed from the logits (log-softmax),
   * which is exact and never takes log(0).
   */
  private computeLoss(
    xs: Tensor[],
    ys: Tensor[],
    training: boolean,
    where: string,
    weights?: StepWeights,
  ): LossResult {
    this.checkCompiled(where);
    let specs = this.outputNames.length > 0 ? this.outputSpecs(this.outputNames.length) : null;
    const fuse = specs ? specs.map((s) => s.loss?.fusesWith ?? null) : [];
    const outs = this.forwardOutputs(xs, { training }, fuse, where);
    specs ??= this.outputSpecs(outs.length);
    if (ys.length !== outs.length) {
      throw new Error(`${where}: the model has ${outs.length} outputs but y holds ${ys.length} tensors`);
    }
    const parts: Record<string, number> = {};
    let total: Tensor | null = null;
    const predictions: (() => Tensor)[] = [];
    outs.forEach((out, i) => {
      const spec = specs![i];
      let value: Tensor | null = null;
      if (out instanceof Tensor) {
        predictions.push(() => out);
        if (spec.loss) value = spec.loss.compute(ys[i], out, outputWeights(weights, i, ys[i], out, where));
      } else {
        predictions.push(() => noGrad(() => getActivation(out.activation)(out.logits)));
        if (spec.loss) {
          const w = outputWeights(weights, i, ys[i], out.logits, where);
          value = spec.loss.computeFromLogits(ys[i], out.logits, w);
        }
      }
      if (!value) return;
      if (outs.length > 1) parts[spec.lossKey] = value.item();
      const weighted = spec.weight === 1 ? value : value.mul(spec.weight);
      total = total ? total.add(weighted) : weighted;
    });
    return { loss: total!, parts, predictions: () => predictions.map((p) => p()) };
  }

  /** Metric values for one batch, under their log keys. */
  private computeMetrics(ys: Tensor[], predictions: () => Tensor[]): Record<string, number> {
    const specs = this.outputSpecs(ys.length);
    if (specs.every((s) => s.metrics.length === 0)) return {};
    const p = predictions();
    const out: Record<string, number> = {};
    specs.forEach((spec, i) => {
      for (const [key, fn] of spec.metrics) out[key] = fn(ys[i], p[i]);
    });
    return out;
  }

  /**
   * One optimisation step: zero the gradients, forward, loss, backward, update. A
   * non-finite loss skips the update (weights stay finite) and is reported to the caller.
   * Runs in a scratch scope: the step's tensors live in memory reused by the next step
   * (the gradients are kept, readable after the step).
   */
  trainStep(xs: Tensor[], ys: Tensor[], where: string, weights?: StepWeights): Logs {
    this.checkCompiled(where);
    const optimizer = this.optimizer!;
    optimizer.zeroGrad(this.parameters());
    return scratchScope(() => {
      const { loss, parts, predictions } = this.computeLoss(xs, ys, true, where, weights);
      // After the forward pass: a subclassed model's layers create their weights on first call.
      const params = this.parameters();
      try {
        const value = loss.item();
        if (Number.isFinite(value) && loss.requiresGrad) {
          loss.backward();
          const bad = optimizer.step(params, { checkFinite: true });
          if (bad) this.refuseGradient(bad, value, where);
        }
        return { loss: value, ...parts, ...noGrad(() => this.computeMetrics(ys, predictions)) };
      } finally {
        keepGradients(params);
      }
    });
  }

  testStep(xs: Tensor[], ys: Tensor[], where: string, weights?: StepWeights): Logs {
    return scratchScope(() =>
      noGrad(() => {
        const { loss, parts, predictions } = this.computeLoss(xs, ys, false, where, weights);
        return { loss: loss.item(), ...parts, ...this.computeMetrics(ys, predictions) };
      }),
    );
  }

  predictStep(xs: Tensor[], where: string): Tensor[] {
    return this.forwardOutputs(xs, { training: false }, [], where) as Tensor[];
  }

  /** Refuses a non-finite gradient of a finite loss (it would silently turn the weights into NaN). */
  private refuseGradient({ param, index, value }: NonFiniteGradient, loss: number, where: string): never {
    const named = this.namedWeights().find((e) => e.weight.value === param);
    throw new Error(
      `${where}: the gradient of weight '${named?.name}' contains ${value} at flat index ${index} ` +
        `although the loss is finite (${loss}); the update was skipped (a derivative is infinite here, ` +
        'e.g. sqrt or log at 0 in a custom loss)',
    );
  }

  /**
   * Trains for `epochs` over (x, y) in shuffled mini-batches and returns the History
   * (per-epoch 'loss', per-output losses and metrics, and 'val_' versions with validation
   * data). x and y: a tensor, an array in input/output order, or an object keyed by name;
   * or `fit(dataset, args)` on batches `{ x, y, sampleWeight? }` (training/dataset.ts).
   */
  async fit(x: ModelData, y: ModelData, args?: FitArgs): Promise<History>;
  async fit(dataset: Dataset, args?: FitArgs): Promise<History>;
  async fit(x: ModelData | Dataset, y?: ModelData | FitArgs, args?: FitArgs): Promise<History> {
    return fitModel(this, x, y, args);
  }

  /** tfjs's fitDataset: fit on a dataset of `{ xs, ys }` (or `{ x, y }`) batches, with tfjs's option names. */
  async fitDataset(dataset: Dataset, args: FitDatasetArgs = {}): Promise<History> {
    return fitDatasetModel(this, dataset, args);
  }

  /** One update on one batch (its losses weighted by `{ sampleWeight, classWeight }`); returns the batch's loss(es) and metrics. */
  trainOnBatch(x: ModelData, y: ModelData, args?: TrainOnBatchArgs): Logs {
    return trainOnBatchModel(this, x, y, args);
  }

  /** Loss(es) and metrics over (x, y) in inference mode: `{ loss, accuracy, … }`; over a dataset, a promise of them. */
  evaluate(x: ModelData, y: ModelData, args?: EvaluateArgs): Logs;
  evaluate(dataset: Dataset, args?: EvaluateArgs): Promise<Logs>;
  evaluate(x: ModelData | Dataset, y?: ModelData | EvaluateArgs, args?: EvaluateArgs): Logs | Promise<Logs> {
    return evaluateModel(this, x, y, args, 'evaluate');
  }

  /** tfjs's evaluateDataset: loss and metrics over a dataset's batches (`{ batches }` limits them). */
  evaluateDataset(dataset: Dataset, args: EvaluateDatasetArgs = {}): Promise<Logs> {
    return evaluateDatasetModel(this, dataset, args);
  }

  /** Outputs for `x` in inference mode, computed in batches: a Tensor, or one per output (`predict<Tensor[]>`). */
  predict<T extends Tensor | Tensor[] = Tensor>(x: ModelData, args: PredictArgs = {}): T {
    const outs = predictModel(this, x, args);
    return (outs.length === 1 ? outs[0] : outs) as T;
  }

  /** A table of layers, output shapes and parameter counts; printed (unless print: false) and returned. */
  summary(options: { print?: boolean } = {}): string {
    const text = summarize(this);
    if (options.print ?? true) console.log(text);
    return text;
  }

  // ---- saving -------------------------------------------------------------------

  /** The architecture as JSON (model.json's `modelConfig.config`). */
  override getConfig(): LayerConfig {
    if (this.graph) return { name: this.name, ...this.graph.toConfig() };
    throw this.notSavable('getConfig');
  }

  /** `{ className, config }` as model.json stores it (loaded again through the model registry). */
  modelConfig(): { className: string; config: Record<string, unknown> } {
    if (!this.graph && !(this.className === 'Sequential')) throw this.notSavable('save');
    return { className: this.className, config: this.getConfig() };
  }

  private notSavable(where: string): Error {
    return new Error(
      `${where}: ${this.label} is a subclassed model: its architecture is code, which cannot be saved. ` +
        'Save its weights with saveWeights(path) and load them into a new instance with loadWeights(path)',
    );
  }

  /**
   * Writes model.json and the weights file into directory `target` (a path or `file://` URL,
   * created if needed), with the optimiser state unless `includeOptimizer: false`.
   */
  async save(target: string, options: SaveOptions = {}): Promise<void> {
    await saveModel(this, target, options);
  }

  /**
   * Writes the weights alone (no architecture, no optimiser state) to `target`, a directory
   * as for `save`: the way to save a subclassed model, whose architecture is code.
   */
  async saveWeights(target: string): Promise<void> {
    await saveWeightsFile(this, target);
  }

  /**
   * Loads weights written by `saveWeights` (or by `save`) into this model, which must be
   * built and have exactly the saved weights, by name, shape and dtype.
   */
  async loadWeights(source: string): Promise<void> {
    await loadWeightsFile(this, source);
  }
}
