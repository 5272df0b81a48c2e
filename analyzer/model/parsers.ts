// The parsers the model uses, in one place. The real ones live in analyzer/parse/; until each
// lands, a minimal stand-in here keeps the Snapshot buildable (and says so with a warning).
import type { Parsed } from './problem.js';
import type {
  BridgeFdb,
  CniConfList,
  Corefile,
  FlannelNetConf,
  FlannelSubnetEnv,
  IpLink,
  IpNeigh,
  IpRoute,
  IpRule,
  IptablesSave,
  KubeletConfig,
  KubeProxyConfig,
  LogLine,
  Modules,
  ResolvConf,
  Sysctls,
} from '../parse/types.js';
import { parseCorefile } from '../parse/corefile.js';
import { parseIptablesSave } from '../parse/iptables-save.js';
import { parseLog } from '../parse/logs.js';
import { parseResolvConf } from '../parse/resolv-conf.js';
import { parseCniConf } from '../parse/cni.js';
import { parseFlannelNetConf, parseSubnetEnv } from '../parse/flannel.js';
import { parseKubeadmClusterConfig, parseKubeletConfig, parseKubeProxyConfig, type KubeadmNetworking } from '../parse/kube-config.js';

export type { KubeadmNetworking };

export interface Parsers {
  iptablesSave(text: string): Parsed<IptablesSave>;
  ipLinks(text: string): Parsed<readonly IpLink[]>;
  ipRoutes(text: string): Parsed<readonly IpRoute[]>;
  ipRules(text: string): Parsed<readonly IpRule[]>;
  ipNeighbors(text: string): Parsed<readonly IpNeigh[]>;
  bridgeFdb(text: string): Parsed<readonly BridgeFdb[]>;
  sysctl(text: string): Parsed<Sysctls>;
  modules(text: string): Parsed<Modules>;
  resolvConf(text: string): Parsed<ResolvConf>;
  corefile(text: string): Parsed<Corefile>;
  flannelNetConf(text: string): Parsed<FlannelNetConf>;
  subnetEnv(text: string): Parsed<FlannelSubnetEnv>;
  kubeProxyConfig(text: string): Parsed<KubeProxyConfig>;
  kubeletConfig(text: string): Parsed<KubeletConfig>;
  kubeadmClusterConfig(text: string): Parsed<KubeadmNetworking>;
  cniConf(text: string): Parsed<CniConfList>;
  log(text: string): Parsed<readonly LogLine[]>;
}

const pending = (what: string) => [{ message: `${what} parser not wired yet; file loaded but not parsed`, severity: 'warning' as const }];

function jsonArray<T>(text: string, what: string): Parsed<readonly T[]> {
  try {
    const v: unknown = JSON.parse(text);
    if (Array.isArray(v)) return { value: v.map((e, at) => ({ ...(e as object), at }) as T), problems: [] };
  } catch {
    /* fall through */
  }
  return { value: [], problems: pending(what) };
}

/** The real parsers where they have landed; stand-ins (just enough shape) for the rest. */
export const PARSERS: Parsers = {
  iptablesSave: (text) => parseIptablesSave(text),
  ipLinks: (text) => jsonArray<IpLink>(text, 'ip link'),
  ipRoutes: (text) => jsonArray<IpRoute>(text, 'ip route'),
  ipRules: (text) => jsonArray<IpRule>(text, 'ip rule'),
  ipNeighbors: (text) => jsonArray<IpNeigh>(text, 'ip neigh'),
  bridgeFdb: (text) => jsonArray<BridgeFdb>(text, 'bridge fdb'),
  sysctl: (text) => {
    const m = new Map<string, { key: string; value: string; line: number }>();
    text.split('\n').forEach((l, i) => {
      const eq = l.indexOf('=');
      if (eq > 0) m.set(l.slice(0, eq).trim(), { key: l.slice(0, eq).trim(), value: l.slice(eq + 1).trim(), line: i + 1 });
    });
    return { value: m, problems: [] };
  },
  // /proc/modules: `name size refcount deps state address`; the name is all rules need
  modules: (text) => {
    const m = new Map<string, { name: string; line: number }>();
    text.split('\n').forEach((l, i) => {
      const name = l.trim().split(/\s+/)[0];
      if (name) m.set(name, { name, line: i + 1 });
    });
    return { value: m, problems: [] };
  },
  resolvConf: parseResolvConf,
  corefile: parseCorefile,
  flannelNetConf: parseFlannelNetConf,
  subnetEnv: parseSubnetEnv,
  kubeProxyConfig: parseKubeProxyConfig,
  kubeletConfig: parseKubeletConfig,
  kubeadmClusterConfig: parseKubeadmClusterConfig,
  cniConf: parseCniConf,
  log: parseLog,
};
