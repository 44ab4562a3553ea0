/**
 * The Layer base class (Keras style): weights are created lazily by `build` from the
 * first input's shape, `call` computes the output with Tensor ops (autograd supplies
 * every gradient), and `getConfig` describes the layer so `loadModel` can rebuild it.
 */
import { type DType, getBackend, noGrad, ShapeError, Tensor } from '@zen/autograd-core';
import { type FusableActivation } from '../activations';
import { type Initializer, type InitializerSpec, getInitializer } from '../initializers';
import { type ShapeOrShapes, type SymbolicShape, formatSymbolicShape, isShapeList } from '../shapes';
import { describeValue } from '../describe';
import { checkClassOptions, optionNames } from '../options';
import { chargeWeight } from './weight-budget';
import { staticClassName } from '../registry';
import { type SymbolicTensor, applySymbolic, containsSymbolic } from '../models/symbolic';
import type { Node } from '../models/symbolic';
import { uniqueName } from '../models/names';

/** Float element type of a layer's weights and computations. */
export type LayerDType = 'float32' | 'float64';

/** Options every layer accepts. */
export interface LayerArgs {
  /** Unique name within a model; derived from the class name when omitted. */
  name?: string;
  /** Whether the optimiser updates this layer's weights (default true). */
  trainable?: boolean;
  /**
   * Shape of one sample without the batch axis; lets a model build before it sees data.
   * `null` marks an axis of any length (e.g. the time axis of sequences: [null, features]).
   */
  inputShape?: readonly (number | null)[];
  /** Element type of the weights (default 'float32'; 'float64' for gradient checks). */
  dtype?: LayerDType;
}

/** The options every layer takes (each layer class lists its own in `static optionNames`). */
export const LAYER_OPTIONS = optionNames<LayerArgs>()(['name', 'trainable', 'inputShape', 'dtype']);

/** What `apply` passes on to `call`: `training` and any keyword arguments a layer takes (a mask, an encoder sequence). */
export interface CallOptions {
  /** Training mode: dropout drops, batch normalisation uses batch statistics. Default false. */
  training?: boolean;
  [kwarg: string]: unknown;
}

/** `apply`'s keyword arguments (symbolic tensors among them become graph edges). */
export type CallKwargs = CallOptions;

/** A layer's input: one tensor, or a list for layers with several inputs (merge layers, models). */
export type LayerInput = Tensor | Tensor[];
/** A layer's output: one tensor, or a list for layers with several outputs. */
export type LayerOutput = Tensor | Tensor[];

/** A layer's config as saved in model.json: constructor arguments as JSON. */
export type LayerConfig = Record<string, unknown> & { name: string };

/** What a layer requires of its input: its rank and the length of some axes (negative axes count from the end). */
export interface InputSpec {
  ndim?: number;
  minNdim?: number;
  axes?: Record<number, number>;
}

/**
 * A named weight of a layer. `value` is the tensor ops use (requiresGrad when
 * trainable); it may be replaced (for example by a float64 copy in a gradient check).
 */
export class LayerWeight {
  constructor(
    /** Name within the layer, e.g. 'kernel' (a tracked sublayer's weights get its name as prefix: 'query/kernel'). */
    public name: string,
    public value: Tensor,
    /** False for state such as batch normalisation's moving statistics. */
    readonly trainable: boolean,
  ) {}
}

/** The pre-activation output of a layer ending in softmax or sigmoid, for fused losses. */
export interface Logits {
  logits: Tensor;
  activation: FusableActivation;
}

/** Base class of every layer. Subclasses implement `call` and usually `build` and `computeOutputShape`. */
export abstract class Layer {
  /**
   * Registry name used by `loadModel`: a subclass's `className` field, else its
   * `static className` (the tfjs form), else the constructor's name.
   */
  readonly className: string = staticClassName(this.constructor) ?? this.constructor.name;
  readonly dtype: LayerDType;
  /** Shape of one sample (no batch axis), when given at construction. */
  readonly inputShape: readonly (number | null)[] | undefined;
  /** Whether `build` has run. */
  built = false;
  /** The input shape (batch axis null) the layer was built for. */
  builtInputShape: SymbolicShape | null = null;
  /** Whether `name` was chosen by the user (a model then refuses duplicates instead of renaming). */
  readonly nameGiven: boolean;
  /** The symbolic calls of this layer (one per `apply` on symbolic tensors), in order. */
  readonly inboundNodes: Node[] = [];
  /** What `build` learned the input must look like; checked on every call. */
  protected inputSpec: InputSpec | null = null;
  /** Whether float inputs of another dtype (and int inputs) are cast to the layer's dtype. */
  protected readonly castsInput: boolean = true;
  private readonly ownWeights: LayerWeight[] = [];
  /** Layers this one is made of (see `trackLayer`). */
  private readonly sublayers: Layer[] = [];
  private isTrainable: boolean;
  private givenName: string;

  constructor(args: LayerArgs = {}) {
    checkClassOptions(new.target, args, LAYER_OPTIONS);
    this.nameGiven = args.name !== undefined;
    // Keras's rule: default names are unique in the process ('dense', 'dense_1', …).
    this.givenName = args.name ?? uniqueName(defaultLayerName(classNameOf(new.target)));
    this.isTrainable = args.trainable ?? true;
    this.dtype = args.dtype ?? 'float32';
    if (this.dtype !== 'float32' && this.dtype !== 'float64') {
      throw new Error(`layer dtype must be 'float32' or 'float64', got '${this.dtype as string}'`);
    }
    if (args.inputShape !== undefined) {
      if (!args.inputShape.every((d) => d === null || (Number.isInteger(d) && d > 0))) {
        throw new Error(
          `inputShape must list positive integers (or null for any length), got ${JSON.stringify(args.inputShape)}`,
        );
      }
      this.inputShape = [...args.inputShape];
    }
  }

  /** The layer's name: given, assigned by a model to keep names unique, or derived from the class ('conv2d'). */
  get name(): string {
    return this.givenName;
  }

  set name(value: string) {
    this.givenName = value;
  }

  /** How errors name the layer: `Dense layer 'dense_1'`. */
  protected get label(): string {
    return `${this.className} layer '${this.name}'`;
  }

  /**
   * Creates the weights for inputs of `inputShape` (batch axis null; a list of shapes for
   * layers with several inputs). Called once, by `maybeBuild`.
   */
  build(_inputShape: ShapeOrShapes): void {}

  /** Computes the output. Called by `apply`, which builds, checks and casts first. */
  abstract call(x: LayerInput, options: CallOptions): LayerOutput;

  /** The output shape for an input shape (batch axis null). Default: unchanged. */
  computeOutputShape(inputShape: ShapeOrShapes): ShapeOrShapes {
    return inputShape;
  }

  /**
   * For layers ending in softmax or sigmoid: the logits before that activation, so a
   * cross-entropy can work on them stably. Null when the layer has no such activation.
   */
  protected callLogits(_x: Tensor, _options: CallOptions): Logits | null {
    return null;
  }

  /**
   * Calls the layer. On tensors: builds on first use, checks the input against what the
   * layer was built for, and computes. On symbolic tensors (from `input()` or another
   * layer's `apply`): records the call in the graph and returns symbolic output(s);
   * symbolic tensors inside `kwargs` (a mask, say) become graph edges too. A layer with
   * several outputs returns a list: `apply<SymbolicTensor[]>(…)` (on tensors, cast the result).
   */
  apply<T extends SymbolicTensor | SymbolicTensor[] = SymbolicTensor>(
    x: SymbolicTensor | SymbolicTensor[],
    kwargs?: CallKwargs,
  ): T;
  apply(x: Tensor | readonly Tensor[], kwargs?: CallKwargs): Tensor;
  apply(x: unknown, kwargs: CallKwargs = {}): unknown {
    if (containsSymbolic(x) || containsSymbolic(kwargs)) return applySymbolic(this, x, kwargs);
    return this.call(this.prepareInput(x), kwargs);
  }

  /** Like `apply` on one tensor, but returns the logits before a final softmax/sigmoid (null when there is none). */
  applyLogits(x: Tensor, options: CallOptions = {}): Logits | null {
    return this.callLogits(this.prepareInput(x) as Tensor, options);
  }

  /** Builds the layer for `inputShape` unless it already is; checks the shape against the spec. */
  maybeBuild(inputShape: ShapeOrShapes): void {
    if (!this.built) {
      this.build(inputShape);
      this.built = true;
      if (!isShapeList(inputShape)) this.builtInputShape = [null, ...inputShape.slice(1)];
    }
    if (!isShapeList(inputShape)) this.checkInputShape(inputShape);
  }

  private prepareInput(x: unknown): LayerInput {
    if (Array.isArray(x)) {
      if (x.length === 0 || !x.every((t) => t instanceof Tensor))
        throw new Error(
          `${this.label}: input must be a Tensor or a list of Tensors, got ${describeValue(x)}`,
        );
      this.maybeBuild(x.map((t: Tensor) => t.shape));
      return this.castsInput ? x.map((t: Tensor) => (t.dtype !== this.dtype ? t.astype(this.dtype) : t)) : x;
    }
    if (!(x instanceof Tensor))
      throw new Error(`${this.label}: input must be a Tensor, got ${describeValue(x)}`);
    this.maybeBuild(x.shape);
    if (this.castsInput && x.dtype !== this.dtype) return x.astype(this.dtype);
    return x;
  }

  private checkInputShape(shape: SymbolicShape): void {
    const spec = this.inputSpec;
    if (!spec) return;
    const ndim = shape.length;
    const fail = (what: string) => {
      throw new ShapeError(`${this.label}: expected input ${what}, got shape ${formatSymbolicShape(shape)}`);
    };
    if (spec.ndim !== undefined && ndim !== spec.ndim) fail(`of rank ${spec.ndim}`);
    if (spec.minNdim !== undefined && ndim < spec.minNdim) fail(`of rank at least ${spec.minNdim}`);
    for (const [key, length] of Object.entries(spec.axes ?? {})) {
      const axis = Number(key) < 0 ? ndim + Number(key) : Number(key);
      const actual = shape[axis];
      if (actual !== null && actual !== length) fail(`with axis ${key} of length ${length}`);
    }
  }

  /**
   * Creates a weight (call from `build`). Trainable weights get requiresGrad unless the
   * layer is frozen; non-trainable ones (moving statistics) never do.
   */
  protected addWeight(
    name: string,
    shape: readonly number[],
    initializer: InitializerSpec | Initializer,
    trainable = true,
  ): LayerWeight {
    if (this.ownWeights.some((w) => w.name === name)) {
      throw new Error(`${this.label}: weight '${name}' already exists`);
    }
    chargeWeight(`${this.label}: weight '${name}'`, shape);
    const value = longLived(getInitializer(initializer).generate(shape, this.dtype as DType));
    value.requiresGrad = trainable && this.isTrainable;
    const weight = new LayerWeight(name, value, trainable);
    this.ownWeights.push(weight);
    return weight;
  }

  /**
   * Makes `layer` part of this one (call from `build`): it is built for `inputShape`, its
   * weights appear among this layer's as `<its name>/<weight>` (Keras's 'query/kernel'),
   * and freezing this layer freezes it.
   */
  protected trackLayer<L extends Layer>(layer: L, inputShape: SymbolicShape): L {
    layer.maybeBuild(inputShape);
    for (const w of layer.weights) w.name = `${layer.name}/${w.name}`;
    if (!this.isTrainable) layer.trainable = false;
    this.sublayers.push(layer);
    return layer;
  }

  /** Whether the optimiser updates this layer. Setting it freezes or unfreezes the weights. */
  get trainable(): boolean {
    return this.isTrainable;
  }

  set trainable(value: boolean) {
    this.isTrainable = value;
    for (const w of this.ownWeights) if (w.trainable) w.value.requiresGrad = value;
    for (const layer of this.sublayers) layer.trainable = value;
  }

  /** All weights, trainable and not: the layer's own in creation order, then its sublayers'. */
  get weights(): LayerWeight[] {
    return [...this.ownWeights, ...this.sublayers.flatMap((l) => l.weights)];
  }

  get trainableWeights(): LayerWeight[] {
    if (!this.isTrainable) return [];
    return [
      ...this.ownWeights.filter((w) => w.trainable),
      ...this.sublayers.flatMap((l) => l.trainableWeights),
    ];
  }

  get nonTrainableWeights(): LayerWeight[] {
    if (!this.isTrainable) return this.weights;
    return [
      ...this.ownWeights.filter((w) => !w.trainable),
      ...this.sublayers.flatMap((l) => l.nonTrainableWeights),
    ];
  }

  /** The dtype of the layer's outputs for inputs of `inputDTypes` (default: the layer's dtype). */
  outputDType(_inputDTypes: readonly DType[]): DType {
    return this.dtype;
  }

  /** The tensors the optimiser updates (PyTorch's `parameters()`). */
  parameters(): Tensor[] {
    return this.trainableWeights.map((w) => w.value);
  }

  /** Copies of every weight's value, in `weights` order. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.value.clone());
  }

  /** Overwrites the weights' values in place (shapes must match), keeping the tensors' identity. */
  setWeights(values: readonly Tensor[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) {
      throw new Error(`${this.label}: setWeights got ${values.length} tensors for ${weights.length} weights`);
    }
    weights.forEach((w, i) => copyInto(w.value, values[i], `${this.label}: weight '${w.name}'`));
  }

  /** Number of scalars in all weights. */
  countParams(): number {
    return this.weights.reduce((n, w) => n + w.value.size, 0);
  }

  /** The constructor arguments as JSON (subclasses add theirs). */
  getConfig(): LayerConfig {
    const config: LayerConfig = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.inputShape) config.inputShape = [...this.inputShape];
    return config;
  }
}

/** Copies `source`'s values into `target` (same shape), under noGrad. */
export function copyInto(target: Tensor, source: Tensor, what: string): void {
  if (target.shape.length !== source.shape.length || target.shape.some((d, i) => d !== source.shape[i])) {
    throw new ShapeError(
      `${what} has shape ${formatSymbolicShape(target.shape)} but the new value has shape ${formatSymbolicShape(source.shape)}`,
    );
  }
  noGrad(() => target.data.set(source.data));
}

/** The registry name of a layer class: its `static className` when it has one, else the class's name. */
/**
 * A float32 weight moved into the backend's long-lived storage (the wasm kernels' memory,
 * where matrix products and the optimiser read it without a copy); others as they are.
 */
function longLived(value: Tensor): Tensor {
  if (!(value.data instanceof Float32Array)) return value;
  const data = getBackend().stateArray(value.size);
  data.set(value.data);
  return new Tensor(data, value.shape);
}

function classNameOf(ctor: abstract new (...args: never[]) => unknown): string {
  const declared = (ctor as unknown as { className?: unknown }).className;
  return typeof declared === 'string' ? declared : ctor.name;
}

/** 'Conv2D' → 'conv2d', 'BatchNormalization' → 'batch_normalization' (Keras's default names). */
export function defaultLayerName(className: string): string {
  return className
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/(\d)_d\b/g, '$1d');
}
