// Test-only builders for host rules: a flannel VXLAN node made from the real captures in
// fixtures/reference/system/ (node 192.168.56.11, pod subnet 10.244.1.0/24, network 10.244.0.0/16),
// plus the cluster files that say what the node's podCIDR and the pod network are.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configMapJson, kubeList, nodeJson, type RawBundleSpec } from '../../model/testing.js';

const DIR = fileURLToPath(new URL('../../../fixtures/reference/system/', import.meta.url));

export const reference = (name: string): string => readFileSync(DIR + name, 'utf8');

/** the real iptables-save with `from` replaced by `to` (throws when `from` is not there) */
export function editedIptables(edits: readonly [string, string][], name = 'iptables-save-nft.txt'): string {
  let text = reference(name);
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`fixture ${name} has no "${from}"`);
    text = text.replace(from, to);
  }
  return text;
}

export const NETWORK = '10.244.0.0/16';

export function flannelConfigMap(network = NETWORK, ns = 'kube-flannel'): object {
  return configMapJson({
    name: 'kube-flannel-cfg',
    namespace: ns,
    data: {
      'net-conf.json': `{\n  "Network": "${network}",\n  "EnableNFTables": false,\n  "Backend": {\n    "Type": "vxlan"\n  }\n}\n`,
    },
  });
}

export interface NodeInput {
  readonly name: string;
  readonly podCIDR?: string | null;
  readonly internalIP?: string;
  readonly annotations?: Record<string, string>;
}

/** cluster/ files: nodes and the flannel config (add more with `extra`) */
export function clusterFiles(
  nodes: readonly NodeInput[],
  extra: Record<string, string | object> = {},
  network = NETWORK,
): Record<string, string | object> {
  return {
    'cluster/nodes.json': kubeList(nodes.map((n) => nodeJson({ ...n }))),
    'cluster/configmaps/kube-flannel/kube-flannel-cfg.json': flannelConfigMap(network),
    ...extra,
  };
}

/** the captured node's host/ files; override or drop (value null) any of them */
export function hostFiles(over: Record<string, string | object | null> = {}): Record<string, string | object> {
  const base: Record<string, string | object | null> = {
    'host/iptables-save.txt': reference('iptables-save-nft.txt'),
    'host/ip-route.json': reference('ip-j-route-all.json'),
    'host/ip-addr.json': reference('ip-j-d-addr.json'),
    'host/ip-link.json': reference('ip-j-d-link.json'),
    'host/sysctl.txt': reference('sysctl.txt'),
    ...over,
  };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string | object] => e[1] !== null));
}

/** one bundle: the captured node as `node` with the cluster files */
export function capturedNode(
  node = 'worker-1',
  over: Record<string, string | object | null> = {},
  cluster: Record<string, string | object> = clusterFiles([{ name: 'worker-1', podCIDR: '10.244.1.0/24' }]),
): RawBundleSpec {
  return { node, files: { ...cluster, ...hostFiles(over) } };
}

export const serviceReference = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../../../fixtures/reference/service/${name}`, import.meta.url)), 'utf8');
