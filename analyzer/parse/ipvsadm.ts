// `ipvsadm -Ln` (and its `--stats` / `--rate` listings): the IPVS virtual services kube-proxy's IPVS
// mode programs and their real servers. Format from ipvsadm 1.2x as printed on real nodes
// (fixtures/reference/ipvs/): a version line, two header lines naming the columns, then one line
// per virtual service (`TCP  10.96.0.10:53 rr [persistent 10800] [ops]`, `FWM  1 rr`, IPv6 in
// brackets) followed by its real servers (`  -> 10.244.0.6:53  Masq  1  0  0`). Columns are read
// from the header lines, so the stats and rate listings parse too. Never throws.
import type { Parsed, ParseProblem } from '../core/problem.js';

export interface IpvsRealServer {
  readonly address: string;
  readonly port: number;
  /** Masq, Route, Tunnel, Local (default listing only) */
  readonly forward?: string;
  readonly weight?: number;
  readonly activeConn?: number;
  readonly inactConn?: number;
  /** --stats / --rate columns by header name (Conns, InPkts, CPS, ...) */
  readonly counters: Readonly<Record<string, number>>;
  readonly line: number;
}

export interface IpvsVirtualService {
  /** TCP, UDP, SCTP, or FWM (firewall mark) */
  readonly protocol: string;
  /** the virtual address (IPv6 without brackets); for FWM the mark */
  readonly address: string;
  /** undefined for FWM */
  readonly port?: number;
  readonly scheduler?: string;
  /** sessionAffinity ClientIP: `persistent <seconds>` */
  readonly persistentSeconds?: number;
  /** other flags as printed (`ops`, `mask 255.255.255.255`, ...) */
  readonly flags: readonly string[];
  readonly counters: Readonly<Record<string, number>>;
  readonly reals: readonly IpvsRealServer[];
  readonly line: number;
}

export interface IpvsTable {
  readonly version?: string;
  /** the listing kind the headers say: default, stats (Conns/InPkts...), rate (CPS/InPPS...) */
  readonly listing: 'default' | 'stats' | 'rate';
  readonly services: readonly IpvsVirtualService[];
}

/** a virtual service or real server key as kube-proxy thinks of it: `TCP 10.96.0.10:53` */
export const ipvsKey = (protocol: string, address: string, port?: number): string =>
  `${protocol.toUpperCase()} ${address.includes(':') ? `[${address}]` : address}${port === undefined ? '' : `:${port}`}`;

const VERSION = /^IP Virtual Server version (\S+)/;
const ADDR_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+)):(\d{1,5})$/;
const SERVICE = /^(TCP|UDP|SCTP|FWM)\s+(\S+)(?:\s+(.*))?$/;
const REAL = /^\s+->\s+(\S+)(?:\s+(.*))?$/;

function addrPort(text: string): { address: string; port: number } | undefined {
  const m = ADDR_PORT.exec(text);
  const port = Number(m?.[3]);
  if (!m || port > 65535) return undefined;
  return { address: (m[1] ?? m[2]) as string, port };
}

/** ipvsadm prints large counters with K/M/G suffixes in --stats (e.g. `1234K`) */
function count(text: string): number | undefined {
  const m = /^(\d+)([KMG]?)$/.exec(text);
  if (!m) return undefined;
  const mult = m[2] === 'K' ? 1e3 : m[2] === 'M' ? 1e6 : m[2] === 'G' ? 1e9 : 1;
  return Number(m[1]) * mult;
}

export function parseIpvsadm(text: string): Parsed<IpvsTable> {
  const problems: ParseProblem[] = [];
  const services: {
    protocol: string;
    address: string;
    port?: number;
    scheduler?: string;
    persistentSeconds?: number;
    flags: string[];
    counters: Record<string, number>;
    reals: IpvsRealServer[];
    line: number;
  }[] = [];
  let version: string | undefined;
  let serviceCols: string[] = [];
  let realCols: string[] | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, '');
    const line = i + 1;
    if (raw.trim() === '') continue;
    const v = VERSION.exec(raw);
    if (v) {
      version = v[1];
      continue;
    }
    if (raw.startsWith('Prot ')) {
      serviceCols = raw.trim().split(/\s+/).slice(2); // after "Prot LocalAddress:Port"
      continue;
    }
    if (/^\s+->\s+RemoteAddress:Port/.test(raw)) {
      realCols = raw.trim().split(/\s+/).slice(2);
      continue;
    }
    const rs = REAL.exec(raw);
    if (rs) {
      const svc = services[services.length - 1];
      const ap = addrPort(rs[1] as string);
      if (!svc || !ap) {
        problems.push({
          line,
          message: svc ? `not an address:port: ${rs[1]}` : 'a real server before any virtual service',
        });
        continue;
      }
      const fields = (rs[2] ?? '').trim().split(/\s+/).filter(Boolean);
      const counters: Record<string, number> = {};
      let forward: string | undefined;
      let weight: number | undefined;
      let activeConn: number | undefined;
      let inactConn: number | undefined;
      // the default listing's real-server header names its columns; --stats/--rate print a bare
      // `-> RemoteAddress:Port` and put the same counters as the virtual services under them
      const cols =
        realCols === undefined
          ? ['Forward', 'Weight', 'ActiveConn', 'InActConn']
          : realCols.length > 0
            ? realCols
            : serviceCols;
      cols.forEach((col, j) => {
        const f = fields[j];
        if (f === undefined) return;
        if (col === 'Forward') forward = f;
        else if (col === 'Weight') weight = count(f);
        else if (col === 'ActiveConn') activeConn = count(f);
        else if (col === 'InActConn') inactConn = count(f);
        else {
          const n = count(f);
          if (n !== undefined) counters[col] = n;
        }
      });
      svc.reals.push({
        address: ap.address,
        port: ap.port,
        ...(forward !== undefined ? { forward } : {}),
        ...(weight !== undefined ? { weight } : {}),
        ...(activeConn !== undefined ? { activeConn } : {}),
        ...(inactConn !== undefined ? { inactConn } : {}),
        counters,
        line,
      });
      continue;
    }
    const s = SERVICE.exec(raw);
    if (s) {
      const protocol = s[1] as string;
      const rest = (s[3] ?? '').trim().split(/\s+/).filter(Boolean);
      let address: string;
      let port: number | undefined;
      if (protocol === 'FWM') address = s[2] as string;
      else {
        const ap = addrPort(s[2] as string);
        if (!ap) {
          problems.push({ line, message: `not an address:port: ${(s[2] as string).slice(0, 100)}` });
          continue;
        }
        address = ap.address;
        port = ap.port;
      }
      const counters: Record<string, number> = {};
      let scheduler: string | undefined;
      let persistentSeconds: number | undefined;
      const flags: string[] = [];
      if (serviceCols[0] === 'Scheduler' || serviceCols.length === 0) {
        scheduler = rest[0];
        for (let j = 1; j < rest.length; j++) {
          const f = rest[j] as string;
          if (f === 'persistent' && /^\d+$/.test(rest[j + 1] ?? '')) {
            persistentSeconds = Number(rest[++j]);
          } else if (f === 'mask' && rest[j + 1] !== undefined) flags.push(`mask ${rest[++j]}`);
          else flags.push(f);
        }
      } else {
        serviceCols.forEach((col, j) => {
          const n = count(rest[j] ?? '');
          if (n !== undefined) counters[col] = n;
        });
      }
      services.push({
        protocol,
        address,
        ...(port !== undefined ? { port } : {}),
        ...(scheduler !== undefined ? { scheduler } : {}),
        ...(persistentSeconds !== undefined ? { persistentSeconds } : {}),
        flags,
        counters,
        reals: [],
        line,
      });
      continue;
    }
    problems.push({ line, message: `not an ipvsadm line: ${raw.trim().slice(0, 100)}`, severity: 'warning' });
  }
  const listing = serviceCols.includes('Conns') ? 'stats' : serviceCols.includes('CPS') ? 'rate' : 'default';
  return { value: { ...(version !== undefined ? { version } : {}), listing, services }, problems };
}
