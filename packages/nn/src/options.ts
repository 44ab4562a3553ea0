/**
 * Option names of nn's public constructors and methods, checked once per call with
 * autograd-core's `checkOptions`: unknown keys and positional values are errors.
 * Classes list their own options in `static readonly optionNames`; base classes
 * (Layer, Optimizer) check the list of the class actually constructed.
 */
import { checkOptions } from '@zen/autograd-core';

/** Keys of T that a list K does not name (never when K is complete). */
type Missing<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;

/**
 * The option names of an args interface, as a runtime list. The compiler checks the
 * list is complete: `optionNames<DenseArgs, LayerArgs>()(['units', 'activation'])` fails
 * to compile while DenseArgs has a key, other than LayerArgs's, that the list lacks. List first the option a lone
 * positional value means (Keras's first positional argument: units, filters, rate, …).
 */
export function optionNames<T, Base = object>() {
  type Own = Omit<T, keyof Base>;
  return <const K extends readonly (keyof Own & string)[]>(
    names: K & ([Missing<Own, K>] extends [never] ? unknown : { missingOptions: Missing<Own, K> }),
  ): readonly string[] => names;
}

/** A class whose instances take an options object described by `optionNames`. */
export type OptionsClass = abstract new (...args: never[]) => unknown;

/**
 * Checks the options object given to `new ctor(…)`. `base` are the options every
 * subclass shares; `positional` the one a lone value means (default: the class's first). A subclass that does not declare its own `optionNames` (a user's
 * custom layer with options of its own) only gets the positional-value check.
 */
export function checkClassOptions(
  ctor: OptionsClass,
  args: unknown,
  base: readonly string[],
  positional?: string,
): void {
  const own = Object.prototype.hasOwnProperty.call(ctor, 'optionNames')
    ? (ctor as unknown as { optionNames: readonly string[] }).optionNames
    : null;
  const owner = { call: `new ${ctor.name}`, positional: positional ?? own?.[0] ?? base[0] };
  if (own) checkOptions(owner, args, [...own, ...base]);
  else if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    checkOptions(owner, args, base);
  }
}
