/** Resolves compile's `loss` (a name, a config object or a function) and knows which losses fuse with softmax/sigmoid. */
import { type Tensor } from '@zen/autograd-core';
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
const SIMPLE: Record<SimpleLossName, LossFunction> = {
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
  compute(yTrue: Tensor, yPred: Tensor): Tensor;
  /** The activation whose logits this loss can take directly (cross-entropies from probabilities). */
  fusesWith: FusableActivation | null;
  /** The same loss computed from the logits before `fusesWith`. */
  computeFromLogits(yTrue: Tensor, logits: Tensor): Tensor;
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
        compute: spec,
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
  return { name, config: { name }, compute: fn, fusesWith: null, computeFromLogits: unreachable };
}

function builtin(config: LossConfig): ResolvedLoss {
  const fromLogits = config.fromLogits ?? false;
  const base = { name: config.name, config };
  switch (config.name) {
    case 'meanSquaredError':
    case 'mse':
      return { ...base, compute: losses.meanSquaredError, fusesWith: null, computeFromLogits: unreachable };
    case 'meanAbsoluteError':
    case 'mae':
      return { ...base, compute: losses.meanAbsoluteError, fusesWith: null, computeFromLogits: unreachable };
    case 'huber':
      return {
        ...base,
        compute: (t, p) => losses.huber(t, p, { delta: config.delta }),
        fusesWith: null,
        computeFromLogits: unreachable,
      };
    case 'binaryCrossentropy':
      return {
        ...base,
        compute: (t, p) => losses.binaryCrossentropy(t, p, { fromLogits }),
        fusesWith: fromLogits ? null : 'sigmoid',
        computeFromLogits: (t, z) => losses.binaryCrossentropy(t, z, { fromLogits: true }),
      };
    case 'categoricalCrossentropy': {
      const labelSmoothing = config.labelSmoothing;
      return {
        ...base,
        compute: (t, p) => losses.categoricalCrossentropy(t, p, { fromLogits, labelSmoothing }),
        fusesWith: fromLogits ? null : 'softmax',
        computeFromLogits: (t, z) =>
          losses.categoricalCrossentropy(t, z, { fromLogits: true, labelSmoothing }),
      };
    }
    case 'sparseCategoricalCrossentropy':
      return {
        ...base,
        compute: (t, p) => losses.sparseCategoricalCrossentropy(t, p, { fromLogits }),
        fusesWith: fromLogits ? null : 'softmax',
        computeFromLogits: (t, z) => losses.sparseCategoricalCrossentropy(t, z, { fromLogits: true }),
      };
    default:
      return { ...base, compute: SIMPLE[config.name], fusesWith: null, computeFromLogits: unreachable };
  }
}

function unreachable(): never {
  throw new Error('internal: this loss has no logits form');
}
