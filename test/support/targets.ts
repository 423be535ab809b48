import type { Target } from '../../src/core/target/target';

/** A target that behaves like `base` except for the methods given: for failures a real disk will not produce on demand. */
export function overriding(base: Target, overrides: Partial<Target>): Target {
  return new Proxy(base, {
    get(target, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof Target];
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
