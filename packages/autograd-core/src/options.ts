/**
 * Checking options objects: every public function or constructor taking `{ … }` calls
 * `checkOptions` once, so a misspelt key (`lr`, `batch_size`) or a positional value
 * (`new Adam(0.01)`) is an error naming the nearest valid option instead of being ignored.
 */

/** How a call site spells itself in messages and which option a lone positional value means. */
export interface OptionsOwner {
  /** How the call is written, e.g. 'new Adam' or 'model.fit'. */
  call: string;
  /** The option a positional value most likely meant (Keras's first positional argument). */
  positional?: string;
  /** Where the options object is in the call's arguments, to write the corrected call ('x, y, ' for fit). */
  before?: string;
}

/**
 * Throws when `options` is not a plain object (or undefined), or holds a key outside
 * `names`. The message names the nearest valid option, or how to write the call.
 */
export function checkOptions(owner: OptionsOwner, options: unknown, names: Iterable<string>): void {
  if (options === undefined) return;
  const valid = [...names];
  if (!isPlainObject(options)) {
    const shown = showValue(options);
    const key = owner.positional ?? valid[0];
    const hint = key
      ? `${owner.call}(${owner.before ?? ''}{ ${key}: ${shown} })`
      : `${owner.call}(${owner.before ?? ''}{ … })`;
    throw new Error(
      `${owner.call}: expected an options object, got ${describeValue(options)} ${shown}; write ${hint}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    const near = nearestName(key, valid);
    const suggestion = near ? `; did you mean '${near}'?` : '';
    throw new Error(
      `${owner.call}: unknown option '${key}'${suggestion} (valid options: ${valid.join(', ') || 'none'})`,
    );
  }
}

/** Common spellings from Keras (Python) and TensorFlow.js that are not near their Zen-TS names. */
const ALIASES: Record<string, string> = {
  lr: 'learningRate',
  nbEpoch: 'epochs',
  nbEpochs: 'epochs',
  epoch: 'epochs',
  batch: 'batchSize',
  sampleWeights: 'sampleWeight',
  classWeights: 'classWeight',
  validation: 'validationData',
  valData: 'validationData',
  kernelInitialiser: 'kernelInitializer',
  biasInitialiser: 'biasInitializer',
  inputDim: 'inputShape',
  batchInputShape: 'inputShape',
  stride: 'strides',
  kernel: 'kernelSize',
  useBiases: 'useBias',
  optimiser: 'optimizer',
  metric: 'metrics',
  losses: 'loss',
  // Keras's and tfjs's names of fit's dataset options, each pointing to the other.
  stepsPerEpoch: 'batchesPerEpoch',
  batchesPerEpoch: 'stepsPerEpoch',
  validationSteps: 'validationBatches',
  validationBatches: 'validationSteps',
};

/** The valid name a key most likely meant: snake_case → camelCase, known aliases, then edit distance. */
export function nearestName(key: string, valid: readonly string[]): string | null {
  const camel = key.replace(/_+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
  const lower = (s: string) => s.toLowerCase();
  const exact = valid.find((v) => lower(v) === lower(camel));
  if (exact) return exact;
  const alias = ALIASES[camel];
  if (alias && valid.includes(alias)) return alias;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const name of valid) {
    const d = editDistance(lower(camel), lower(name));
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  // Close enough to be a typo: a couple of edits, or one name containing the other.
  const limit = Math.max(2, Math.floor(camel.length / 3));
  if (best && bestDistance <= limit) return best;
  const containing = valid.find((v) => lower(v).includes(lower(camel)) || lower(camel).includes(lower(v)));
  return camel.length >= 3 && containing ? containing : null;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}

function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value).slice(0, 40);
  if (typeof value === 'object' && value !== null) return '…';
  return String(value);
}
