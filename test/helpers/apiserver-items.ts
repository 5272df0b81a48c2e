// The fake API server's lists, rendered to bytes once when it starts. A real API server answers
// lists from its watch cache with little work per item; generating and stringifying 150,000 pods
// per request instead made the fake server, not the client, the slow side of a benchmark (and a
// page of more than a few thousand generated items restarted the generator for every page).
//
// Items are rendered as a real API server sends them inside a list: without their own "kind" and
// "apiVersion" (only `kubectl get -o json` adds those back).

/**
 * Items given in full, generated on demand by index, or walked once from a generator (for lists too
 * large to hold as objects; no count needed, so a benchmark need not generate everything twice).
 */
export type ItemSource =
  | readonly object[]
  | { readonly count: number; readonly item: (i: number) => object }
  | { readonly walk: () => Iterable<object> };

export interface ItemMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RenderedItems {
  readonly count: number;
  meta(i: number): ItemMeta;
  /** the item's JSON as a list element */
  bytes(i: number): Buffer;
  /** the item as an object (parsed back; for single-object GETs, which are rare) */
  object(i: number): object;
}

const metaOf = (o: object): ItemMeta => {
  const m = (o as { metadata?: ItemMeta }).metadata ?? {};
  return { name: m.name, namespace: m.namespace, labels: m.labels };
};

function listElement(o: object): string {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = o as { kind?: unknown; apiVersion?: unknown };
  return JSON.stringify(rest);
}

function* itemsOf(src: ItemSource): Generator<object> {
  if ('walk' in src) yield* src.walk();
  else if ('item' in src) for (let i = 0; i < src.count; i++) yield src.item(i);
  else yield* src;
}

/** Render every item in order (a generated source is walked once, front to back). */
export function renderItems(src: ItemSource): RenderedItems {
  const metas: ItemMeta[] = [];
  const bytes: Buffer[] = [];
  for (const o of itemsOf(src)) {
    metas.push(metaOf(o));
    bytes.push(Buffer.from(listElement(o)));
  }
  return {
    count: bytes.length,
    meta: (i) => metas[i] ?? {},
    bytes: (i) => bytes[i] ?? Buffer.from('{}'),
    object: (i) => JSON.parse((bytes[i] ?? '{}').toString()) as object,
  };
}

/** Equality-based selectors only (`a=b,c==d,e!=f`): what kubectl -l sends for the collector. */
export function matchesSelector(
  labels: Readonly<Record<string, string>> | undefined,
  selector: string | null,
): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const ne = term.split('!=');
    if (ne.length === 2) return labels?.[ne[0]!.trim()] !== ne[1]!.trim();
    const [k = '', v = ''] = term.split(/==?/);
    return labels?.[k.trim()] === v.trim();
  });
}

export interface Page {
  readonly picked: readonly number[];
  /** index to continue from, or undefined on the last page */
  readonly next?: number;
}

/** The indexes of one page: from `start`, at most `limit` (0 = all), in one namespace, matching a selector. */
export function pickPage(
  items: RenderedItems,
  start: number,
  limit: number,
  namespace: string | undefined,
  selector: string | null,
): Page {
  const picked: number[] = [];
  for (let i = start; i < items.count; i++) {
    const m = items.meta(i);
    if (namespace !== undefined && m.namespace !== namespace) continue;
    if (!matchesSelector(m.labels, selector)) continue;
    if (limit > 0 && picked.length === limit) return { picked, next: i };
    picked.push(i);
  }
  return { picked };
}
