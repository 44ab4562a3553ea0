/** Optimisers by name ('adam', 'sgd', …) and from saved configs. */
import { Optimizer, learningRateFromConfig } from './optimizer';
import { SGD, Momentum } from './sgd';
import { Adagrad, Adam, AdamW, RMSProp } from './adaptive';
import { Adadelta, Adamax, Lion, Nadam } from './keras-extra';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CLASSES: Record<string, new (args: any) => Optimizer> = {
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
};

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

/** Resolves an optimizer name (case-insensitive) or instance. */
export function getOptimizer(spec: OptimizerSpec | string): Optimizer {
  if (spec instanceof Optimizer) return spec;
  const className = Object.keys(CLASSES).find((name) => name.toLowerCase() === String(spec).toLowerCase());
  if (!className) {
    throw new Error(
      `unknown optimizer '${String(spec)}' (expected one of ${Object.keys(CLASSES)
        .map((n) => n.toLowerCase())
        .join(', ')}, or an Optimizer)`,
    );
  }
  return new CLASSES[className]({});
}

/** Rebuilds an optimizer from its saved `{ className, config }`. */
export function optimizerFromConfig(saved: {
  className: string;
  config: Record<string, unknown>;
}): Optimizer {
  const ctor = CLASSES[saved.className];
  if (!ctor) throw new Error(`unknown optimizer class '${saved.className}'`);
  return new ctor({ ...saved.config, learningRate: learningRateFromConfig(saved.config.learningRate) });
}
