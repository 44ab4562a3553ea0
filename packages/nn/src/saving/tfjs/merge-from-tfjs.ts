/** Merge layer configs (Add, …, Concatenate, Dot) → Zen-TS; they hold no weights. */
import type { Converter } from './layers-from-tfjs';

/** Elementwise merges, whose configs hold nothing but the name. */
export const ELEMENTWISE_MERGES = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'];

export const MERGE_CONVERTERS: Record<string, Converter> = {
  ...Object.fromEntries(ELEMENTWISE_MERGES.map((name): [string, Converter] => [name, () => [name, {}]])),
  Concatenate: (o) => ['Concatenate', { axis: o.number('axis', -1) }],
  Dot: (o) => {
    const axes = o.get('axes');
    const ok =
      Number.isInteger(axes) || (Array.isArray(axes) && axes.length === 2 && axes.every(Number.isInteger));
    if (!ok) o.refuse(`axes = ${JSON.stringify(axes)}`);
    return ['Dot', { axes: ok ? axes : -1, normalize: o.boolean('normalize', false) }];
  },
};
