// A bound on JSON nesting. V8's JSON.parse itself copes with a value 1,000,000 levels deep, but
// everything after it that recurses over the value does not (JSON.stringify of an evidence quote,
// zod, a report): "Maximum call stack size exceeded", with no file named. A bundle file whose
// parsed value nests deeper than this is not read; the loader names it in a problem.

/** Kubernetes objects, CRD schemas included, stay well under a hundred levels. */
export const MAX_JSON_DEPTH = 1000;

export const jsonTooDeepMessage = (max = MAX_JSON_DEPTH): string =>
  `JSON nested deeper than ${max} levels; not read (no collector writes such a file)`;

/**
 * true when a parsed JSON value holds arrays/objects more than `max` levels inside one another.
 * Recursive but bounded: it returns as soon as a level passes `max`, so the stack holds at most
 * `max` + 1 small frames. No arrays are made (Object.values per object made one short-lived array
 * per object of a 15,000-pod list: ~5% of a load's CPU, most of it garbage collection).
 */
export function jsonNestingExceeds(value: unknown, max = MAX_JSON_DEPTH): boolean {
  return value !== null && typeof value === 'object' && exceeds(value, 1, max);
}

function exceeds(v: object, depth: number, max: number): boolean {
  if (depth > max) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const c: unknown = v[i];
      if (c !== null && typeof c === 'object' && exceeds(c, depth + 1, max)) return true;
    }
    return false;
  }
  for (const k in v) {
    const c: unknown = (v as Record<string, unknown>)[k];
    if (c !== null && typeof c === 'object' && exceeds(c, depth + 1, max)) return true;
  }
  return false;
}
