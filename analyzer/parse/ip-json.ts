// Parsers for iproute2's JSON output (`ip -j ...`, `bridge -j fdb`): a JSON array whose elements
// are checked one by one, so one odd element becomes a problem naming its index and the rest load.
import { z } from 'zod';
import type { Parsed, ParseProblem } from '../core/problem.js';
import type { BridgeFdb, IpAddrInfo, IpLink, IpNeigh, IpRoute, IpRule } from './types.js';
import { safeParseInPlace } from '../zod/in-place.js';

// iproute2 prints table ids as names ("main", "local") or, for unnamed tables, as numbers.
const tableId = z.union([z.string(), z.number()]).transform(String);

const AddrInfoSchema = z.looseObject({
  family: z.string(),
  local: z.string(),
  prefixlen: z.number().int(),
  broadcast: z.string().optional(),
  scope: z.string().optional(),
  label: z.string().optional(),
});

const LinkSchema = z.looseObject({
  ifindex: z.number().int(),
  ifname: z.string(),
  flags: z.array(z.string()).default([]),
  mtu: z.number().optional(),
  operstate: z.string().optional(),
  link_type: z.string().optional(),
  address: z.string().optional(),
  master: z.string().optional(),
  link: z.string().nullable().optional(),
  linkinfo: z
    .looseObject({ info_kind: z.string().optional(), info_data: z.record(z.string(), z.unknown()).optional() })
    .optional(),
  addr_info: z.array(z.unknown()).optional(),
});

const RouteSchema = z.looseObject({
  type: z.string().optional(),
  dst: z.string(),
  gateway: z.string().optional(),
  dev: z.string().optional(),
  protocol: z.string().optional(),
  scope: z.string().optional(),
  prefsrc: z.string().optional(),
  metric: z.number().optional(),
  table: tableId.optional(),
  flags: z.array(z.string()).default([]),
});

const RuleSchema = z.looseObject({
  priority: z.number().int(),
  src: z.string().optional(),
  table: tableId.optional(),
});

const NeighSchema = z.looseObject({
  dst: z.string(),
  dev: z.string().optional(),
  lladdr: z.string().optional(),
  state: z.array(z.string()).optional(),
});

const FdbSchema = z.looseObject({
  mac: z.string(),
  dev: z.string().optional(),
  dst: z.string().optional(),
  flags: z.array(z.string()).optional(),
});

function issueText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(element)'}: ${i.message}`).join('; ');
}

/** JSON.parse's "at position N" turned into a 1-based line, when the message has it (not all do). */
function lineOfError(text: string, message: string): number | undefined {
  const m = /position (\d+)/.exec(message);
  if (!m) return undefined;
  const pos = Math.min(Number(m[1]), text.length);
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Parses a JSON array and validates each element with `schema`; `finish` may add per-element
 * problems and must return the element with `at` (its array index) set.
 */
function parseArray<S extends z.ZodType, T>(
  text: string,
  what: string,
  schema: S,
  finish: (data: z.output<S>, at: number, problems: ParseProblem[]) => T,
): Parsed<T[]> {
  if (text.trim() === '') return { value: [], problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // Node 20 quotes a piece of the input in the message: keep it on one line and short.
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').slice(0, 200);
    const line = lineOfError(text, message);
    return {
      value: [],
      problems: [
        {
          ...(line ? { line } : {}),
          message: `${what}: not valid JSON (${message}); re-collect it with the -j flag`,
          severity: 'error',
        },
      ],
    };
  }
  if (!Array.isArray(json)) {
    return {
      value: [],
      problems: [
        { message: `${what}: expected a JSON array, got ${json === null ? 'null' : typeof json}`, severity: 'error' },
      ],
    };
  }
  const value: T[] = [];
  const problems: ParseProblem[] = [];
  json.forEach((element: unknown, at) => {
    const r = safeParseInPlace(schema, element);
    if (r.success) value.push(finish(r.data, at, problems));
    else problems.push({ message: `${what} element ${at} skipped: ${issueText(r.error)}`, severity: 'error' });
  });
  return { value, problems };
}

/** `ip -j -d addr show` or `ip -j -d link show` (link entries have no addr_info). */
export function parseIpLinks(text: string): Parsed<IpLink[]> {
  return parseArray(text, 'ip link/addr', LinkSchema, (data, at, problems) => {
    if (data.addr_info === undefined) return { ...data, at } as IpLink;
    const addrs: IpAddrInfo[] = [];
    data.addr_info.forEach((a, k) => {
      // iproute2 prints `{}` for addresses hidden by a -4/-6 filter: not a problem, nothing to keep.
      if (a !== null && typeof a === 'object' && Object.keys(a).length === 0) return;
      const r = safeParseInPlace(AddrInfoSchema, a);
      if (r.success) addrs.push(r.data);
      else
        problems.push({
          message: `ip link/addr element ${at} (${data.ifname}) address ${k} skipped: ${issueText(r.error)}`,
          severity: 'warning',
        });
    });
    return { ...data, addr_info: addrs, at } as IpLink;
  });
}

/** `ip -j route show table all` */
export function parseIpRoutes(text: string): Parsed<IpRoute[]> {
  return parseArray(text, 'ip route', RouteSchema, (data, at) => ({ ...data, at }) as IpRoute);
}

/** `ip -j rule show` */
export function parseIpRules(text: string): Parsed<IpRule[]> {
  return parseArray(text, 'ip rule', RuleSchema, (data, at) => ({ ...data, at }) as IpRule);
}

/** `ip -j neigh show` */
export function parseIpNeighbors(text: string): Parsed<IpNeigh[]> {
  return parseArray(text, 'ip neigh', NeighSchema, (data, at) => ({ ...data, at }) as IpNeigh);
}

/** `bridge -j fdb show [dev flannel.1]` (the dev field is absent when the command filtered by dev) */
export function parseBridgeFdb(text: string): Parsed<BridgeFdb[]> {
  return parseArray(text, 'bridge fdb', FdbSchema, (data, at) => ({ ...data, at }) as BridgeFdb);
}
