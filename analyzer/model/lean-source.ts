// Where a lean list item (lists.ts projects each item to its schema's keys) came from, and its full
// value read back from the bundle bytes when evidence or a rule pack needs more than the schema:
// the item's span is found by findListItems (cached per buffer) or the spill's remembered spans,
// so quoting one pod of an 81 MB pods.json parses that pod, not the file.
import type { z } from 'zod';
import type { EntryBytes } from '../bundle/entries.js';
import type { Located } from './types.js';
import { compileInPlaceCheck } from '../zod/in-place.js';
import { compileProjector } from '../zod/project.js';
import { listItemAt } from './json-stream-items.js';
import { MAX_TEXT_BYTES } from './decode.js';
import { jsonNestingExceeds } from '../core/json-depth.js';

/** one per loaded list: every lean item of it points here */
export interface ListSource {
  readonly entry: EntryBytes;
  readonly schema: z.ZodType;
  /**
   * loaded by one JSON.parse of the whole file: the span scan may disagree with it (a hostile file
   * with two "items" keys), so a read-back item must project to the lean one. Items loaded from
   * spans are read back from those same spans.
   */
  readonly verify: boolean;
}

const sources = new WeakMap<object, ListSource>();

/** lists.ts: `lean` (a projected item) was item i of `src` (i is in its Located pointer) */
export function rememberSource(lean: object, src: ListSource): void {
  sources.set(lean, src);
}

/**
 * The loaded object as it was before projection (zod defaults filled in, managedFields dropped):
 * what evidence quotes and rule packs see. An object that was never projected is its own full value.
 */
export function fullObject<T>(loc: Located<T>): T {
  const obj = loc.obj as unknown;
  if (obj === null || typeof obj !== 'object') return loc.obj;
  const src = sources.get(obj);
  if (!src) return loc.obj;
  const hit = recent.get(obj);
  if (hit !== undefined) return hit as T;
  const m = /^\/items\/(0|[1-9][0-9]*)$/.exec(loc.ref.pointer);
  const full = m ? reread(src, Number(m[1]), obj) : undefined;
  // never worse than before the projection existed: the lean object at least holds the schema's keys
  const out = full ?? obj;
  recent.set(obj, out);
  if (recent.size > RECENT) recent.delete(recent.keys().next().value as object);
  return out as T;
}

/** rules quote a few places of one object in a row: the last few full objects are kept */
const RECENT = 32;
const recent = new Map<object, unknown>();

/** what lists.ts does to a validated item before projecting it */
export function normalizeItem(schema: z.ZodType, item: unknown): unknown {
  const check = compileInPlaceCheck(schema);
  let v = item;
  if (!check?.(v)) {
    const parsed = schema.safeParse(v);
    if (!parsed.success) return undefined;
    v = parsed.data;
  }
  return dropManagedFields(v);
}

/**
 * metadata.managedFields (server-side apply bookkeeping: often a third of an object as the API
 * server returns it) is read by no rule and was never quoted: set to undefined, not deleted, as
 * a delete would turn every metadata object into a slow dictionary.
 */
export function dropManagedFields<T>(obj: T): T {
  const meta = (obj as { metadata?: { managedFields?: unknown } } | null)?.metadata;
  if (meta !== null && typeof meta === 'object' && meta.managedFields !== undefined) meta.managedFields = undefined;
  return obj;
}

/** item i's full value, or undefined when the bytes there do not project to `lean` */
function reread(src: ListSource, i: number, lean: object): unknown {
  const item = listItemAt(src.entry, i);
  const full = item.found ? normalizeItem(src.schema, item.value) : undefined;
  if (full !== undefined && (!src.verify || sameLean(src, full, lean))) return full;
  // the span scan takes the first "items" key where JSON.parse takes the last (a hostile file):
  // the whole file, as loading parsed it
  const whole = wholeItem(src.entry, i);
  const again = whole && normalizeItem(src.schema, whole());
  return again !== undefined && sameLean(src, again, lean) ? again : undefined;
}

/** `full` projects to exactly the lean object (same keys, same order, same values) */
function sameLean(src: ListSource, full: unknown, lean: object): boolean {
  return JSON.stringify(compileProjector(src.schema, 'copy')(full)) === JSON.stringify(lean);
}

function wholeItem(entry: EntryBytes, i: number): (() => unknown) | undefined {
  if (!Buffer.isBuffer(entry) || entry.length > MAX_TEXT_BYTES) return undefined;
  const text = entry.toString('utf8');
  return () => {
    try {
      const doc = JSON.parse(text) as { items?: unknown[] };
      const item = Array.isArray(doc?.items) ? doc.items[i] : undefined;
      return item === undefined || jsonNestingExceeds(item) ? undefined : item;
    } catch {
      return undefined;
    }
  };
}
