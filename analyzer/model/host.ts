// One node's host/ files -> HostState. Paths come from analyzer/bundle/sources.ts; a file that is
// missing leaves its field undefined and `sources` says why (failed, denied, absent...).
import type { SourceRecord } from '../bundle/manifest.js';
import { sourceById } from '../bundle/sources.js';
import type { HostState, Sourced } from './types.js';
import type { Parsed } from './problem.js';
import type { BundleReader } from './reader.js';
import type { Parsers } from './parsers.js';

type IptablesSaveValue = ReturnType<Parsers['iptablesSave']>['value'];

const pathOf = (id: string): string => {
  const spec = sourceById(id);
  if (!spec) throw new Error(`unknown source id ${id} (analyzer/bundle/sources.ts)`);
  return spec.path;
};

/** A bundle has host data when it holds a host/ file or the manifest records a host source. */
export function hasHostData(reader: BundleReader): boolean {
  return reader.under('host/').length > 0 || (reader.raw.manifest?.sources ?? []).some((s) => s.id.startsWith('host.'));
}

/** The node a bundle describes: manifest.node, else host/hostname.txt, else the bundle id. */
export function nodeNameOf(reader: BundleReader): string {
  const fromManifest = reader.raw.manifest?.node?.trim();
  if (fromManifest) return fromManifest;
  const buf = reader.raw.files.get(pathOf('host.hostname'));
  const fromFile = buf?.toString('utf8').split('\n')[0]?.trim();
  return fromFile || reader.id;
}

export function buildHost(reader: BundleReader, node: string, parsers: Parsers): HostState {
  const sources = new Map<string, SourceRecord>((reader.raw.manifest?.sources ?? []).map((s) => [s.id, s]));
  const parse = <T>(id: string, parser: (text: string) => Parsed<T>): Sourced<T> | undefined => reader.parse(pathOf(id), parser);
  const raw = (id: string): Sourced<string> | undefined => {
    const path = pathOf(id);
    const text = reader.text(path);
    return text === undefined ? undefined : { value: text, ref: { bundle: reader.id, path } };
  };
  // `ip -j` prints one JSON document: when it does not parse (cut short, edited), nothing of it is
  // known, so the field stays undefined like a missing file and rules say unknown, never "no routes"
  const parseList = <T>(id: string, parser: (text: string) => Parsed<readonly T[]>): Sourced<readonly T[]> | undefined => {
    const before = reader.problems.length;
    const got = parse(id, parser);
    const failed = reader.problems.slice(before).some((p) => p.severity === 'error');
    return failed && got?.value.length === 0 ? undefined : got;
  };
  const versionLine = raw('host.iptables-version');
  // iptables-save and iptables-<default backend>-save print the same bytes: at the envelope that is
  // two 70 MB dumps, so identical bytes are parsed once and share one (read-only) result.
  const dumps: { buf: Buffer; parsed: ReturnType<Parsers['iptablesSave']> }[] = [];
  const dump = (id: string): Sourced<IptablesSaveValue> | undefined => {
    const path = pathOf(id);
    const buf = reader.raw.files.get(path);
    if (!buf) return undefined;
    const text = reader.text(path);
    if (text === undefined) return undefined;
    const same = dumps.find((d) => d.buf.length === buf.length && d.buf.equals(buf));
    const parsed = same?.parsed ?? parsers.iptablesSave(text);
    if (!same) dumps.push({ buf, parsed });
    reader.addParseProblems(parsed, path);
    return { value: parsed.value, ref: { bundle: reader.id, path } };
  };

  const cni = reader
    .under('host/cni/')
    .map((path) => reader.parse(path, parsers.cniConf))
    .filter((s): s is NonNullable<typeof s> => s !== undefined);

  return {
    node,
    bundle: reader.id,
    sources,
    iptables: dump('host.iptables-save'),
    iptablesLegacy: dump('host.iptables-legacy-save'),
    iptablesNft: dump('host.iptables-nft-save'),
    // `iptables v1.8.9 (nf_tables)`: the first line names version and backend; kept as printed
    iptablesVersion: versionLine && { ...versionLine, value: versionLine.value.split('\n')[0]?.trim() ?? '' },
    links: parseList('host.ip-link', parsers.ipLinks),
    addrs: parseList('host.ip-addr', parsers.ipLinks),
    routes: parseList('host.ip-route', parsers.ipRoutes),
    ipRules: parseList('host.ip-rule', parsers.ipRules),
    neighbors: parseList('host.ip-neigh', parsers.ipNeighbors),
    fdb: parseList('host.bridge-fdb', parsers.bridgeFdb),
    sysctl: parse('host.sysctl', parsers.sysctl),
    modules: parse('host.modules', parsers.modules),
    resolvConf: parse('host.resolv-conf', parsers.resolvConf),
    resolvedResolvConf: parse('host.resolved-resolv-conf', parsers.resolvConf),
    kubeletConfig: parse('host.kubelet-config', parsers.kubeletConfig),
    cni,
    subnetEnv: parse('host.flannel-subnet-env', parsers.subnetEnv),
    conntrackStats: raw('host.conntrack-stats'),
    ipvsadm: raw('host.ipvsadm'),
  };
}
