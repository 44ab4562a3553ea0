/** Resolves compile's `loss` (a name, a config object or a function) and knows which losses fuse with softmax/sigmoid. */
import { type Tensor, ValueError } from '@zen/autograd-core';
import { type LossOptions, reduceLoss } from '../loss-weights';
import { type FusableActivation } from '../activations';
import * as losses from '../losses';
import { type LossFunction } from '../losses';
import { checkLossConfig } from './options';
import { Registry } from '../registry';

export type LossName =
  | 'meanSquaredError'
  | 'mse'
  | 'meanAbsoluteError'
  | 'mae'
  | 'huber'
  | 'binaryCrossentropy'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy'
  | SimpleLossName;

/** Losses without options, computed by the function of the same name in `losses`. */
type SimpleLossName =
  'kld' | 'hinge' | 'squaredHinge' | 'categoricalHinge' | 'logcosh' | 'poisson' | 'cosineSimilarity';
const SIMPLE: Record<SimpleLossName, (t: Tensor, p: Tensor, o: LossOptions) => Tensor> = {
  kld: losses.kld,
  hinge: losses.hinge,
  squaredHinge: losses.squaredHinge,
  categoricalHinge: losses.categoricalHinge,
  logcosh: losses.logcosh,
  poisson: losses.poisson,
  cosineSimilarity: losses.cosineSimilarity,
};

/** A built-in loss with options, e.g. `{ name: 'sparseCategoricalCrossentropy', fromLogits: true }`. */
export interface LossConfig {
  name: LossName;
  fromLogits?: boolean;
  labelSmoothing?: number;
  delta?: number;
}

/** A loss as model.json stores it: a built-in config, or the name of a registered loss. */
export type SavedLoss = LossConfig | { name: string };

/** A loss as compile takes it; a string that is not a built-in name must be registered (registerLoss). */
export type LossSpec = LossName | LossConfig | LossFunction | SavedLoss | (string & {});

/** A user loss, optionally naming itself with a `className` property. */
export type RegisteredLoss = LossFunction & { readonly className?: unknown };

const customLosses = new Registry<RegisteredLoss>('loss', 'registerLoss');

/**
 * Registers a loss function so compile takes its name and a model compiled with it saves
 * and loads: `registerLoss('myLoss', fn)`, or `registerLoss(fn)` with `fn.className` set.
 */
export function registerLoss(fn: RegisteredLoss): void;
export function registerLoss(name: string, fn: RegisteredLoss): void;
export function registerLoss(nameOrFn: string | RegisteredLoss, fn?: RegisteredLoss): void {
  customLosses.register(nameOrFn, fn);
}

/** A compiled loss. */
export interface ResolvedLoss {
  /** Display name. */
  name: string;
  /** JSON form for model.json; null for unregistered custom functions. */
  config: SavedLoss | null;
  /** The batch loss; with `sampleWeight` ([N]) the weighted one (loss-weights.ts). */
  compute(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): Tensor;
  /** The activation whose logits this loss can take directly (cross-entropies from probabilities). */
  fusesWith: FusableActivation | null;
  /** The same loss computed from the logits before `fusesWith`. */
  computeFromLogits(yTrue: Tensor, logits: Tensor, sampleWeight?: Tensor): Tensor;
}

const CANONICAL: Record<string, LossName> = {
  meansquarederror: 'meanSquaredError',
  mse: 'meanSquaredError',
  meanabsoluteerror: 'meanAbsoluteError',
  mae: 'meanAbsoluteError',
  huber: 'huber',
  huberloss: 'huber',
  binarycrossentropy: 'binaryCrossentropy',
  categoricalcrossentropy: 'categoricalCrossentropy',
  sparsecategoricalcrossentropy: 'sparseCategoricalCrossentropy',
  kld: 'kld',
  kldivergence: 'kld',
  kullbackleiblerdivergence: 'kld',
  hinge: 'hinge',
  squaredhinge: 'squaredHinge',
  categoricalhinge: 'categoricalHinge',
  logcosh: 'logcosh',
  poisson: 'poisson',
  cosinesimilarity: 'cosineSimilarity',
};

/** Canonical name of a built-in loss ('mean_squared_error', 'mse' → 'meanSquaredError'), or null. */
function canonicalName(name: string): LossName | null {
  return CANONICAL[name.replace(/_/g, '').toLowerCase()] ?? null;
}

function builtinName(fn: LossFunction): LossName | null {
  for (const name of Object.values(CANONICAL))
    if ((losses as Record<string, unknown>)[name] === fn) return name;
  return null;
}

/** Resolves a loss spec; throws naming the unknown loss. */
export function resolveLoss(spec: LossSpec | string): ResolvedLoss {
  let config: LossConfig;
  const registered = registeredLoss(spec);
  if (registered) return registered;
  if (isFunction(spec)) {
    const name = builtinName(spec);
    if (!name) {
      return {
        name: spec.name || 'loss',
        config: null,
        compute: customCompute(spec.name || 'loss', spec),
        fusesWith: null,
        computeFromLogits: () => {
          throw new Error('internal: a custom loss has no logits form');
        },
      };
    }
    config = { name };
  } else if (typeof spec === 'string') {
    config = { name: spec as LossName };
  } else {
    checkLossConfig(spec);
    config = { ...spec } as LossConfig;
  }
  const name = canonicalName(config.name);
  if (!name) {
    throw new Error(
      `unknown loss '${config.name}' (expected one of ${[...new Set(Object.values(CANONICAL))].join(', ')}, or a function)`,
    );
  }
  config.name = name;
  return builtin(config as LossConfig & { name: LossName });
}

function isFunction(spec: LossSpec | string): spec is LossFunction {
  return typeof spec === 'function';
}

/** A registered custom loss named (or given) by `spec`, or null. */
function registeredLoss(spec: LossSpec | string): ResolvedLoss | null {
  let name: string | undefined;
  let fn: RegisteredLoss | undefined;
  if (isFunction(spec)) {
    name = customLosses.names().find((n) => customLosses.get(n) === spec);
    fn = spec;
  } else {
    name = typeof spec === 'string' ? spec : spec.name;
    fn = customLosses.get(name);
  }
  if (name === undefined || fn === undefined) return null;
  return {
    name,
    config: { name },
    compute: customCompute(name, fn),
    fusesWith: null,
    computeFromLogits: unreachable,
  };
}

function builtin(config: LossConfig): ResolvedLoss {
  const fromLogits = config.fromLogits ?? false;
  const base = { name: config.name, config };
  switch (config.name) {
    case 'meanSquaredError':
    case 'mse':
      return {
        ...base,
        compute: (t, p, w) => losses.meanSquaredError(t, p, { sampleWeight: w }),
        fusesWith: null,
        computeFromLogits: unreachable,
      };
    case 'meanAbsoluteError':
    case 'mae':
      return {
        ...base,
        compute: (t, p, w) => losses.meanAbsoluteError(t, p, { sampleWeight: w }),
        fusesWith: null,
        computeFromLogits: unreachable,
      };
    case 'huber':
      return {
        ...base,
        compute: (t, p, w) => losses.huber(t, p, { delta: config.delta, sampleWeight: w }),
        fusesWith: null,
        computeFromLogits: unreachable,
      };
    case 'binaryCrossentropy':
      return {
        ...base,
        compute: (t, p, w) => losses.binaryCrossentropy(t, p, { fromLogits, sampleWeight: w }),
        fusesWith: fromLogits ? null : 'sigmoid',
        computeFromLogits: (t, z, w) =>
          losses.binaryCrossentropy(t, z, { fromLogits: true, sampleWeight: w }),
      };
    case 'categoricalCrossentropy': {
      const labelSmoothing = config.labelSmoothing;
      return {
        ...base,
        compute: (t, p, w) =>
          losses.categoricalCrossentropy(t, p, { fromLogits, labelSmoothing, sampleWeight: w }),
        fusesWith: fromLogits ? null : 'softmax',
        computeFromLogits: (t, z, w) =>
          losses.categoricalCrossentropy(t, z, { fromLogits: true, labelSmoothing, sampleWeight: w }),
      };
    }
    case 'sparseCategoricalCrossentropy':
      return {
        ...base,
        compute: (t, p, w) => losses.sparseCategoricalCrossentropy(t, p, { fromLogits, sampleWeight: w }),
        fusesWith: fromLogits ? null : 'softmax',
        computeFromLogits: (t, z, w) =>
          losses.sparseCategoricalCrossentropy(t, z, { fromLogits: true, sampleWeight: w }),
      };
    default:
      return {
        ...base,
        compute: (t, p, w) => SIMPLE[config.name as SimpleLossName](t, p, { sampleWeight: w }),
        fusesWith: null,
        computeFromLogits: unreachable,
      };
  }
}

/**
 * A user's loss function: a scalar (already averaged over the batch) is used as it is; one
 * value per sample (Keras's convention) is averaged here, weighted when sample weights are given.
 */
function customCompute(name: string, fn: LossFunction): ResolvedLoss['compute'] {
  return (yTrue, yPred, sampleWeight) => {
    const value = fn(yTrue, yPred);
    if (value.ndim > 0) return reduceLoss(name, value, sampleWeight);
    if (sampleWeight) {
      throw new ValueError(
        `loss '${name}' returns one value for the whole batch, so sampleWeight/classWeight cannot weight ` +
          'its samples: return one loss per sample (shape [batch]); fit then averages them, as Keras does',
      );
    }
    return value;
  };
}

function unreachable(): never {
  throw new Error('internal: this loss has no logits form');
}
