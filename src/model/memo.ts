/**
 * A pure function of a string, remembered. The model asks the same question of the same text several times
 * per check (an image reference, a preStop script, a Kubernetes version), and a webhook meets the same texts
 * in object after object. Bounded: a key longer than `maxKeyChars` is not kept, and the table is emptied
 * once it holds `entries`, so inputs that never repeat cannot grow it. The answers are shared, so they are
 * frozen (plain objects and arrays, deeply): a caller that changed one would fail at once, not corrupt the
 * next check.
 *
 * @example
 *   const knowledge = memoized((reference: string) => lookUp(reference));
 *   knowledge("php:8.3-fpm") === knowledge("php:8.3-fpm"); // true
 */
export function memoized<T>(
  compute: (key: string) => T,
  entries = 512,
  maxKeyChars = 512,
): (key: string) => T {
  const table = new Map<string, T>();
  return (key) => {
    const known = table.get(key);
    if (known !== undefined) return known;
    const value = deepFreeze(compute(key));
    if (key.length <= maxKeyChars) {
      if (table.size >= entries) table.clear();
      table.set(key, value);
    }
    return value;
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  const prototype = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
