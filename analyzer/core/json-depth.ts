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
 * Iterative, over the parsed value: on a 50 MB pods list it costs a tenth of the JSON.parse
 * before it (a scan of the text cost as much as the parse).
 */
export function jsonNestingExceeds(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: object[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop()!;
    const d = depths.pop()!;
    if (d > max) return true;
    const children: readonly unknown[] = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) {
      if (c !== null && typeof c === 'object') {
        stack.push(c);
        depths.push(d + 1);
      }
    }
  }
  return false;
}
