// `kubectl get X -A -o json` lists, validated item by item: a bad item becomes a LoadProblem that
// names the file, the item's JSON pointer and the zod `dot.path: message`; the other items load.
import type { z } from 'zod';
import { KubeListSchema } from './schemas.js';
import type { Located } from './types.js';
import type { BundleReader } from './reader.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { findListItems, parseSpan, rescanListItems, type ItemSpans } from './json-items.js';

/** zod issues as `dot.path: message`, the form users can find in the object */
export function formatZodError(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((i) => {
    const path = i.path.map(String).join('.');
    return path ? `${path}: ${i.message}` : i.message;
  });
  if (error.issues.length > max) parts.push(`(+${error.issues.length - max} more)`);
  return parts.join('; ');
}

function nameOf(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const meta = (item as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
  if (!meta || typeof meta.name !== 'string') return undefined;
  return typeof meta.namespace === 'string' ? `${meta.namespace}/${meta.name}` : meta.name;
}

type ListItem = { readonly item: unknown } | { readonly error: string };

/** the list's items, from one JSON.parse or, for a huge file, item by item from the bytes */
function listItems(reader: BundleReader, path: string): ListItem[] | undefined {
  const buf = reader.raw.files.get(path);
  if (!buf) return undefined;
  if (buf.length > reader.largeJsonBytes) {
    const parseAll = (spans: ItemSpans['spans']): ListItem[] => spans.map((span) => {
      const r = parseSpan(buf, span);
      return r.error === undefined ? { item: r.value } : { error: r.error };
    });
    let found = findListItems(buf);
    let items = found && parseAll(found.spans);
    // spans found line by line are only a guess until they all parse
    if (found?.fromLines && items?.some((x) => 'error' in x)) {
      found = rescanListItems(buf);
      items = found && parseAll(found.spans);
    }
    if (items) return items;
    reader.problems.push({
      bundle: reader.id,
      file: path,
      message: `not a Kubernetes list with an "items" array, or cut off before its end (${buf.length} bytes); collect it again`,
      severity: 'error',
      code: LOAD_PROBLEM_CODES.badJson,
    });
    return undefined;
  }
  const doc = reader.json(path);
  if (doc === undefined) return undefined;
  const list = KubeListSchema.safeParse(doc);
  if (!list.success) {
    reader.problems.push({
      bundle: reader.id,
      file: path,
      pointer: '',
      message: `not a Kubernetes list: ${formatZodError(list.error)}`,
      severity: 'error',
      code: LOAD_PROBLEM_CODES.schema,
    });
    return undefined;
  }
  return list.data.items.map((item) => ({ item }));
}

/** undefined when the file is absent or is not a list at all */
export function loadList<S extends z.ZodType>(reader: BundleReader, path: string, schema: S): Located<z.output<S>>[] | undefined {
  const items = listItems(reader, path);
  if (!items) return undefined;
  const out: Located<z.output<S>>[] = [];
  items.forEach((entry, i) => {
    const pointer = `/items/${i}`;
    const problem = (message: string, code: string) =>
      reader.problems.push({ bundle: reader.id, file: path, pointer, message, severity: 'error', code });
    if ('error' in entry) {
      problem(`${pointer} skipped: not valid JSON (${entry.error})`, LOAD_PROBLEM_CODES.badJson);
      return;
    }
    const parsed = schema.safeParse(entry.item);
    if (parsed.success) {
      out.push({ obj: parsed.data, ref: { bundle: reader.id, path, pointer } });
      return;
    }
    const name = nameOf(entry.item);
    problem(`${pointer}${name ? ` (${name})` : ''} skipped: ${formatZodError(parsed.error)}`, LOAD_PROBLEM_CODES.schema);
  });
  return out;
}

/** a single object file (a ConfigMap); undefined with a problem when it does not fit */
export function loadObject<S extends z.ZodType>(reader: BundleReader, path: string, schema: S): Located<z.output<S>> | undefined {
  const doc = reader.json(path);
  if (doc === undefined) return undefined;
  const parsed = schema.safeParse(doc);
  if (parsed.success) return { obj: parsed.data, ref: { bundle: reader.id, path, pointer: '' } };
  reader.problems.push({
    bundle: reader.id,
    file: path,
    pointer: '',
    message: `skipped: ${formatZodError(parsed.error)}`,
    severity: 'error',
    code: LOAD_PROBLEM_CODES.schema,
  });
  return undefined;
}
