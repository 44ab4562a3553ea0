/**
 * Layers that wrap layers: TimeDistributed (a layer applied to every step) and
 * Bidirectional (a recurrent layer run forwards and backwards in time). The wrapped
 * layers' weights are the wrapper's (named 'forward/kernel', …, so saving sees them).
 */
import { type Tensor, concat } from '@zen/autograd-core';
import { type SymbolicShape, formatSymbolicShape } from '../shapes';
import { optionNames } from '../options';
import { type CallOptions, Layer, type LayerArgs, type LayerConfig, LayerWeight } from './layer';
import { layerFromConfig, registerLayer } from './registry';

/** A layer as a wrapper takes it: an instance, or its saved `{ className, config }`. */
export type WrappedLayer = Layer | { className: string; config: LayerConfig };

function resolve(owner: string, spec: WrappedLayer): Layer {
  if (spec instanceof Layer) return spec;
  if (spec && typeof spec === 'object' && typeof spec.className === 'string') {
    return layerFromConfig(spec.className, spec.config);
  }
  throw new Error(`${owner}: layer must be a Layer (or a saved { className, config })`);
}

/** A view of an inner weight under another name; reading and assigning `value` reach the inner weight. */
function renamed(prefix: string, weight: LayerWeight): LayerWeight {
  const view = new LayerWeight(`${prefix}/${weight.name}`, weight.value, weight.trainable);
  Object.defineProperty(view, 'value', {
    get: () => weight.value,
    set: (v: Tensor) => (weight.value = v),
    enumerable: true,
  });
  return view;
}

/** Weights, freezing and configs of wrapped layers, exposed as the wrapper's own. */
abstract class Wrapper extends Layer {
  /** The wrapped layers cast their inputs themselves. */
  protected override readonly castsInput: boolean = false;
  private views = new Map<LayerWeight, LayerWeight>();
  protected abstract inner(): [string, Layer][];

  private view(prefix: string, w: LayerWeight): LayerWeight {
    let v = this.views.get(w);
    if (!v) this.views.set(w, (v = renamed(prefix, w)));
    return v;
  }

  override get weights(): LayerWeight[] {
    return this.inner().flatMap(([prefix, layer]) => layer.weights.map((w) => this.view(prefix, w)));
  }

  override get trainableWeights(): LayerWeight[] {
    if (!this.trainable) return [];
    return this.inner().flatMap(([prefix, layer]) => layer.trainableWeights.map((w) => this.view(prefix, w)));
  }

  override get nonTrainableWeights(): LayerWeight[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((w) => !trainable.has(w));
  }

  override get trainable(): boolean {
    return super.trainable;
  }

  override set trainable(value: boolean) {
    super.trainable = value;
    for (const [, layer] of this.inner() ?? []) layer.trainable = value;
  }

  override getWeights(): Tensor[] {
    return this.weights.map((w) => w.value.clone());
  }

  override setWeights(values: readonly Tensor[]): void {
    let offset = 0;
    for (const [, layer] of this.inner()) {
      const n = layer.weights.length;
      layer.setWeights(values.slice(offset, offset + n));
      offset += n;
    }
    if (offset !== values.length) {
      throw new Error(`${this.label}: setWeights got ${values.length} tensors for ${offset} weights`);
    }
  }

  override countParams(): number {
    return this.inner().reduce((n, [, layer]) => n + layer.countParams(), 0);
  }
}

export interface TimeDistributedArgs extends LayerArgs {
  /** The layer applied to every step. */
  layer: WrappedLayer;
}

/** Applies `layer` to every step of [batch, steps, …]: the steps are folded into the batch axis. */
export class TimeDistributed extends Wrapper {
  static readonly optionNames = optionNames<TimeDistributedArgs, LayerArgs>()(['layer']);
  override readonly className = 'TimeDistributed';
  readonly layer: Layer;

  constructor(args: TimeDistributedArgs) {
    super(args);
    this.layer = resolve('TimeDistributed', args.layer);
  }

  protected inner(): [string, Layer][] {
    return this.layer ? [[this.layer.name, this.layer]] : [];
  }

  override build(inputShape: SymbolicShape): void {
    if (inputShape.length < 3) {
      throw new Error(
        `${this.label}: expects [batch, steps, …] inputs of rank ≥ 3, got ${formatSymbolicShape(inputShape)}`,
      );
    }
    this.layer.maybeBuild([null, ...inputShape.slice(2)]);
    this.inputSpec = { minNdim: 3 };
  }

  call(x: Tensor, options: CallOptions): Tensor {
    const [n, steps, ...rest] = x.shape;
    const y = this.layer.apply(x.reshape([n * steps, ...rest]), options);
    return y.reshape([n, steps, ...y.shape.slice(1)]);
  }

  override computeOutputShape([b, steps, ...rest]: SymbolicShape): SymbolicShape {
    return [b, steps, ...(this.layer.computeOutputShape([null, ...rest]) as SymbolicShape).slice(1)];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      layer: { className: this.layer.className, config: this.layer.getConfig() },
    };
  }
}

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';

export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer run forwards; a copy of it (from its config) runs backwards. */
  layer: WrappedLayer;
  /** How the two directions combine; default 'concat'. */
  mergeMode?: MergeMode;
}

/** Reverses axis 1 (time) of [batch, steps, …] with a gather, which autograd differentiates. */
function reverseTime(x: Tensor): Tensor {
  const steps = x.shape[1];
  return x.gather(
    Array.from({ length: steps }, (_, i) => steps - 1 - i),
    1,
  );
}

/**
 * Runs a recurrent layer over the sequence and a copy over the reversed sequence, and
 * merges the outputs (Keras's Bidirectional; with returnSequences the backward
 * outputs are reversed back so step t lines up).
 */
export class Bidirectional extends Wrapper {
  static readonly optionNames = optionNames<BidirectionalArgs, LayerArgs>()(['layer', 'mergeMode']);
  override readonly className = 'Bidirectional';
  readonly forwardLayer: Layer;
  readonly backwardLayer: Layer;
  readonly mergeMode: MergeMode;

  constructor(args: BidirectionalArgs) {
    super(args);
    this.forwardLayer = resolve('Bidirectional', args.layer);
    const { className } = this.forwardLayer;
    const config = { ...this.forwardLayer.getConfig(), name: `backward_${this.forwardLayer.name}` };
    this.backwardLayer = layerFromConfig(className, config);
    this.mergeMode = args.mergeMode ?? 'concat';
    if (!['concat', 'sum', 'mul', 'ave'].includes(this.mergeMode)) {
      throw new Error(
        `Bidirectional: mergeMode must be 'concat', 'sum', 'mul' or 'ave', got '${this.mergeMode}'`,
      );
    }
  }

  protected inner(): [string, Layer][] {
    return this.forwardLayer
      ? [
          ['forward', this.forwardLayer],
          ['backward', this.backwardLayer],
        ]
      : [];
  }

  private get returnsSequences(): boolean {
    return Boolean((this.forwardLayer as unknown as { returnSequences?: boolean }).returnSequences);
  }

  override build(inputShape: SymbolicShape): void {
    this.forwardLayer.maybeBuild(inputShape);
    this.backwardLayer.maybeBuild(inputShape);
  }

  call(x: Tensor, options: CallOptions): Tensor {
    const forward = this.forwardLayer.apply(x, options);
    let backward = this.backwardLayer.apply(reverseTime(x), options);
    if (this.returnsSequences) backward = reverseTime(backward);
    switch (this.mergeMode) {
      case 'sum':
        return forward.add(backward);
      case 'mul':
        return forward.mul(backward);
      case 'ave':
        return forward.add(backward).mul(0.5);
      default:
        return concat([forward, backward], -1);
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const out = this.forwardLayer.computeOutputShape(inputShape) as SymbolicShape;
    if (this.mergeMode !== 'concat') return out;
    const last = out[out.length - 1];
    return [...out.slice(0, -1), last === null ? null : 2 * last];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      layer: { className: this.forwardLayer.className, config: this.forwardLayer.getConfig() },
      mergeMode: this.mergeMode,
    };
  }
}

registerLayer('TimeDistributed', TimeDistributed);
registerLayer('Bidirectional', Bidirectional);
