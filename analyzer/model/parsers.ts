// The parsers the model uses, in one place, so a test can swap one (BuildOptions.parsers).
import type { Parsed } from '../core/problem.js';
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
import { parseBridgeFdb, parseIpLinks, parseIpNeighbors, parseIpRoutes, parseIpRules } from '../parse/ip-json.js';
import { parseModules } from '../parse/modules.js';
import { parseSysctl } from '../parse/sysctl.js';
import { parseFlannelNetConf, parseSubnetEnv } from '../parse/flannel.js';
import {
  parseKubeadmClusterConfig,
  parseKubeletConfig,
  parseKubeProxyConfig,
  type KubeadmNetworking,
} from '../parse/kube-config.js';

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

/** The parsers of analyzer/parse/, one per evidence format. */
export const PARSERS: Parsers = {
  iptablesSave: (text) => parseIptablesSave(text),
  ipLinks: parseIpLinks,
  ipRoutes: parseIpRoutes,
  ipRules: parseIpRules,
  ipNeighbors: parseIpNeighbors,
  bridgeFdb: parseBridgeFdb,
  sysctl: parseSysctl,
  modules: parseModules,
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
