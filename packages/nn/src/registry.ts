/**
 * The one registry style (layers, models, optimisers, losses, schedules, …):
 * `register(Ctor)` under the class's `static className`, or `register(name, value)`;
 * lookups by exact name, or case-insensitively for names users type ('adam').
 */
import { ValueError } from '@zen/autograd-core';

/** A class (or function) that may carry its registered name as `static className`. */
export type Registrable = { readonly className?: unknown } & (
  (abstract new (...args: never[]) => unknown) | ((...args: never[]) => unknown)
);

/** The `static className` of a class, or null. */
export function staticClassName(value: unknown): string | null {
  if (typeof value !== 'function') return null;
  const name: unknown = (value as { className?: unknown }).className;
  return typeof name === 'string' && name !== '' ? name : null;
}

/** A registry's public register function: by the value's `className`, or under a name. */
export interface RegisterFunction<V> {
  (value: V): void;
  (name: string, value: V): void;
}

export class Registry<V extends Registrable> {
  private readonly entries = new Map<string, V>();

  /**
   * @param kind what is registered, for messages ('layer', 'optimizer')
   * @param registerName the public register function, for messages ('registerLayer')
   */
  constructor(
    readonly kind: string,
    readonly registerName: string,
  ) {}

  /** Registers `value` under its `static className`, or under `name`. */
  register(nameOrValue: string | V, value?: V): void {
    if (typeof nameOrValue === 'string') {
      if (typeof value !== 'function') {
        throw new ValueError(
          `${this.registerName}('${nameOrValue}', …): the second argument must be a ${this.kind} class or function, got ${typeof value}`,
        );
      }
      this.entries.set(nameOrValue, value);
      return;
    }
    const className = staticClassName(nameOrValue);
    if (className === null) {
      const what =
        typeof nameOrValue === 'function' ? nameOrValue.name || 'an anonymous class' : typeof nameOrValue;
      throw new ValueError(
        `${this.registerName}: ${what} has no static className; declare \`static readonly className = '${
          typeof nameOrValue === 'function' && nameOrValue.name ? nameOrValue.name : 'MyClass'
        }'\` or call ${this.registerName}(name, ${this.kind} class)`,
      );
    }
    this.entries.set(className, nameOrValue);
  }

  /** `register` as a standalone function, for a public `registerX`. */
  registerFunction(): RegisterFunction<V> {
    return (nameOrValue: string | V, value?: V) => this.register(nameOrValue, value);
  }

  /** The value registered under exactly `name`, or undefined. */
  get(name: string): V | undefined {
    return this.entries.get(name);
  }

  /** The entry whose name matches ignoring case and underscores ('adam', 'mean_squared_error'). */
  find(name: string): [string, V] | undefined {
    const key = name.replace(/_/g, '').toLowerCase();
    for (const entry of this.entries) if (entry[0].replace(/_/g, '').toLowerCase() === key) return entry;
    return undefined;
  }

  /** The value registered under `name`, or an error listing what is registered. */
  require(name: string, where = ''): V {
    const value = this.entries.get(name) ?? this.find(name)?.[1];
    if (value === undefined) {
      throw new ValueError(
        `${where}unknown ${this.kind} '${name}' (registered: ${this.names().join(', ')}); ` +
          `register custom ${this.kind}s with ${this.registerName}`,
      );
    }
    return value;
  }

  /** The first name `value` is registered under, or undefined. */
  nameOf(value: V): string | undefined {
    for (const [key, entry] of this.entries) if (entry === value) return key;
    return undefined;
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.entries.keys()].sort();
  }
}
