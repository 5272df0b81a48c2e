// A bound on JSON nesting, checked on the text before JSON.parse. V8's JSON.parse itself copes
// with a value 1,000,000 levels deep, but everything after it that recurses over the value does not
// (JSON.stringify of an evidence quote, zod, a report): "Maximum call stack size exceeded", with no
// file named. A bundle file nested deeper than this is not read; the loader names it in a problem.

/** Kubernetes objects, CRD schemas included, stay well under a hundred levels. */
export const MAX_JSON_DEPTH = 1000;

export const jsonTooDeepMessage = (max = MAX_JSON_DEPTH): string => `JSON nested deeper than ${max} levels; not read (no collector writes such a file)`;

/**
 * true when the JSON text opens more than `max` arrays/objects inside one another. Linear and
 * iterative: brackets inside strings do not count; malformed text is left to JSON.parse to report.
 */
export function jsonNestingExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  const re = /[[\]{}"]/g;
  let depth = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const c = m[0];
    if (c === '"') {
      // skip the string: up to the next quote not escaped by an odd run of backslashes
      let from = m.index + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) return false;
        let slashes = 0;
        for (let k = q - 1; k > m.index && text.charCodeAt(k) === 92; k--) slashes++;
        if (slashes % 2 === 0) {
          re.lastIndex = q + 1;
          break;
        }
        from = q + 1;
      }
    } else if (c === '[' || c === '{') {
      if (++depth > max) return true;
    } else {
      depth--;
    }
  }
  return false;
}
