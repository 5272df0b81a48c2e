// `kubectl get X -A -o json` lists, validated item by item: a bad item becomes a LoadProblem that
// names the file, the item's JSON pointer and the zod `dot.path: message`; the other items load.
import type { z } from 'zod';
import { KubeListSchema } from './schemas.js';
import type { Located } from './types.js';
import type { LoadProblem } from '../core/problem.js';
import type { BundleReader } from './reader.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { findListItems, parseSpan, rescanListItems, type ItemSpans } from './json-items.js';
import { compileInPlaceCheck, safeParseInPlace } from '../zod/in-place.js';
import { entryOf, type EntryBytes } from '../bundle/entries.js';
import type { SpilledEntry } from '../bundle/spill.js';
import type { RawBundle } from '../bundle/types.js';
import { ListStream, rememberSpans, WINDOW_BYTES } from './json-stream-items.js';
import { compileProjector } from '../zod/project.js';
import { dropManagedFields, rememberSource, type ListSource } from './lean-source.js';
import { pushAll } from '../core/arrays.js';

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

/**
 * The list's items as a lazy sequence: one JSON.parse or, for a huge file, one item at a time from
 * the bytes. Lazy so a caller can validate each item while it is young: parsing all 150,000 pods
 * first and validating after kept two copies of every pod alive at once (the parsed one and
 * zod's), which doubled the peak heap and made most of the garbage collector's work.
 */
function listItems(
  reader: BundleReader,
  path: string,
): { items: Iterable<ListItem>; fromLines: boolean; whole: boolean } | undefined {
  const buf = reader.raw.files.get(path);
  if (!buf && !reader.raw.spilled?.has(path)) return undefined;
  // a spilled list no larger than largeJsonBytes is read back whole below (reader.json), as in memory
  if (buf && buf.length > reader.largeJsonBytes) {
    const found = findListItems(buf);
    if (found) return { items: spanItems(buf, found.spans), fromLines: found.fromLines === true, whole: false };
    reader.problems.push(notAList(reader, path, buf.length));
    return undefined;
  }
  const doc = reader.json(path);
  if (doc === undefined) return undefined;
  const list = safeParseInPlace(KubeListSchema, doc);
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
  return { items: list.data.items.map((item) => ({ item })), fromLines: false, whole: true };
}

function* streamedItems(stream: ListStream): Generator<ListItem> {
  for (const it of stream.items()) {
    const r = parseSpan(it.buf, [it.start, it.end]);
    yield r.error === undefined ? { item: r.value } : { error: r.error };
  }
}

/**
 * A spilled list larger than largeJsonBytes: items parsed and validated window by window. Whether
 * it is a list at all is known only at its end, so its items and problems are kept back until then:
 * a cut-off or non-list file gives the same single problem as in memory, and no items.
 */
function loadSpilledList<S extends z.ZodType>(
  reader: BundleReader,
  path: string,
  schema: S,
  entry: SpilledEntry,
): Located<z.output<S>>[] | undefined {
  // line-guided first (as findListItems); byte by byte when not line-shaped or an item did not parse
  let stream = new ListStream(entry, spillWindowBytes, true);
  let problems: LoadProblem[] = [];
  let loaded = validateItems(reader, path, schema, streamedItems(stream), true, problems);
  if (loaded === RESCAN || stream.notLineShaped) {
    stream = new ListStream(entry, spillWindowBytes, false);
    problems = [];
    loaded = validateItems(reader, path, schema, streamedItems(stream), false, problems);
  }
  rememberSpans(entry, stream);
  if (!stream.ok || loaded === RESCAN) {
    reader.problems.push(notAList(reader, path, entry.length));
    return undefined;
  }
  pushAll(reader.problems, problems);
  return loaded;
}

let spillWindowBytes = WINDOW_BYTES;
/** tests: a small window puts item and string boundaries across windows */
export function setSpillWindowBytes(n: number = WINDOW_BYTES): void {
  spillWindowBytes = n;
}

function* spanItems(buf: Buffer, spans: ItemSpans['spans']): Generator<ListItem> {
  for (const span of spans) {
    const r = parseSpan(buf, span);
    yield r.error === undefined ? { item: r.value } : { error: r.error };
  }
}

function notAList(reader: BundleReader, path: string, bytes: number): LoadProblem {
  return {
    bundle: reader.id,
    file: path,
    message: `not a Kubernetes list with an "items" array, or cut off before its end (${bytes} bytes); collect it again`,
    severity: 'error',
    code: LOAD_PROBLEM_CODES.badJson,
  };
}

/** a list loaded while its bundle was still being read (loadEarly), waiting for loadList */
interface EarlyList {
  readonly bundle: string;
  readonly path: string;
  readonly schema: z.ZodType;
  readonly largeJsonBytes: number;
  readonly items: Located<unknown>[] | undefined;
  readonly problems: readonly LoadProblem[];
}

const early = new WeakMap<EntryBytes, EarlyList>();

/**
 * Load a list from its bytes now, before the rest of its bundle is read (loadSnapshot calls this
 * from the reader's onFile). loadList later takes the result instead of doing the work again.
 * Returns the items too (conflicts.ts compares the node list that cluster.ts then takes).
 */
export function loadListEarly(reader: BundleReader, path: string, schema: z.ZodType): Located<unknown>[] | undefined {
  const buf = entryOf(reader.raw, path);
  if (!buf) return undefined;
  const items = loadList(reader, path, schema);
  early.set(buf, {
    bundle: reader.id,
    path,
    schema,
    largeJsonBytes: reader.largeJsonBytes,
    items,
    problems: reader.problems,
  });
  return items;
}

function takeEarly(reader: BundleReader, path: string, schema: z.ZodType): EarlyList | undefined {
  const buf = entryOf(reader.raw, path);
  const e = buf && early.get(buf);
  if (!buf || !e) return undefined;
  early.delete(buf);
  const same =
    e.bundle === reader.id && e.path === path && e.schema === schema && e.largeJsonBytes === reader.largeJsonBytes;
  return same ? e : undefined;
}

/** undefined when the file is absent or is not a list at all */
export function loadList<S extends z.ZodType>(
  reader: BundleReader,
  path: string,
  schema: S,
): Located<z.output<S>>[] | undefined {
  const done = takeEarly(reader, path, schema);
  if (done) {
    pushAll(reader.problems, done.problems);
    return done.items as Located<z.output<S>>[] | undefined;
  }
  const spilled = reader.raw.spilled?.get(path);
  if (spilled && spilled.length > reader.largeJsonBytes) return loadSpilledList(reader, path, schema, spilled);
  const list = listItems(reader, path);
  if (!list) return undefined;
  const loaded = validateItems(reader, path, schema, list.items, list.fromLines, reader.problems, list.whole);
  if (loaded !== RESCAN) return loaded;
  // spans found line by line are only a guess until they all parse: find them byte by byte
  const buf = reader.raw.files.get(path) as Buffer;
  const found = rescanListItems(buf);
  if (!found) {
    reader.problems.push(notAList(reader, path, buf.length));
    return undefined;
  }
  return validateItems(reader, path, schema, spanItems(buf, found.spans), false) as Located<z.output<S>>[];
}

const RESCAN = Symbol('rescan');

let fullObjects = false;
const fullRaws = new WeakSet<RawBundle>();

/**
 * Keep whole objects for the lists of this bundle (loadSnapshot's fullObjects, for rule packs:
 * their JSONPaths may name any field, and reading 15,000 pods back one by one for the pack view
 * cost more CPU and more heap than loading them whole; docs/lean-objects.md).
 */
export function keepFullObjects(raw: RawBundle): void {
  fullRaws.add(raw);
}
let audit: ((schema: z.ZodType, lean: unknown) => unknown) | undefined;

/**
 * Tests only: load whole objects, as before projection (lean-objects.test.ts compares the reports),
 * and/or pass each lean object through `hook` (an audit Proxy that records reads the schema does
 * not declare).
 */
export function setLeanObjects(
  opts: { full?: boolean; audit?: (schema: z.ZodType, lean: unknown) => unknown; minBytes?: number } = {},
): void {
  fullObjects = opts.full === true;
  audit = opts.audit;
  leanMinBytes = opts.minBytes;
}

/**
 * Lists larger than this are kept lean; smaller ones whole. Default: the reader's largeJsonBytes
 * (256 MiB), the lists split item by item because they are too large to parse whole, whose item
 * spans are therefore known. Measured (docs/lean-objects.md): at L (pods.json ~800 MB) lean pods
 * take ~140 MB off the heap and ~130 MB off peak RSS at the same CPU; at M (pods.json 81 MB) lean
 * objects cost ~15-20% more CPU (the projection, and finding item spans again for every evidence
 * quote) for no target, so lists of that size stay whole. Tests set 0 to make every list lean.
 */
let leanMinBytes: number | undefined;

/**
 * The object kept for the run: only the schema's keys (project.ts), which is what rules read; the
 * full value is read back from `src` by fullObject (lean-source.ts) for evidence and rule packs.
 * metadata.managedFields is never part of it (see dropManagedFields).
 */
function keep<T>(item: T, schema: z.ZodType, src: ListSource | undefined): T {
  const obj = dropManagedFields(item);
  if (fullObjects || !src) return obj;
  const lean = compileProjector(schema)(obj);
  const out = audit ? audit(schema, lean) : lean;
  if (out !== null && typeof out === 'object') rememberSource(out, src);
  return out as T;
}

/** validate each item as it is parsed; RESCAN when a guessed span did not parse */
function validateItems<S extends z.ZodType>(
  reader: BundleReader,
  path: string,
  schema: S,
  items: Iterable<ListItem>,
  guessedSpans: boolean,
  sink: LoadProblem[] = reader.problems,
  /** parsed by one JSON.parse of the file, not from item spans: a read-back item is checked against it */
  whole = false,
): Located<z.output<S>>[] | typeof RESCAN {
  const problems: LoadProblem[] = [];
  const out: Located<z.output<S>>[] = [];
  // the item itself when it passes (no copy); safeParse only for the rest, for zod's message
  const check = compileInPlaceCheck(schema);
  const bytes = entryOf(reader.raw, path);
  const lean =
    bytes !== undefined && !fullRaws.has(reader.raw) && bytes.length > (leanMinBytes ?? reader.largeJsonBytes);
  const src: ListSource | undefined = lean ? { entry: bytes, schema, verify: whole } : undefined;
  let i = 0;
  for (const entry of items) {
    const pointer = `/items/${i++}`;
    const problem = (message: string, code: string) =>
      problems.push({ bundle: reader.id, file: path, pointer, message, severity: 'error', code });
    if ('error' in entry) {
      if (guessedSpans) return RESCAN;
      problem(`${pointer} skipped: not valid JSON (${entry.error})`, LOAD_PROBLEM_CODES.badJson);
      continue;
    }
    if (check?.(entry.item)) {
      out.push({ obj: keep(entry.item as z.output<S>, schema, src), ref: { bundle: reader.id, path, pointer } });
      continue;
    }
    const parsed = schema.safeParse(entry.item);
    if (parsed.success) {
      out.push({ obj: keep(parsed.data, schema, src), ref: { bundle: reader.id, path, pointer } });
      continue;
    }
    const name = nameOf(entry.item);
    problem(
      `${pointer}${name ? ` (${name})` : ''} skipped: ${formatZodError(parsed.error)}`,
      LOAD_PROBLEM_CODES.schema,
    );
  }
  pushAll(sink, problems);
  return out;
}

/** a single object file (a ConfigMap); undefined with a problem when it does not fit */
export function loadObject<S extends z.ZodType>(
  reader: BundleReader,
  path: string,
  schema: S,
): Located<z.output<S>> | undefined {
  const doc = reader.json(path);
  if (doc === undefined) return undefined;
  const parsed = safeParseInPlace(schema, doc);
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
