// A zod schema compiled to a check that works on the value itself: true exactly when zod's
// safeParse would succeed, with zod's defaults filled into the value, so the value then equals
// what safeParse would have returned. Why: safeParse builds a new copy of every object it
// validates; for 150,000 pods that was 2.9 s of a 25 s load and most of its garbage, while the
// parsed item is thrown away a moment later. The check allocates nothing.
//
// zod stays the contract: only the schema features listed below are compiled (looseObject,
// string, number, boolean, enum, literal, array, record, optional, nullable, default on an object
// key, unions of primitives, unknown; the checks int, min/max value and min length); anything else
// (strip/strict objects, other checks, transforms, refinements)
// makes compileInPlaceCheck return undefined and the caller uses safeParse alone. Items the check
// rejects also go through safeParse, for zod's message. in-place.test.ts compares the two
// on mutated real objects.
import type { z } from 'zod';

export type InPlaceCheck = (value: unknown) => boolean;

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly element?: z.ZodType;
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly innerType?: z.ZodType;
  readonly defaultValue?: unknown;
  readonly entries?: Record<string, unknown>;
  readonly values?: readonly unknown[];
  readonly checks?: readonly z.ZodType[];
}

interface CheckDef {
  readonly check: string;
  readonly format?: string;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly minimum?: number;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

class Unsupported extends Error {}

const compiled = new WeakMap<z.ZodType, InPlaceCheck | null>();

/** the check for a schema (cached), or undefined when the schema uses a feature not compiled here */
export function compileInPlaceCheck(schema: z.ZodType): InPlaceCheck | undefined {
  const hit = compiled.get(schema);
  if (hit !== undefined) return hit ?? undefined;
  let check: InPlaceCheck | null;
  try {
    check = compile(schema);
  } catch (err) {
    if (!(err instanceof Unsupported)) throw err;
    check = null;
  }
  compiled.set(schema, check);
  return check ?? undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function compile(schema: z.ZodType): InPlaceCheck {
  const def = defOf(schema);
  const base = compileType(def);
  if (!def.checks || def.checks.length === 0) return base;
  const checks = def.checks.map((c) => compileCheck(defOf(c) as unknown as CheckDef));
  return (v) => base(v) && checks.every((c) => c(v));
}

/** the checks zod runs after the type matched (only called on values of the right type) */
function compileCheck(c: CheckDef): InPlaceCheck {
  switch (c.check) {
    case 'number_format':
      if (c.format !== 'safeint') throw new Unsupported(`number format ${c.format}`);
      return (v) => Number.isSafeInteger(v);
    case 'greater_than': {
      const min = need(c.value);
      return c.inclusive ? (v) => (v as number) >= min : (v) => (v as number) > min;
    }
    case 'less_than': {
      const max = need(c.value);
      return c.inclusive ? (v) => (v as number) <= max : (v) => (v as number) < max;
    }
    case 'min_length': {
      const min = need(c.minimum);
      return (v) => (v as string | unknown[]).length >= min;
    }
    default:
      throw new Unsupported(`check ${c.check}`);
  }
}

function compileType(def: Def): InPlaceCheck {
  switch (def.type) {
    case 'string':
      return (v) => typeof v === 'string';
    case 'number':
      return (v) => typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'enum': {
      const allowed = new Set(Object.values(need(def.entries)));
      return (v) => allowed.has(v);
    }
    case 'literal': {
      const allowed = new Set(need(def.values));
      return (v) => allowed.has(v);
    }
    case 'unknown':
    case 'any':
      return () => true;
    case 'optional': {
      const inner = compile(need(def.innerType));
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      const inner = compile(need(def.innerType));
      return (v) => v === null || inner(v);
    }
    case 'array': {
      const element = compile(need(def.element));
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
    }
    case 'record': {
      const key = defOf(need(def.keyType));
      if (key.type !== 'string' || (key.checks && key.checks.length > 0)) throw new Unsupported('record key');
      const value = compile(need(def.valueType));
      return (v) => {
        if (!isPlainObject(v)) return false;
        for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k) && !value(v[k])) return false;
        return true;
      };
    }
    case 'union': {
      // only unions of primitives: an object option could fill defaults and then fail
      const options = (def.options ?? []).map((o) => {
        if (!['string', 'number', 'boolean'].includes(defOf(o).type)) throw new Unsupported('union of non-primitives');
        return compile(o);
      });
      return (v) => options.some((o) => o(v));
    }
    case 'object':
      return compileObject(def);
    default:
      throw new Unsupported(def.type);
  }
}

interface Field {
  readonly key: string;
  readonly check: InPlaceCheck;
  /** zod 4 rejects a missing key unless its schema is optional (or nullish, or has a default) */
  readonly mayBeMissing: boolean;
  readonly makeDefault?: () => unknown;
}

function compileObject(def: Def): InPlaceCheck {
  // a looseObject's catchall is unknown; a plain z.object strips unknown keys and a strict one
  // rejects them: neither leaves the value as it was
  if (!def.catchall || defOf(def.catchall).type !== 'unknown') throw new Unsupported('object that is not loose');
  const fields: Field[] = Object.entries(def.shape ?? {}).map(([key, s]) => field(key, s));
  return (v) => {
    if (!isPlainObject(v)) return false;
    for (const f of fields) {
      const x = v[f.key];
      if (x === undefined) {
        if (f.makeDefault) {
          v[f.key] = f.makeDefault();
          continue;
        }
        if (!f.mayBeMissing) return false;
        continue;
      }
      if (!f.check(x)) return false;
    }
    return true;
  };
}

function field(key: string, schema: z.ZodType): Field {
  const def = defOf(schema);
  if (def.type === 'default') {
    const inner = need(def.innerType);
    // zod returns the default without validating it, as a fresh copy each time
    const value = def.defaultValue;
    return { key, check: compile(inner), mayBeMissing: true, makeDefault: () => structuredClone(value) };
  }
  return { key, check: compile(schema), mayBeMissing: def.type === 'optional' };
}

function need<T>(x: T | undefined): T {
  if (x === undefined) throw new Unsupported('incomplete schema definition');
  return x;
}

/**
 * safeParse's result without the copy when the in-place check passes: `data` is then the value
 * itself. Only for values the caller owns (just parsed from JSON), since defaults are filled in.
 */
export function safeParseInPlace<S extends z.ZodType>(schema: S, value: unknown): z.ZodSafeParseResult<z.output<S>> {
  const check = compileInPlaceCheck(schema);
  if (check?.(value)) return { success: true, data: value as z.output<S> };
  return schema.safeParse(value);
}
