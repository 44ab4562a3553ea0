/**
 * Sequential: a Model whose graph is a chain — a stack of layers, each feeding the next.
 * Keras's training API and PyTorch's (call, parameters) come from the Model base.
 */
import { Tensor } from '@zen/autograd-core';
import { type FusableActivation, getActivation } from '../activations';
import { type CallOptions, Layer, type LayerConfig } from '../layers/layer';
import { type SymbolicShape, type ShapeOrShapes, formatSymbolicShape, isShapeList } from '../shapes';
import { describeValue } from '../describe';
import { type ForwardOutput, Model } from './model';

export type { CompileArgs } from './model';
import { registerModel } from './registry';
import { deserializeLayer } from './serialize';

/** The JSON form of a Sequential model (model.json's `modelConfig`). */
export interface SequentialConfig {
  name: string;
  layers: { className: string; config: LayerConfig }[];
  /** Input shape the model was built for (batch axis null), so loading can create the weights. */
  buildInputShape: (number | null)[] | null;
}

export class Sequential extends Model {
  override readonly className: string = 'Sequential';
  private readonly stack: Layer[] = [];

  constructor(layers: readonly Layer[] = [], options: { name?: string } = {}) {
    super({ name: options.name });
    for (const layer of layers) this.add(layer);
  }

  /** The layers, in order. */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  override get subclassed(): boolean {
    return false;
  }

  /** The last layer's name: y and compile's loss may be keyed by it. */
  override get outputNames(): readonly string[] {
    return this.stack.length > 0 ? [this.stack[this.stack.length - 1].name] : [];
  }

  /** Appends a layer (its name is made unique within the model unless the user chose it). */
  add(layer: Layer): void {
    if (!(layer instanceof Layer))
      throw new Error(`Sequential.add: expected a Layer, got ${describeValue(layer)}`);
    if (this.stack.includes(layer))
      throw new Error(`Sequential.add: layer '${layer.name}' is already in the model`);
    const taken = new Set(this.stack.map((l) => l.name));
    if (taken.has(layer.name)) {
      if (layer.nameGiven)
        throw new Error(`Sequential.add: a layer named '${layer.name}' is already in the model`);
      const base = layer.name;
      let i = 1;
      while (taken.has(`${base}_${i}`)) i++;
      layer.name = `${base}_${i}`;
    }
    if (this.stack.length > 0 && layer.inputShape) {
      throw new Error(
        `Sequential.add: only the first layer may have an inputShape ('${layer.name}' has one)`,
      );
    }
    if (this.built) layer.maybeBuild(this.outputShape);
    this.stack.push(layer);
    // As in Keras, a declared input shape builds the model (creates the weights) right away.
    if (this.stack.length === 1 && layer.inputShape) this.build();
  }

  /** The first layer's `inputShape` with a batch axis, if it declares one. */
  private declaredInputShape(): SymbolicShape | null {
    const first = this.stack[0];
    return first?.inputShape ? [null, ...first.inputShape] : null;
  }

  /** The output shape (batch axis null); the model must be built. */
  get outputShape(): SymbolicShape {
    let shape = this.builtInputShape;
    if (!shape) throw new Error(`Sequential '${this.name}': not built yet (no input shape known)`);
    for (const layer of this.stack) shape = single(layer.computeOutputShape(shape), layer);
    return shape;
  }

  override computeOutputShape(inputShape: ShapeOrShapes): ShapeOrShapes {
    let shape = single(inputShape, this);
    for (const layer of this.stack) shape = single(layer.computeOutputShape(shape), layer);
    return shape;
  }

  /**
   * Creates every layer's weights for inputs of `inputShape` (with the batch axis, null
   * or any number); defaults to the first layer's `inputShape`.
   */
  override build(inputShape?: ShapeOrShapes): void {
    const shape = inputShape ? single(inputShape, this) : this.declaredInputShape();
    if (!shape) {
      throw new Error(
        `Sequential '${this.name}': cannot build without an input shape; give the first layer an inputShape or call the model on data`,
      );
    }
    if (this.stack.length === 0) throw new Error(`Sequential '${this.name}': has no layers`);
    let current: SymbolicShape = [null, ...shape.slice(1)];
    this.builtInputShape = current;
    this.built = true;
    for (const layer of this.stack) {
      layer.maybeBuild(current);
      current = single(layer.computeOutputShape(current), layer);
    }
  }

  /** Checks `x` against the declared input shape and builds the model on first use. */
  private prepare(x: unknown, where: string): Tensor {
    if (!(x instanceof Tensor)) throw new Error(`${where}: input must be a Tensor, got ${describeValue(x)}`);
    if (this.stack.length === 0) throw new Error(`${where}: the model has no layers`);
    // Only a declared shape is enforced here (a model built from data accepts, say, other
    // sequence lengths); each layer still checks the axes it depends on.
    const expected = this.declaredInputShape();
    if (expected) {
      const fits =
        x.ndim === expected.length && expected.every((d, i) => i === 0 || d === null || d === x.shape[i]);
      if (!fits) {
        throw new Error(
          `${where}: input of shape ${formatSymbolicShape(x.shape)} does not match the model's input shape ` +
            `${formatSymbolicShape(expected)} (first layer '${this.stack[0].name}')`,
        );
      }
    }
    if (!this.built) this.build(expected ?? x.shape);
    return x;
  }

  /** The forward pass: every layer in turn. `training` switches dropout and batch-norm behaviour. */
  override call(x: Tensor, options: CallOptions = {}): Tensor {
    let h = this.prepare(x, `Sequential '${this.name}'`);
    for (const layer of this.stack) h = layer.apply(h, options);
    return h;
  }

  protected override forwardOutputs(
    xs: Tensor[],
    options: CallOptions,
    fuse: readonly (FusableActivation | null)[],
    where: string,
  ): ForwardOutput[] {
    if (xs.length !== 1) throw new Error(`${where}: a Sequential model takes one input, got ${xs.length}`);
    let h = this.prepare(xs[0], where);
    const last = this.stack[this.stack.length - 1];
    for (const layer of this.stack.slice(0, -1)) h = layer.apply(h, options);
    const fused = fuse[0] ? last.applyLogits(h, options) : null;
    if (fused) {
      if (fused.activation === fuse[0]) return [fused];
      return [getActivation(fused.activation)(fused.logits)];
    }
    return [last.apply(h, options)];
  }

  /** A table of layers, output shapes and parameter counts; printed (unless print: false) and returned. */
  override summary(options: { print?: boolean } = {}): string {
    if (!this.built) this.build();
    return super.summary(options);
  }

  /** The architecture as JSON (model.json's `modelConfig`). */
  override getConfig(): SequentialConfig & LayerConfig {
    return {
      name: this.name,
      layers: this.stack.map((l) => ({ className: l.className, config: l.getConfig() })),
      buildInputShape: this.builtInputShape ? [...this.builtInputShape] : null,
    };
  }

  /** Rebuilds a Sequential from its config (layers through the registries), built when the config says so. */
  static fromConfig(config: SequentialConfig): Sequential {
    if (!Array.isArray(config?.layers))
      throw new Error('Sequential.fromConfig: config.layers must be an array');
    const layers = config.layers.map((entry, i) => {
      try {
        return deserializeLayer(entry);
      } catch (error) {
        const name = typeof entry?.config?.name === 'string' ? `'${entry.config.name}' ` : '';
        throw new Error(`layers[${i}] (${entry?.className} ${name}): ${(error as Error).message}`, {
          cause: error,
        });
      }
    });
    const model = new Sequential(layers, { name: config.name });
    if (config.buildInputShape) model.build(config.buildInputShape);
    else if (model.declaredInputShape()) model.build();
    return model;
  }
}

/** One shape, or an error naming the layer that was given several. */
function single(shape: ShapeOrShapes, layer: Layer): SymbolicShape {
  if (isShapeList(shape)) {
    throw new Error(
      `${layer.className} layer '${layer.name}': a Sequential model passes one tensor between layers, got ${shape.length}`,
    );
  }
  return shape;
}

registerModel('Sequential', (config) => Sequential.fromConfig(config as unknown as SequentialConfig));
