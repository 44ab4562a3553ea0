/** Optimisers by name ('adam', 'sgd', …) and from saved configs. */
import { Registry } from '../registry';
import { Optimizer, learningRateFromConfig } from './optimizer';
import { SGD, Momentum } from './sgd';
import { Adagrad, Adam, AdamW, RMSProp } from './adaptive';
import { Adadelta, Adamax, Lion, Nadam } from './keras-extra';

/** An optimiser class (constructed from its options), optionally naming itself with `static className`. */
export type OptimizerConstructor = (new (args: never) => Optimizer) & { readonly className?: unknown };

const optimizers = new Registry<OptimizerConstructor>('optimizer', 'registerOptimizer');
for (const [name, ctor] of Object.entries({
  SGD,
  Momentum,
  RMSProp,
  Adagrad,
  Adam,
  AdamW,
  Nadam,
  Adadelta,
  Adamax,
  Lion,
}))
  optimizers.register(name, ctor);

/**
 * Registers an optimiser class: `registerOptimizer(MyOptimizer)` under its `static
 * className`, or `registerOptimizer('MyOptimizer', MyOptimizer)`, so compile takes its
 * name and `loadModel` rebuilds it from model.json.
 */
export function registerOptimizer(ctor: OptimizerConstructor): void;
export function registerOptimizer(className: string, ctor: OptimizerConstructor): void;
export function registerOptimizer(
  nameOrCtor: string | OptimizerConstructor,
  ctor?: OptimizerConstructor,
): void {
  optimizers.register(nameOrCtor, ctor);
}

/** An optimizer as compile takes it: an instance or a name (with default options). */
export type OptimizerSpec =
  | Optimizer
  | 'sgd'
  | 'momentum'
  | 'rmsprop'
  | 'adagrad'
  | 'adam'
  | 'adamw'
  | 'nadam'
  | 'adadelta'
  | 'adamax'
  | 'lion';

/**
 * Resolves an optimizer: an instance as is, a registered name (case-insensitive) with
 * default options, or a saved `{ className, config }`.
 */
export function getOptimizer(spec: OptimizerSpec | string | SavedOptimizer): Optimizer {
  if (spec instanceof Optimizer) return spec;
  if (typeof spec === 'object' && spec !== null) return optimizerFromConfig(spec);
  const found = optimizers.find(String(spec));
  if (!found) {
    throw new Error(
      `unknown optimizer '${String(spec)}' (expected one of ${optimizers
        .names()
        .map((n) => n.toLowerCase())
        .join(', ')}, or an Optimizer)`,
    );
  }
  return new found[1]({} as never);
}

/** An optimiser as model.json stores it. */
export interface SavedOptimizer {
  className: string;
  config: Record<string, unknown>;
}

/** Rebuilds an optimizer from its saved `{ className, config }`. */
export function optimizerFromConfig(saved: SavedOptimizer): Optimizer {
  const ctor = optimizers.get(saved.className);
  if (!ctor) {
    throw new Error(
      `unknown optimizer class '${saved.className}' (registered: ${optimizers.names().join(', ')}); ` +
        'register custom optimizers with registerOptimizer before loading',
    );
  }
  const args = { ...saved.config, learningRate: learningRateFromConfig(saved.config.learningRate) };
  return new ctor(args as never);
}
