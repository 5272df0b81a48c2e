// The Trace screen's pickers: sources (pods and nodes) and destinations (each Service port, pods,
// nodes), plus whatever address the user types. Built once per model; filtering is a substring
// match over a pre-lowered haystack so 150,000 pods filter per keystroke without a rebuild.
import { isIp } from '../../analyzer/model/net.js';
import type { Proto } from '../../analyzer/trace/types.js';
import type { UiModel } from './model.js';

export type PickKind = 'pod' | 'node' | 'service' | 'address';

export interface PickRow {
  readonly kind: PickKind;
  /** what the list shows: `default/web-1`, `kube-system/kube-dns:53/UDP`, `worker-1` */
  readonly label: string;
  /** the address and where it lives: `10.244.1.5 on worker-1` */
  readonly detail: string;
  /** what the tracer is given as from/to (without the port) */
  readonly value: string;
  readonly port?: number;
  readonly proto?: Proto;
  readonly haystack: string;
}

const row = (r: Omit<PickRow, 'haystack'>): PickRow => ({
  ...r,
  haystack: `${r.label} ${r.detail} ${r.kind}`.toLowerCase(),
});

function nodeRows(m: UiModel): PickRow[] {
  return m.nodes.map((name) => {
    const ip = m.snapshot.index.nodeByName
      .get(name)
      ?.obj.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const host = m.snapshot.hosts.has(name) ? 'host data' : 'no host data';
    return row({ kind: 'node', label: name, detail: `${ip ?? 'no InternalIP'}  node itself, ${host}`, value: name });
  });
}

function podRows(m: UiModel): PickRow[] {
  const out: PickRow[] = [];
  for (const p of m.snapshot.cluster.pods ?? []) {
    const ip = p.obj.status?.podIP;
    if (!ip) continue; // a pod without an address cannot send or receive
    const name = `${p.obj.metadata.namespace ?? 'default'}/${p.obj.metadata.name}`;
    const node = p.obj.spec?.nodeName;
    const net = p.obj.spec?.hostNetwork ? '  hostNetwork' : '';
    out.push(row({ kind: 'pod', label: name, detail: `${ip}${node ? ` on ${node}` : ''}${net}`, value: name }));
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

function serviceRows(m: UiModel): PickRow[] {
  const out: PickRow[] = [];
  for (const s of m.snapshot.cluster.services ?? []) {
    const ip = s.obj.spec.clusterIP;
    if (!ip || ip === 'None') continue; // headless: nothing to DNAT, the tracer refuses it
    const name = `${s.obj.metadata.namespace ?? 'default'}/${s.obj.metadata.name}`;
    for (const p of s.obj.spec.ports ?? []) {
      const proto = (p.protocol ?? 'TCP').toLowerCase() as Proto;
      out.push(
        row({
          kind: 'service',
          label: `${name}:${p.port}/${proto.toUpperCase()}`,
          detail: `${ip}${p.name ? `  port ${p.name}` : ''}`,
          value: name,
          port: p.port,
          proto,
        }),
      );
    }
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

/** where a packet can start: pods first (the usual question), then the nodes themselves */
export function sourceRows(m: UiModel): PickRow[] {
  return [...podRows(m), ...nodeRows(m)];
}

/** where it can go: every Service port, then pods, then nodes (NodePorts, host services) */
export function destinationRows(m: UiModel): PickRow[] {
  return [...serviceRows(m), ...podRows(m), ...nodeRows(m)];
}

/** `8.8.8.8` or `8.8.8.8:53` typed into the filter becomes a row of its own */
export function typedAddress(text: string): PickRow | undefined {
  const m = /^\s*([0-9a-fA-F:.]+?)(?::(\d{1,5}))?\s*$/.exec(text);
  const ip = m?.[1];
  if (!ip || !isIp(ip)) return undefined;
  const port = m?.[2] !== undefined ? Number(m[2]) : undefined;
  return row({
    kind: 'address',
    label: `${ip}${port !== undefined ? `:${port}` : ''}`,
    detail: 'the address you typed',
    value: ip,
    ...(port !== undefined ? { port } : {}),
  });
}

export function filterPicks(rows: readonly PickRow[], text: string): readonly PickRow[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const typed = typedAddress(text);
  const hits = words.length ? rows.filter((r) => words.every((w) => r.haystack.includes(w))) : rows;
  return typed ? [typed, ...hits] : hits;
}

export interface PortProto {
  readonly port?: number;
  readonly proto?: Proto;
}

const PROTOS: readonly Proto[] = ['tcp', 'udp', 'icmp', 'sctp'];

/** `53`, `53/udp`, `udp 53`, `icmp`, or empty (clear both) -> port and protocol; undefined when not understood */
export function parsePortProto(text: string): PortProto | undefined {
  let port: number | undefined;
  let proto: Proto | undefined;
  for (const tok of text
    .toLowerCase()
    .split(/[\s/]+/)
    .filter(Boolean)) {
    if (/^\d{1,5}$/.test(tok) && Number(tok) >= 1 && Number(tok) <= 65535 && port === undefined) port = Number(tok);
    else if ((PROTOS as readonly string[]).includes(tok) && proto === undefined) proto = tok as Proto;
    else return undefined;
  }
  return { ...(port !== undefined ? { port } : {}), ...(proto !== undefined ? { proto } : {}) };
}

export function describePortProto(p: PortProto): string {
  return `${p.port !== undefined ? `:${p.port}` : ''}${p.proto ? ` ${p.proto}` : ''}`.trim();
}
