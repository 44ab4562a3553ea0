/**
 * Sequential: a stack of layers, each feeding the next, with Keras's training API
 * (compile, fit, evaluate, predict, summary, save) and PyTorch's (call, parameters).
 */
import { RandomStream, Tensor, noGrad } from '@zen/autograd-core';
import { getActivation } from '../activations';
import { Layer, LayerConfig, LayerWeight, copyInto } from '../layers/layer';
import { MetricFunction, MetricSpec, getMetric } from '../metrics';
import { Optimizer } from '../optimizers/optimizer';
import { OptimizerSpec, getOptimizer } from '../optimizers/registry';
import { SymbolicShape, formatSymbolicShape } from '../shapes';
import { LossSpec, ResolvedLoss, resolveLoss } from '../training/loss-spec';
import { History } from '../callbacks/history';
import { Logs } from '../callbacks/callback';
import { FitArgs, fitModel } from '../training/fit';
import { EvaluateArgs, PredictArgs, evaluateModel, predictModel } from '../training/evaluate';
import { checkSamples } from '../training/data';
import { summarize } from './summary';
import { SaveOptions, saveModel } from '../saving/save';
import { checkCompileArgs } from '../training/options';
import { metricState, uniqueKeys } from '../stateful-metrics';

export interface CompileArgs {
  /** An Optimizer, or a name with default options ('adam', 'sgd', 'rmsprop', …). */
  optimizer: OptimizerSpec;
  /** A loss name ('categoricalCrossentropy', 'mse', …), a config ({ name, fromLogits }), or a function. */
  loss: LossSpec;
  /** Metric names ('accuracy', 'mae', …) or functions; reported in fit's logs and History. */
  metrics?: MetricSpec[];
}

/** The JSON form of a Sequential model (model.json's `modelConfig`). */
export interface SequentialConfig {
  name: string;
  layers: { className: string; config: LayerConfig }[];
  /** Input shape the model was built for (batch axis null), so loading can create the weights. */
  buildInputShape: (number | null)[] | null;
}

/** What compile resolved. */
interface Compiled {
  loss: ResolvedLoss;
  metrics: [string, MetricFunction][];
  metricSpecs: MetricSpec[];
}

/** A loss value and (lazily) the predictions it was computed from, as probabilities. */
export interface LossResult {
  loss: Tensor;
  predictions: () => Tensor;
}

export class Sequential {
  readonly className = 'Sequential';
  name: string;
  readonly layers: Layer[] = [];
  /** The compiled optimizer (null before compile). */
  optimizer: Optimizer | null = null;
  /** Set to true (by a callback) to end fit after the current batch. */
  stopTraining = false;
  /** The History of the last fit. */
  history: History | null = null;
  /** The model's own random stream (dropout, shuffling in fit), derived from the global seed at construction. */
  readonly randomStream = new RandomStream();
  private compiled: Compiled | null = null;
  /** Input shape (batch null) the model was built for, or null before. */
  private builtInputShape: SymbolicShape | null = null;

  constructor(layers: readonly Layer[] = [], options: { name?: string } = {}) {
    this.name = options.name ?? 'sequential';
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer (its name is made unique within the model unless the user chose it). */
  add(layer: Layer): void {
    if (!(layer instanceof Layer))
      throw new Error(`Sequential.add: expected a Layer, got ${describe(layer)}`);
    if (this.layers.includes(layer))
      throw new Error(`Sequential.add: layer '${layer.name}' is already in the model`);
    const taken = new Set(this.layers.map((l) => l.name));
    if (taken.has(layer.name)) {
      if (layer.nameGiven)
        throw new Error(`Sequential.add: a layer named '${layer.name}' is already in the model`);
      const base = layer.name;
      let i = 1;
      while (taken.has(`${base}_${i}`)) i++;
      layer.name = `${base}_${i}`;
    }
    if (this.layers.length > 0 && layer.inputShape) {
      throw new Error(
        `Sequential.add: only the first layer may have an inputShape ('${layer.name}' has one)`,
      );
    }
    if (this.builtInputShape) layer.maybeBuild(this.outputShape);
    this.layers.push(layer);
    // As in Keras, a declared input shape builds the model (creates the weights) right away.
    if (this.layers.length === 1 && layer.inputShape) this.build();
  }

  /** Whether the weights exist. */
  get built(): boolean {
    return this.builtInputShape !== null;
  }

  /** The input shape (batch axis null) the first layer declares, or else the one the model was built for. */
  get inputShape(): SymbolicShape | null {
    return this.declaredInputShape() ?? this.builtInputShape;
  }

  /** The first layer's `inputShape` with a batch axis, if it declares one. */
  private declaredInputShape(): SymbolicShape | null {
    const first = this.layers[0];
    return first?.inputShape ? [null, ...first.inputShape] : null;
  }

  /** The output shape (batch axis null); the model must be built. */
  get outputShape(): SymbolicShape {
    let shape = this.builtInputShape;
    if (!shape) throw new Error(`Sequential '${this.name}': not built yet (no input shape known)`);
    for (const layer of this.layers) shape = layer.computeOutputShape(shape);
    return shape;
  }

  /**
   * Creates every layer's weights for inputs of `inputShape` (with the batch axis, null
   * or any number); defaults to the first layer's `inputShape`.
   */
  build(inputShape?: SymbolicShape): void {
    const shape = inputShape ?? this.inputShape;
    if (!shape) {
      throw new Error(
        `Sequential '${this.name}': cannot build without an input shape; give the first layer an inputShape or call the model on data`,
      );
    }
    if (this.layers.length === 0) throw new Error(`Sequential '${this.name}': has no layers`);
    let current: SymbolicShape = [null, ...shape.slice(1)];
    this.builtInputShape = current;
    for (const layer of this.layers) {
      layer.maybeBuild(current);
      current = layer.computeOutputShape(current);
    }
  }

  /** Checks `x` against the declared input shape and builds the model on first use. */
  private prepareInput(x: unknown, where: string): Tensor {
    if (!(x instanceof Tensor)) throw new Error(`${where}: input must be a Tensor, got ${describe(x)}`);
    if (this.layers.length === 0) throw new Error(`${where}: the model has no layers`);
    // Only a declared shape is enforced here (a model built from data accepts, say, other
    // sequence lengths); each layer still checks the axes it depends on.
    const expected = this.declaredInputShape();
    if (expected) {
      const fits =
        x.ndim === expected.length && expected.every((d, i) => i === 0 || d === null || d === x.shape[i]);
      if (!fits) {
        throw new Error(
          `${where}: input of shape ${formatSymbolicShape(x.shape)} does not match the model's input shape ` +
            `${formatSymbolicShape(expected)} (first layer '${this.layers[0].name}')`,
        );
      }
    }
    if (!this.builtInputShape) this.build(expected ?? x.shape);
    return x;
  }

  /** The forward pass: every layer in turn. `training` switches dropout and batch-norm behaviour. */
  call(x: Tensor, options: { training?: boolean } = {}): Tensor {
    let h = this.prepareInput(x, `Sequential '${this.name}'`);
    for (const layer of this.layers) h = layer.apply(h, options);
    return h;
  }

  /** Trainable tensors of every layer, for an optimizer (PyTorch's `model.parameters()`). */
  parameters(): Tensor[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  /** Every weight (trainable or not) of every layer, in order. */
  get weights(): LayerWeight[] {
    return this.layers.flatMap((l) => l.weights);
  }

  get trainableWeights(): LayerWeight[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  get nonTrainableWeights(): LayerWeight[] {
    return this.layers.flatMap((l) => l.nonTrainableWeights);
  }

  /** Copies of all weights (as Keras's get_weights). */
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.value.clone());
  }

  /** Overwrites all weights in place from tensors in `getWeights()` order. */
  setWeights(values: readonly Tensor[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) {
      throw new Error(`Sequential.setWeights: got ${values.length} tensors for ${weights.length} weights`);
    }
    const layerOf = new Map(this.layers.flatMap((l) => l.weights.map((w) => [w, l.name] as const)));
    weights.forEach((w, i) => copyInto(w.value, values[i], `weight '${layerOf.get(w)}/${w.name}'`));
  }

  /** Total number of weight scalars. */
  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /** Chooses the optimizer, loss and metrics for fit/evaluate. */
  compile(args: CompileArgs): void {
    checkCompileArgs(args);
    if (!args || args.optimizer === undefined || args.loss === undefined) {
      throw new Error('compile: both optimizer and loss are required');
    }
    const metricSpecs = args.metrics ?? [];
    if (!Array.isArray(metricSpecs))
      throw new Error('compile: metrics must be an array of names or functions');
    const metrics = uniqueKeys(metricSpecs.map(getMetric));
    this.compiled = { loss: resolveLoss(args.loss), metrics, metricSpecs };
    this.optimizer = getOptimizer(args.optimizer);
    this.optimizer.attach(() => this.parameters());
  }

  /** The compiled loss, metrics and optimizer, or an error naming the caller. */
  requireCompiled(where: string): Compiled & { optimizer: Optimizer } {
    if (!this.compiled || !this.optimizer) {
      throw new Error(`${where}: compile the model first (model.compile({ optimizer, loss }))`);
    }
    return { ...this.compiled, optimizer: this.optimizer };
  }

  /** How the model was compiled, as JSON (null before compile). */
  getTrainingConfig(): Record<string, unknown> | null {
    if (!this.compiled || !this.optimizer) return null;
    const { loss, metricSpecs } = this.compiled;
    return {
      loss: loss.config,
      metrics: metricSpecs.filter((m): m is string => typeof m === 'string'),
      optimizer: { className: this.optimizer.className, config: this.optimizer.getConfig() },
    };
  }

  /**
   * @internal The forward pass and the loss. When the last layer ends in softmax
   * (sigmoid) and the loss is a cross-entropy on probabilities, the loss is computed
   * from the logits (log-softmax), which is exact and never takes log(0).
   */
  computeLoss(x: Tensor, y: Tensor, training: boolean, where: string): LossResult {
    const { loss } = this.requireCompiled(where);
    let h = this.prepareInput(x, where);
    const options = { training };
    const last = this.layers[this.layers.length - 1];
    for (const layer of this.layers.slice(0, -1)) h = layer.apply(h, options);
    const fused = loss.fusesWith ? last.applyLogits(h, options) : null;
    if (fused) {
      const { logits, activation } = fused;
      if (activation === loss.fusesWith) {
        return {
          loss: loss.computeFromLogits(y, logits),
          predictions: () => noGrad(() => getActivation(activation)(logits)),
        };
      }
      const out = getActivation(activation)(logits);
      return { loss: loss.compute(y, out), predictions: () => out };
    }
    const out = last.apply(h, options);
    return { loss: loss.compute(y, out), predictions: () => out };
  }

  /** @internal Starts the stateful metrics afresh (each epoch and evaluation); returns their log keys. */
  resetMetricStates(): Set<string> {
    const keys = new Set<string>();
    for (const [key, fn] of this.compiled?.metrics ?? []) {
      const state = metricState(fn);
      if (state) {
        state.resetState();
        keys.add(key);
      }
    }
    return keys;
  }

  /** @internal Metric values for one batch. */
  computeMetrics(y: Tensor, predictions: () => Tensor): Record<string, number> {
    const metrics = this.compiled?.metrics ?? [];
    if (metrics.length === 0) return {};
    const p = predictions();
    const out: Record<string, number> = {};
    for (const [key, fn] of metrics) out[key] = fn(y, p);
    return out;
  }

  /**
   * @internal One optimisation step: zero the gradients, forward, loss, backward, update.
   * A non-finite loss skips the update (weights stay finite) and is reported to the caller.
   */
  trainStep(x: Tensor, y: Tensor, where: string): Record<string, number> {
    const { optimizer } = this.requireCompiled(where);
    const params = this.parameters();
    optimizer.zeroGrad(params);
    const { loss, predictions } = this.computeLoss(x, y, true, where);
    const value = loss.item();
    if (Number.isFinite(value) && loss.requiresGrad) {
      loss.backward();
      this.checkGradients(params, value, where);
      optimizer.step(params);
    }
    return { loss: value, ...noGrad(() => this.computeMetrics(y, predictions)) };
  }

  /** Refuses non-finite gradients of a finite loss (they would silently turn the weights into NaN). */
  private checkGradients(params: readonly Tensor[], loss: number, where: string): void {
    for (const p of params) {
      const g = p.grad?.data;
      if (!g) continue;
      for (let i = 0; i < g.length; i++) {
        if (g[i] - g[i] !== 0) {
          const layer = this.layers.find((l) => l.weights.some((w) => w.value === p));
          const weight = layer?.weights.find((w) => w.value === p);
          throw new Error(
            `${where}: the gradient of weight '${layer?.name}/${weight?.name}' contains ${g[i]} at flat index ${i} ` +
              `although the loss is finite (${loss}); the update was skipped (a derivative is infinite here, ` +
              'e.g. sqrt or log at 0 in a custom loss)',
          );
        }
      }
    }
  }

  /**
   * Trains for `epochs` over (x, y) in shuffled mini-batches and returns the History
   * (per-epoch 'loss', metrics, and 'val_' versions with validation data).
   */
  async fit(x: Tensor, y: Tensor, args: FitArgs = {}): Promise<History> {
    return fitModel(this, x, y, args);
  }

  /** One update on one batch; returns the batch's loss and metrics. */
  trainOnBatch(x: Tensor, y: Tensor): Logs {
    checkSamples('trainOnBatch', x, y);
    return this.randomStream.run(() => this.trainStep(x, y, 'trainOnBatch'));
  }

  /** Loss and metrics over (x, y) in inference mode: `{ loss, accuracy, … }`. */
  evaluate(x: Tensor, y: Tensor, args: EvaluateArgs = {}): Logs {
    return evaluateModel(this, x, y, args, 'evaluate');
  }

  /** Outputs for `x` in inference mode, computed in batches. */
  predict(x: Tensor, args: PredictArgs = {}): Tensor {
    return predictModel(this, x, args);
  }

  /** A table of layers, output shapes and parameter counts; printed (unless print: false) and returned. */
  summary(options: { print?: boolean } = {}): string {
    if (!this.builtInputShape) this.build();
    const text = summarize(this);
    if (options.print ?? true) console.log(text);
    return text;
  }

  /** The architecture as JSON (model.json's `modelConfig`). */
  getConfig(): SequentialConfig {
    return {
      name: this.name,
      layers: this.layers.map((l) => ({ className: l.className, config: l.getConfig() })),
      buildInputShape: this.builtInputShape ? [...this.builtInputShape] : null,
    };
  }

  /**
   * Writes model.json and the weights file into directory `target` (a path or `file://` URL,
   * created if needed), with the optimiser state unless `includeOptimizer: false`.
   */
  async save(target: string, options: SaveOptions = {}): Promise<void> {
    await saveModel(this, target, options);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
