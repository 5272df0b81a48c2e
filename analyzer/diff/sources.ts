// What changed in the collected sources between two snapshots, the facts that explain fixed and
// new findings: iptables rules added/removed per table and chain (and chain policies), routes, Corefile
// lines, Service endpoints gained/lost, pods restarted or changing state, sysctl values. Each change
// cites a place on both sides: the line itself where it exists, else where it would be (the chain,
// the Endpoints object, the file). Pure: reads two Snapshots. Every list is bounded (MAX_PER_KIND).
import type { EvidenceRef } from '../core/evidence-ref.js';
import type { FileRef, Located, Snapshot, Sourced } from '../model/types.js';
import type { Endpoints, Pod } from '../model/schemas.js';
import type { IpRoute, IptablesChain, IptablesSave } from '../parse/types.js';
import { lineEdits } from './lines.js';
import type { SourceChange, SourceKind } from './types.js';
import { pushAll } from '../core/arrays.js';

export const MAX_PER_KIND = 200;
const MAX_QUOTE = 400;

const cut = (s: string): string => (s.length > MAX_QUOTE ? `${s.slice(0, MAX_QUOTE)}…` : s);

function lineRef(s: Snapshot, ref: FileRef & { pointer?: string }, line: number, note?: string): EvidenceRef {
  const quote = s.files.lines(ref, line, line)?.join('\n') ?? '';
  return {
    bundle: ref.bundle,
    path: ref.path,
    ...(ref.pointer !== undefined ? { pointer: ref.pointer } : {}),
    line,
    quote: cut(quote),
    ...(note ? { note } : {}),
  };
}

/** a JSON object in a cluster file; the quote is the value there, re-serialized and cut */
function objectRef(s: Snapshot, ref: FileRef & { pointer: string }, note?: string): EvidenceRef {
  const v = s.files.pointer(ref, ref.pointer);
  const quote = v === undefined ? '' : JSON.stringify(v);
  return { bundle: ref.bundle, path: ref.path, pointer: ref.pointer, quote: cut(quote), ...(note ? { note } : {}) };
}

/** collects changes of one kind up to the bound, counting the rest */
class Bounded {
  readonly items: SourceChange[] = [];
  omitted = 0;
  private readonly keys = new Map<string, number>();
  add(c: Omit<SourceChange, 'key'> & { key: string }): void {
    if (this.items.length >= MAX_PER_KIND) {
      this.omitted++;
      return;
    }
    // keys stay unique even when the same text changes twice in one place
    const n = (this.keys.get(c.key) ?? 0) + 1;
    this.keys.set(c.key, n);
    this.items.push(n === 1 ? c : { ...c, key: `${c.key}~${n}` });
  }
}

// ---------------------------------------------------------------- iptables

/** a rule line without its `[packets:bytes]` counters: counters always differ between collections */
const ruleText = (text: string): string => text.replace(/^\[\d+:\d+\]\s*/, '').trim();

function chainRef(s: Snapshot, dump: Sourced<IptablesSave>, table: string, chain: string): EvidenceRef | undefined {
  const t = dump.value.tables.get(table);
  const c = t?.chains.get(chain);
  if (c) return lineRef(s, dump.ref, c.line, `chain ${chain}`);
  if (t) return lineRef(s, dump.ref, t.line, `table ${table}, no chain ${chain}`);
  return undefined;
}

function chainKeys(dump: IptablesSave): Map<string, { table: string; chain: IptablesChain }> {
  const out = new Map<string, { table: string; chain: IptablesChain }>();
  for (const [tname, t] of dump.tables)
    for (const [cname, c] of t.chains) out.set(`${tname} ${cname}`, { table: tname, chain: c });
  return out;
}

function iptablesChanges(before: Snapshot, after: Snapshot, out: Bounded): void {
  const nodes = [...before.hosts.keys()].filter((n) => after.hosts.has(n)).sort();
  for (const node of nodes) {
    const b = before.hosts.get(node)?.iptables;
    const a = after.hosts.get(node)?.iptables;
    if (!b || !a) continue;
    const bc = chainKeys(b.value);
    const ac = chainKeys(a.value);
    const keys = [...new Set([...bc.keys(), ...ac.keys()])].sort();
    for (const k of keys) {
      const x = bc.get(k);
      const y = ac.get(k);
      const table = (x ?? y)?.table ?? '';
      const chain = (x ?? y)?.chain.name ?? '';
      const where = `${table} ${chain}`;
      const key = `iptables/${node}/${table}/${chain}`;
      if (x?.chain.policy !== undefined && y?.chain.policy !== undefined && x.chain.policy !== y.chain.policy)
        out.add({
          key: `${key}/policy`,
          kind: 'iptables',
          change: 'changed',
          node,
          where,
          chain,
          before: `policy ${x.chain.policy}`,
          after: `policy ${y.chain.policy}`,
          beforeRef: lineRef(before, b.ref, x.chain.line),
          afterRef: lineRef(after, a.ref, y.chain.line),
        });
      const count = new Map<string, number>();
      for (const r of y?.chain.rules ?? []) count.set(ruleText(r.text), (count.get(ruleText(r.text)) ?? 0) + 1);
      const removed = [];
      for (const r of x?.chain.rules ?? []) {
        const t = ruleText(r.text);
        const n = count.get(t) ?? 0;
        if (n > 0) count.set(t, n - 1);
        else removed.push(r);
      }
      const countB = new Map<string, number>();
      for (const r of x?.chain.rules ?? []) countB.set(ruleText(r.text), (countB.get(ruleText(r.text)) ?? 0) + 1);
      const added = [];
      for (const r of y?.chain.rules ?? []) {
        const t = ruleText(r.text);
        const n = countB.get(t) ?? 0;
        if (n > 0) countB.set(t, n - 1);
        else added.push(r);
      }
      for (const r of removed) {
        const afterRef = chainRef(after, a, table, chain);
        out.add({
          key: `${key}/-${ruleText(r.text)}`,
          kind: 'iptables',
          change: 'removed',
          node,
          where,
          chain,
          before: ruleText(r.text),
          beforeRef: lineRef(before, b.ref, r.line),
          ...(afterRef ? { afterRef } : {}),
        });
      }
      for (const r of added) {
        const beforeRef = chainRef(before, b, table, chain);
        out.add({
          key: `${key}/+${ruleText(r.text)}`,
          kind: 'iptables',
          change: 'added',
          node,
          where,
          chain,
          after: ruleText(r.text),
          ...(beforeRef ? { beforeRef } : {}),
          afterRef: lineRef(after, a.ref, r.line),
        });
      }
    }
  }
}

// ---------------------------------------------------------------- routes

const routeKey = (r: IpRoute): string => `${r.table ?? 'main'} ${r.type ?? ''} ${r.dst}`;
const routeText = (r: IpRoute): string =>
  [r.type, r.dst, r.gateway && `via ${r.gateway}`, r.dev && `dev ${r.dev}`, r.table && `table ${r.table}`]
    .filter(Boolean)
    .join(' ');

/** each node's `ip -j route` by destination: gone, new, or another gateway/device (cites `/<index>`) */
function routeChanges(before: Snapshot, after: Snapshot, out: Bounded): void {
  for (const node of [...before.hosts.keys()].filter((n) => after.hosts.has(n)).sort()) {
    const b = before.hosts.get(node)?.routes;
    const a = after.hosts.get(node)?.routes;
    if (!b || !a) continue;
    const bm = new Map(b.value.map((r) => [routeKey(r), r]));
    const am = new Map(a.value.map((r) => [routeKey(r), r]));
    const table = (s: Snapshot, ref: FileRef) => objectRef(s, { ...ref, pointer: '' }, 'the route table');
    for (const key of [...new Set([...bm.keys(), ...am.keys()])].sort()) {
      const x = bm.get(key);
      const y = am.get(key);
      if (x && y && routeText(x) === routeText(y)) continue;
      out.add({
        key: `route/${node}/${key}`,
        kind: 'route',
        change: x && y ? 'changed' : x ? 'removed' : 'added',
        node,
        where: (x ?? y)?.dst ?? '',
        ...(x ? { before: routeText(x) } : {}),
        ...(y ? { after: routeText(y) } : {}),
        beforeRef: x ? objectRef(before, { ...b.ref, pointer: `/${x.at}` }) : table(before, b.ref),
        afterRef: y ? objectRef(after, { ...a.ref, pointer: `/${y.at}` }) : table(after, a.ref),
      });
    }
  }
}

// ---------------------------------------------------------------- Corefile

function textLines(s: Snapshot, ref: FileRef & { pointer?: string }): string[] {
  const n = s.files.lineCount(ref) ?? 0;
  return n > 0 ? [...(s.files.lines(ref, 1, n) ?? [])] : [];
}

function corefileChanges(before: Snapshot, after: Snapshot, out: Bounded): void {
  const b = before.cluster.corefile;
  const a = after.cluster.corefile;
  if (!b || !a) return;
  const bl = textLines(before, b.ref);
  const al = textLines(after, a.ref);
  for (const e of lineEdits(bl, al)) {
    const text = e.text.trim();
    const mine = e.op === 'removed' ? { s: before, ref: b.ref } : { s: after, ref: a.ref };
    const other = e.op === 'removed' ? { s: after, ref: a.ref } : { s: before, ref: b.ref };
    const own = lineRef(mine.s, mine.ref, e.line);
    const near = lineRef(other.s, other.ref, e.otherLine, 'where the line would be');
    out.add({
      key: `corefile/${e.op === 'added' ? '+' : '-'}${text}`,
      kind: 'corefile',
      change: e.op,
      where: 'kube-system/coredns Corefile',
      ...(e.op === 'removed'
        ? { before: text, beforeRef: own, afterRef: near }
        : { after: text, beforeRef: near, afterRef: own }),
    });
  }
}

// ---------------------------------------------------------------- Endpoints

const epKey = (e: Located<Endpoints>): string => `${e.obj.metadata.namespace ?? ''}/${e.obj.metadata.name}`;

/** ip -> the pod it belongs to (or ''), for ready and not-ready addresses */
function addresses(e: Endpoints): { ready: Map<string, string>; notReady: Map<string, string> } {
  const ready = new Map<string, string>();
  const notReady = new Map<string, string>();
  for (const sub of e.subsets ?? []) {
    for (const a of sub.addresses ?? []) ready.set(a.ip, a.targetRef?.name ?? '');
    for (const a of sub.notReadyAddresses ?? []) notReady.set(a.ip, a.targetRef?.name ?? '');
  }
  return { ready, notReady };
}

const showAddr = (ip: string, pod: string | undefined): string => (pod ? `${ip} (${pod})` : ip);

function endpointChanges(before: Snapshot, after: Snapshot, out: Bounded): void {
  const bm = new Map((before.cluster.endpoints ?? []).map((e) => [epKey(e), e]));
  const am = new Map((after.cluster.endpoints ?? []).map((e) => [epKey(e), e]));
  if (!before.cluster.endpoints || !after.cluster.endpoints) return;
  for (const key of [...new Set([...bm.keys(), ...am.keys()])].sort()) {
    const b = bm.get(key);
    const a = am.get(key);
    const ba = b ? addresses(b.obj) : { ready: new Map<string, string>(), notReady: new Map<string, string>() };
    const aa = a ? addresses(a.obj) : { ready: new Map<string, string>(), notReady: new Map<string, string>() };
    const state = (x: typeof ba, ip: string): string =>
      x.ready.has(ip) ? 'ready' : x.notReady.has(ip) ? 'not ready' : 'absent';
    const refs = () => ({
      ...(b ? { beforeRef: objectRef(before, b.ref, `Endpoints ${key}`) } : {}),
      ...(a ? { afterRef: objectRef(after, a.ref, `Endpoints ${key}`) } : {}),
    });
    for (const [ip, pod] of [...aa.ready].sort()) {
      if (ba.ready.has(ip)) continue;
      out.add({
        key: `endpoints/${key}/+${ip}`,
        kind: 'endpoints',
        change: 'added',
        where: key,
        before: `${showAddr(ip, ba.notReady.get(ip))}: ${state(ba, ip)}`,
        after: `${showAddr(ip, pod)}: ready`,
        ...refs(),
      });
    }
    for (const [ip, pod] of [...ba.ready].sort()) {
      if (aa.ready.has(ip)) continue;
      out.add({
        key: `endpoints/${key}/-${ip}`,
        kind: 'endpoints',
        change: 'removed',
        where: key,
        before: `${showAddr(ip, pod)}: ready`,
        after: `${showAddr(ip, aa.notReady.get(ip))}: ${state(aa, ip)}`,
        ...refs(),
      });
    }
  }
}

// ---------------------------------------------------------------- pods

const podKey = (p: Located<Pod>): string => `${p.obj.metadata.namespace ?? ''}/${p.obj.metadata.name}`;

type ContainerStatus = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];

function stateOf(c: ContainerStatus): string {
  const st = c.state;
  const s = st?.running
    ? 'running'
    : st?.waiting
      ? `waiting${st.waiting.reason ? ` (${st.waiting.reason})` : ''}`
      : st?.terminated
        ? `terminated${st.terminated.reason ? ` (${st.terminated.reason})` : ''}`
        : 'unknown';
  return `${s}, ${c.ready ? 'ready' : 'not ready'}, restarts ${c.restartCount}`;
}

function podChanges(before: Snapshot, after: Snapshot, out: Bounded): void {
  if (!before.cluster.pods || !after.cluster.pods) return;
  const bm = new Map(before.cluster.pods.map((p) => [podKey(p), p]));
  const am = new Map(after.cluster.pods.map((p) => [podKey(p), p]));
  for (const key of [...new Set([...bm.keys(), ...am.keys()])].sort()) {
    const b = bm.get(key);
    const a = am.get(key);
    const node = (a ?? b)?.obj.spec?.nodeName;
    if (!b || !a) {
      const p = (b ?? a) as Located<Pod>;
      out.add({
        key: `pod/${key}/${b ? 'gone' : 'new'}`,
        kind: 'pod',
        change: b ? 'removed' : 'added',
        ...(node ? { node } : {}),
        where: key,
        ...(b
          ? { before: `pod ${p.obj.status?.phase ?? ''}`.trim(), beforeRef: objectRef(before, p.ref, 'the pod') }
          : { after: `pod ${p.obj.status?.phase ?? ''}`.trim(), afterRef: objectRef(after, p.ref, 'the pod') }),
      });
      continue;
    }
    const bs = new Map((b.obj.status?.containerStatuses ?? []).map((c) => [c.name, c]));
    for (const [i, c] of (a.obj.status?.containerStatuses ?? []).entries()) {
      const old = bs.get(c.name);
      if (!old) continue;
      const restarted = c.restartCount > old.restartCount;
      const was = stateOf(old);
      const now = stateOf(c);
      if (!restarted && was === now) continue;
      const j = (b.obj.status?.containerStatuses ?? []).indexOf(old);
      out.add({
        key: `pod/${key}/${c.name}`,
        kind: 'pod',
        change: 'changed',
        ...(node ? { node } : {}),
        where: `${key}/${c.name}${restarted ? ` restarted ${c.restartCount - old.restartCount}x` : ''}`,
        before: was,
        after: now,
        beforeRef: objectRef(before, { ...b.ref, pointer: `${b.ref.pointer}/status/containerStatuses/${j}` }),
        afterRef: objectRef(after, { ...a.ref, pointer: `${a.ref.pointer}/status/containerStatuses/${i}` }),
      });
    }
  }
}

// ---------------------------------------------------------------- sysctl

function sysctlChanges(before: Snapshot, after: Snapshot, out: Bounded): void {
  for (const node of [...before.hosts.keys()].filter((n) => after.hosts.has(n)).sort()) {
    const b = before.hosts.get(node)?.sysctl;
    const a = after.hosts.get(node)?.sysctl;
    if (!b || !a) continue;
    for (const key of [...new Set([...b.value.keys(), ...a.value.keys()])].sort()) {
      const x = b.value.get(key);
      const y = a.value.get(key);
      if (x?.value === y?.value) continue;
      out.add({
        key: `sysctl/${node}/${key}`,
        kind: 'sysctl',
        change: x && y ? 'changed' : x ? 'removed' : 'added',
        node,
        where: key,
        ...(x ? { before: `${key} = ${x.value}`, beforeRef: lineRef(before, b.ref, x.line) } : {}),
        ...(y ? { after: `${key} = ${y.value}`, afterRef: lineRef(after, a.ref, y.line) } : {}),
      });
    }
  }
}

export interface SourceDiff {
  readonly changes: SourceChange[];
  readonly omitted: Partial<Record<SourceKind, number>>;
}

export function sourceChanges(before: Snapshot, after: Snapshot): SourceDiff {
  const kinds: [SourceKind, (b: Snapshot, a: Snapshot, out: Bounded) => void][] = [
    ['iptables', iptablesChanges],
    ['route', routeChanges],
    ['corefile', corefileChanges],
    ['endpoints', endpointChanges],
    ['pod', podChanges],
    ['sysctl', sysctlChanges],
  ];
  const changes: SourceChange[] = [];
  const omitted: Partial<Record<SourceKind, number>> = {};
  for (const [kind, fn] of kinds) {
    const out = new Bounded();
    fn(before, after, out);
    pushAll(changes, out.items);
    if (out.omitted > 0) omitted[kind] = out.omitted;
  }
  return { changes, omitted };
}
