/**
 * Model classes by name, so `loadModel` (and a functional model holding a nested one)
 * can rebuild any model kind from model.json's `{ className, config }`.
 */
import type { Model } from './model';

export type ModelFactory = (config: Record<string, unknown>) => Model;

/** A model class that can rebuild itself from its config. */
export interface ModelClass {
  readonly className: string;
  fromConfig(config: Record<string, unknown>): Model;
}

const registry = new Map<string, ModelFactory>();

/** Registers a model kind: `registerModel(MyModelClass)` (its static className and fromConfig) or `registerModel(name, factory)`. */
export function registerModel(nameOrClass: string | ModelClass, factory?: ModelFactory): void {
  if (typeof nameOrClass === 'string') {
    if (typeof factory !== 'function')
      throw new Error(`registerModel('${nameOrClass}'): a factory function is required`);
    registry.set(nameOrClass, factory);
    return;
  }
  const cls = nameOrClass;
  if (typeof cls?.className !== 'string' || typeof cls.fromConfig !== 'function')
    throw new Error(
      'registerModel: expected a class with a static className and fromConfig, or (name, factory)',
    );
  registry.set(cls.className, (config) => cls.fromConfig(config));
}

/** The factory for `className`, or undefined. */
export function getModelFactory(className: string): ModelFactory | undefined {
  return registry.get(className);
}

/** Names of the registered model kinds. */
export function registeredModels(): string[] {
  return [...registry.keys()].sort();
}
