/** Activation names between TensorFlow.js/Keras configs and Zen-TS. */
import type { ActivationName } from '../../activations';

/** Zen-TS activations and the names TensorFlow.js writes for them. */
const TFJS_NAMES: [ActivationName, string][] = [
  ['linear', 'linear'],
  ['relu', 'relu'],
  ['sigmoid', 'sigmoid'],
  ['tanh', 'tanh'],
  ['softmax', 'softmax'],
  ['elu', 'elu'],
  ['selu', 'selu'],
  ['softplus', 'softplus'],
  ['softsign', 'softsign'],
  ['relu6', 'relu6'],
  ['swish', 'swish'],
  ['mish', 'mish'],
  ['gelu', 'gelu'],
  ['hardSigmoid', 'hard_sigmoid'],
  ['logSoftmax', 'log_softmax'],
];

/** Spellings compared without case or underscores ('hard_sigmoid' = 'hardSigmoid'). */
const normalize = (name: string): string => name.replace(/_/g, '').toLowerCase();

/** Config names → Zen-TS activations, with the names only Keras writes. */
const FROM_CONFIG = new Map<string, ActivationName>([
  ...TFJS_NAMES.map(([zen, name]) => [normalize(name), zen] as [string, ActivationName]),
  ['silu', 'silu'],
  ['exponential', 'exponential'],
]);

const TO_TFJS = new Map<ActivationName, string>([...TFJS_NAMES, ['silu', 'swish']]);

/**
 * The Zen-TS activation for a config's `activation` (a name in either spelling, or Keras 3's
 * `{ class_name: 'function', config: 'relu' }`), or null when Zen-TS has none.
 * `keras3`: the file comes from Keras 3, whose hard_sigmoid is relu6(x + 3)/6.
 */
export function activationFromConfig(value: unknown, keras3: boolean): ActivationName | null {
  if (value === null || value === undefined) return 'linear';
  const inner = typeof value === 'object' ? (value as { config?: unknown }).config : value;
  if (typeof inner !== 'string') return null;
  const zen = FROM_CONFIG.get(normalize(inner)) ?? null;
  return zen === 'hardSigmoid' && keras3 ? 'hardSigmoidKeras3' : zen;
}

/** The name TensorFlow.js reads for a Zen-TS activation (null: TensorFlow.js has no such activation). */
export function activationToTfjs(name: ActivationName): string | null {
  return TO_TFJS.get(name) ?? null;
}
