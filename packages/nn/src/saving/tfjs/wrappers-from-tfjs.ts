/**
 * TimeDistributed and Bidirectional configs → Zen-TS: the wrapped layer is read like any
 * other layer (its problems reported under the wrapper's name).
 */
import type { KerasObject } from './format';
import type { Args, Converter, LayerPlan, SourceInfo } from './layers-from-tfjs';
import type { OptionReader } from './options';

type PlanLayer = (entry: KerasObject, source: SourceInfo) => LayerPlan;

/** The wrapped layer as `{ className, config }`, its problems recorded on the wrapper. */
function wrapped(o: OptionReader, source: SourceInfo, plan: PlanLayer): Args | null {
  const entry = o.get('layer') as KerasObject | undefined;
  if (!entry || typeof entry !== 'object') {
    o.refuse('no wrapped layer');
    return null;
  }
  const inner = plan(entry, source);
  for (const problem of inner.problems) o.refuse(`wrapped ${inner.sourceClass} '${inner.name}': ${problem}`);
  if (!inner.className) return null;
  const config = { ...inner.config! };
  delete config.inputShape;
  return { className: inner.className, config };
}

export function wrapperConverters(plan: PlanLayer): Record<string, Converter> {
  return {
    TimeDistributed: (o, source) => ['TimeDistributed', { layer: wrapped(o, source, plan) }],
    Bidirectional: (o, source) => {
      const layer = wrapped(o, source, plan);
      const mergeMode = o.get('mergeMode') ?? 'concat';
      if (!['concat', 'sum', 'mul', 'ave'].includes(mergeMode as string))
        o.refuse(`merge_mode = ${JSON.stringify(mergeMode)}`);
      o.requireDefault('backwardLayer');
      return ['Bidirectional', { layer, mergeMode }];
    },
  };
}
