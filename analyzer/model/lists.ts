// `kubectl get X -A -o json` lists, validated item by item: a bad item becomes a LoadProblem that
// names the file, the item's JSON pointer and the zod `dot.path: message`; the other items load.
import type { z } from 'zod';
import { KubeListSchema } from './schemas.js';
import type { Located } from './types.js';
import type { BundleReader } from './reader.js';
import { LOAD_PROBLEM_CODES } from './codes.js';

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

/** undefined when the file is absent or is not a list at all */
export function loadList<S extends z.ZodType>(reader: BundleReader, path: string, schema: S): Located<z.output<S>>[] | undefined {
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
  const out: Located<z.output<S>>[] = [];
  list.data.items.forEach((item, i) => {
    const pointer = `/items/${i}`;
    const parsed = schema.safeParse(item);
    if (parsed.success) {
      out.push({ obj: parsed.data, ref: { bundle: reader.id, path, pointer } });
      return;
    }
    const name = nameOf(item);
    reader.problems.push({
      bundle: reader.id,
      file: path,
      pointer,
      message: `${pointer}${name ? ` (${name})` : ''} skipped: ${formatZodError(parsed.error)}`,
      severity: 'error',
      code: LOAD_PROBLEM_CODES.schema,
    });
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
