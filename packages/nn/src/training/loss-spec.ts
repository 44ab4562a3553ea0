/** Resolves compile's `loss` (a name, a config object or a function) and knows which losses fuse with softmax/sigmoid. */
import { Tensor } from '@zen/autograd-core';
import { FusableActivation } from '../activations';
import * as losses from '../losses';
import { LossFunction } from '../losses';
import { checkLossConfig } from './options';

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

export type LossSpec = LossName | LossConfig | LossFunction;

/** A compiled loss. */
export interface ResolvedLoss {
  /** Display name. */
  name: string;
  /** JSON form for model.json; null for custom functions. */
  config: LossConfig | null;
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
export function resolveLoss(spec: LossSpec): ResolvedLoss {
  let config: LossConfig;
  if (typeof spec === 'function') {
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
    config = { name: spec };
  } else {
    checkLossConfig(spec);
    config = { ...spec };
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
