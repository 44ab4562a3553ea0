/** Layer classes by name, so `loadModel` can rebuild layers from their configs. */
import { Registry } from '../registry';
import { type Layer, type LayerConfig } from './layer';

/** A layer class (constructed from its config), optionally naming itself with `static className`. */
export type LayerConstructor = (new (config: never) => Layer) & { readonly className?: unknown };

const layers = new Registry<LayerConstructor>('layer', 'registerLayer');

/**
 * Registers a layer class: `registerLayer(MyLayer)` under its `static className`, or
 * `registerLayer('MyLayer', MyLayer)`. Built-in layers register themselves; register
 * custom layers before `loadModel`.
 */
export function registerLayer(ctor: LayerConstructor): void;
export function registerLayer(className: string, ctor: LayerConstructor): void;
export function registerLayer(nameOrCtor: string | LayerConstructor, ctor?: LayerConstructor): void {
  layers.register(nameOrCtor, ctor);
}

/** The layer class registered under `className`, or undefined. */
export function getLayerClass(className: string): LayerConstructor | undefined {
  return layers.get(className);
}

/** Constructs a layer from its saved `{ className, config }`. */
export function layerFromConfig(className: string, config: LayerConfig): Layer {
  const ctor = layers.get(className);
  if (!ctor) {
    throw new Error(
      `unknown layer class '${className}' (registered: ${layers.names().join(', ')}); ` +
        'register custom layers with registerLayer before loading',
    );
  }
  return new ctor(config as never);
}

/** Names of the registered layer classes. */
export function registeredLayers(): string[] {
  return layers.names();
}
