// A zod schema compiled to a projector: a copy of a value that already passed the schema, keeping
// exactly the keys the schema declares. Why: list items are kept for the whole run, and a pod as
// the API server returns it is mostly fields no rule reads (managedFields, env, volumes,
// resources, ...). Records, unknown and anything not compiled here are kept whole, so the
// projection never drops a value the schema describes. Object keys keep the source's order
// (one Map lookup per source key), so a walk over a projected object sees what it saw before.
//
// Evidence and rule packs need the full object: lists.ts records where each item's bytes are
// (lean-source.ts) and re-reads them on demand.
import type { z } from 'zod';

/** a projector, or null: keep the value whole (no copy) */
type Projector = ((value: unknown) => unknown) | null;

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** in place: arrays rewritten (the value was just parsed); copy: the value is left as it is */
type Mode = 'in-place' | 'copy';

const compiled: Record<Mode, WeakMap<z.ZodType, Projector>> = { 'in-place': new WeakMap(), copy: new WeakMap() };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The projector of a schema (cached): a function of a validated value to its lean copy. 'in-place'
 * (for a value just parsed) reuses its arrays; 'copy' leaves the value untouched.
 */
export function compileProjector(schema: z.ZodType, mode: Mode = 'in-place'): (value: unknown) => unknown {
  return projectorOf(schema, mode) ?? ((v) => v);
}

function projectorOf(schema: z.ZodType, mode: Mode): Projector {
  const cache = compiled[mode];
  if (cache.has(schema)) return cache.get(schema) as Projector;
  const p = compileDef(defOf(schema), mode);
  cache.set(schema, p);
  return p;
}

function compileDef(def: Def, mode: Mode): Projector {
  switch (def.type) {
    case 'object':
      return compileObject(def, mode);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault': {
      const inner = def.innerType ? projectorOf(def.innerType, mode) : null;
      // undefined and null pass through; a default was filled in by the check, so it is projected too
      return inner && ((v) => (v === undefined || v === null ? v : inner(v)));
    }
    case 'array': {
      const element = def.element ? projectorOf(def.element, mode) : null;
      if (!element) return null;
      if (mode === 'copy') return (v) => (Array.isArray(v) ? v.map(element) : v);
      // in place: the array was just parsed and is owned by the caller
      return (v) => {
        if (!Array.isArray(v)) return v;
        for (let i = 0; i < v.length; i++) v[i] = element(v[i]);
        return v;
      };
    }
    default:
      // primitives, enums, literals, records, unknown, unions and whatever else: kept whole
      return null;
  }
}

function compileObject(def: Def, mode: Mode): Projector {
  const fields = new Map<string, Projector>();
  for (const [key, s] of Object.entries(def.shape ?? {})) fields.set(key, projectorOf(s, mode));
  return (v) => {
    if (!isPlainObject(v)) return v;
    // an object with nothing to drop (a condition, a port, an address) is kept, not copied: most
    // of a pod's objects are like that, and each copy is garbage for the collector
    let all = true;
    for (const key in v)
      if (!fields.has(key)) {
        all = false;
        break;
      }
    if (all && mode === 'in-place') {
      for (const key in v) {
        const p = fields.get(key);
        if (p) v[key] = p(v[key]);
      }
      return v;
    }
    const out: Record<string, unknown> = {};
    for (const key in v) {
      // for-in of a JSON.parse result sees only its own keys
      if (!fields.has(key)) continue;
      const p = fields.get(key) as Projector;
      const x = v[key];
      out[key] = p ? p(x) : x;
    }
    return out;
  };
}

/**
 * Tests only: `value` (a projected item) behind Proxies that call `undeclared` with the dotted path
 * of every read (get, `in`) of a key its schema does not declare, so an audit can show that rules
 * read nothing the projection drops. Records and unknown values are not watched (kept whole).
 */
export function auditedView(schema: z.ZodType, value: unknown, undeclared: (path: string) => void): unknown {
  const wrap = (s: z.ZodType, v: unknown, path: string): unknown => {
    const def = defOf(s);
    if (v === null || typeof v !== 'object') return v;
    if (def.innerType && def.type !== 'object') return wrap(def.innerType, v, path);
    if (def.type === 'array' && def.element && Array.isArray(v)) {
      const el = def.element;
      return v.map((x, i) => wrap(el, x, `${path}[${i}]`));
    }
    if (def.type !== 'object' || Array.isArray(v)) return v;
    const shape = def.shape ?? {};
    const target = v as Record<string, unknown>;
    const kids: Record<string, unknown> = {};
    for (const k of Object.keys(target)) {
      const sub = shape[k];
      kids[k] = sub ? wrap(sub, target[k], path ? `${path}.${k}` : k) : target[k];
    }
    const watch = (key: string | symbol): void => {
      // symbols (inspection, iteration) and toJSON (JSON.stringify asks every object) are not fields
      if (typeof key === 'string' && key !== 'toJSON' && !(key in shape)) undeclared(path ? `${path}.${key}` : key);
    };
    return new Proxy(kids, {
      get(t, key, recv) {
        watch(key);
        return Reflect.get(t, key, recv) as unknown;
      },
      has(t, key) {
        watch(key);
        return Reflect.has(t, key);
      },
    });
  };
  return wrap(schema, value, '');
}
