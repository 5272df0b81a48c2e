// Does a host bundle come from a Kubernetes node? true, citing the first sign found (the kubelet's
// config or flags, a distribution's config, a static pod manifest, a CNI config, flannel's lease,
// a KUBE-/FLANNEL/cali- chain, a pod bridge or overlay link, a pod or kubelet log, the host being a
// Node of the collected nodes list); false when the rules dump and the link list were both
// collected and neither holds a sign, nor anything else does (a plain Linux host); left out when
// nothing collected can tell (a pasted fragment, a bundle without root and without links).
import type { FileRef, HostState, Seen } from '../types.js';
import type { IptablesSave } from '../../parse/types.js';
import type { BundleText } from './bundle-text.js';
import type { NodeLookup } from './node-identity.js';
import { nodeIdentity } from './node-identity.js';
import { STATIC_POD_DIRS } from './pod-network.js';

type At = Seen<boolean>['at'];

/** files whose presence alone says Kubernetes runs here (kubelet flags, distribution configs) */
const SIGN_FILES = [
  'host/kubeadm-flags.env',
  'host/k3s/config.yaml',
  'host/rke2/config.yaml',
  'host/k3s/flannel-net-conf.json',
  'host/microk8s/args/kubelet',
  'host/microk8s/args/kube-proxy',
  'host/snap/kubelet-args',
  'host/snap/kube-proxy-args',
];
/** directories whose files say the same: static pods, the distributions' CNI configs, pod logs read on the host */
const SIGN_DIRS = [
  ...STATIC_POD_DIRS,
  'host/k3s/config.yaml.d/',
  'host/rke2/config.yaml.d/',
  'host/k3s/cni/',
  'host/microk8s/cni-network/',
  'host/pod-logs/',
];
/** journals of units that only a Kubernetes node runs (containerd and docker are not signs) */
const KUBE_UNIT_JOURNAL =
  /^host\/journal\/(kubelet|kube-proxy|k3s|k3s-agent|rke2-server|rke2-agent|snap\.kubelet\.|snap\.kube-proxy\.|snap\.microk8s\.|flanneld)[^/]*\.log$/;

/** units only a Kubernetes node has (containerd and docker run anywhere) */
const KUBE_UNIT =
  /^(kubelet|kube-proxy|k3s|k3s-agent|rke2-server|rke2-agent|snap\.kubelet\.|snap\.kube-proxy\.|snap\.microk8s\.|flanneld)/;
/** chains the kubelet, kube-proxy, kube-router, flannel, Calico, Cilium, Weave, Antrea and OVN-Kubernetes create */
export const KUBE_CHAIN = /^(KUBE-|FLANNEL|cali-|CILIUM_|WEAVE-|ANTREA-|OVN-KUBE-)/;
/** links a CNI or kube-proxy creates (eni…: AWS VPC CNI pod veths, azv…/azure0: Azure CNI, gke…: GKE Dataplane V2) */
export const KUBE_LINK =
  /^(cni0$|cbr0$|flannel[.-]|cali|vxlan\.calico$|kube-ipvs0$|cilium_|weave$|kube-bridge$|antrea-gw0$|ovn-k8s-mp|nodelocaldns$|eni[0-9a-f]{11}$|azv[0-9a-f]+$|azure0$|gke[0-9a-f]{11}$)/;

/** the first chain of a Kubernetes component in a dump, with its declaration line */
export function kubeChain(dump: IptablesSave): { name: string; line: number } | undefined {
  for (const table of dump.tables.values())
    for (const chain of table.chains.values())
      if (KUBE_CHAIN.test(chain.name)) return { name: chain.name, line: chain.line };
  return undefined;
}

const fileAt = (ref: FileRef, line?: number): At => ({
  bundle: ref.bundle,
  path: ref.path,
  ...(line !== undefined ? { line } : {}),
});

function firstSign(
  host: HostState,
  text: BundleText,
  lookup: NodeLookup | undefined,
  manifestNode: string | undefined,
): Seen<boolean> | undefined {
  const yes = (by: string, at: At): Seen<boolean> => ({ value: true, by, at });
  if (host.kubeletConfig) return yes('kubelet config', fileAt(host.kubeletConfig.ref));
  for (const path of SIGN_FILES)
    if (text.has(host.bundle, path)) return yes(path.slice(path.indexOf('/') + 1), { bundle: host.bundle, path });
  const cni = host.cni[0];
  if (cni) return yes('CNI config', fileAt(cni.ref));
  if (host.subnetEnv) return yes('flannel subnet.env', fileAt(host.subnetEnv.ref));
  for (const dump of [host.iptables, host.iptablesNft, host.iptablesLegacy]) {
    const chain = dump && kubeChain(dump.value);
    if (dump && chain) return yes(`iptables chain ${chain.name}`, fileAt(dump.ref, chain.line));
  }
  for (const list of [host.links, host.addrs]) {
    const link = list?.value.find((l) => KUBE_LINK.test(l.ifname));
    if (list && link)
      return yes(`link ${link.ifname}`, {
        bundle: list.ref.bundle,
        path: list.ref.path,
        pointer: `/${link.at}/ifname`,
      });
  }
  for (const dir of SIGN_DIRS) {
    const path = text.under(host.bundle, dir)[0];
    if (path) return yes(dir.slice(dir.indexOf('/') + 1, -1), { bundle: host.bundle, path });
  }
  const unit = host.systemdUnits?.value.find((u) => KUBE_UNIT.test(u.unit));
  if (host.systemdUnits && unit) return yes(`unit ${unit.unit}`, fileAt(host.systemdUnits.ref, unit.line));
  const journal = text.under(host.bundle, 'host/journal/').find((p) => KUBE_UNIT_JOURNAL.test(p));
  if (journal) return yes('kubelet/distribution journal', { bundle: host.bundle, path: journal });
  if (lookup) {
    const id = nodeIdentity(host, text, lookup, manifestNode);
    const n = id.clusterNode;
    if (n) return yes(`node/${n.obj.metadata.name} (by ${id.matchedBy ?? 'name'})`, { ...n.ref });
  }
  return undefined;
}

export function kubernetesHost(
  host: HostState,
  text: BundleText,
  lookup: NodeLookup | undefined,
  manifestNode?: string,
): Seen<boolean> | undefined {
  const sign = firstSign(host, text, lookup, manifestNode);
  if (sign) return sign;
  // a verdict of absence needs both places every Kubernetes node shows itself in: its rules and its links
  const dump = host.iptables ?? host.iptablesNft ?? host.iptablesLegacy;
  const links = host.links ?? host.addrs;
  if (!dump || !links) return undefined;
  return { value: false, by: 'no Kubernetes chain, link or config', at: fileAt(dump.ref, dump.value.headerLine) };
}
