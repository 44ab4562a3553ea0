/** Maps layer class names to constructors, so `loadModel` can rebuild layers from their configs. */
import { Layer, LayerConfig } from './layer';

type LayerConstructor = new (config: never) => Layer;

const registry = new Map<string, LayerConstructor>();

/**
 * Registers a layer class under `className` (built-in layers register themselves;
 * call this for custom layers before `loadModel`).
 */
export function registerLayer(className: string, ctor: LayerConstructor): void {
  registry.set(className, ctor);
}

/** Constructs a layer from its saved `{ className, config }`. */
export function layerFromConfig(className: string, config: LayerConfig): Layer {
  const ctor = registry.get(className);
  if (!ctor) {
    throw new Error(
      `unknown layer class '${className}' (registered: ${[...registry.keys()].sort().join(', ')}); ` +
        'register custom layers with registerLayer before loading',
    );
  }
  return new ctor(config as never);
}

/** Names of the registered layer classes. */
export function registeredLayers(): string[] {
  return [...registry.keys()].sort();
}
