/**
 * TimeDistributed and Bidirectional configs → Zen-TS: the wrapped layer is read like any
 * other layer (its problems reported under the wrapper's name).
 */
import { type KerasObject, classNameOf } from './format';
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

/** A config without the keys a backward copy changes (its name, and go_backwards). */
function comparable(entry: unknown): string {
  const {
    name: _n,
    go_backwards: _g,
    goBackwards: _gb,
    ...rest
  } = ((entry as KerasObject)?.config ?? {}) as Record<string, unknown>;
  return JSON.stringify([classNameOf(entry), rest]);
}

/** Keras 3 always writes `backward_layer`: accepted when it is the forward layer run backwards. */
function checkBackwardLayer(o: OptionReader): void {
  const backward = o.get('backwardLayer');
  if (backward === undefined || backward === null) return;
  const config = ((backward as KerasObject).config ?? {}) as Record<string, unknown>;
  const reversed = config.go_backwards ?? config.goBackwards;
  if (comparable(backward) !== comparable(o.get('layer')) || reversed !== true)
    o.refuse('backward_layer differs from the wrapped layer run backwards');
}

export function wrapperConverters(plan: PlanLayer): Record<string, Converter> {
  return {
    TimeDistributed: (o, source) => ['TimeDistributed', { layer: wrapped(o, source, plan) }],
    Bidirectional: (o, source) => {
      const layer = wrapped(o, source, plan);
      const mergeMode = o.get('mergeMode') ?? 'concat';
      if (!['concat', 'sum', 'mul', 'ave'].includes(mergeMode as string))
        o.refuse(`merge_mode = ${JSON.stringify(mergeMode)}`);
      checkBackwardLayer(o);
      return ['Bidirectional', { layer, mergeMode }];
    },
  };
}
