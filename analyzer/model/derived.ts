// Facts several rules compare, each as one component sees it and where it says so (Seen).
// Lines of configs embedded in ConfigMaps are lines within the embedded string (see configmaps.ts).
import type { ClusterState, Derived, FileIndex, HostState, Seen, Sourced } from './types.js';
import { resolvePointer } from './pointer.js';
import { objectKey } from './indexes.js';
import { bundleText } from './facts/bundle-text.js';
import { nodePodCidrs, podNetworks } from './facts/pod-network.js';
import { serviceNetworks } from './facts/service-network.js';
import { kubernetesHost } from './facts/kubernetes-host.js';
import { nodeLookup } from './facts/node-identity.js';
import { distributionFacts } from './distribution.js';

type At = Seen<unknown>['at'];

function atOf(src: Sourced<unknown>, line?: number): At {
  return {
    bundle: src.ref.bundle,
    path: src.ref.path,
    ...(src.ref.pointer !== undefined ? { pointer: src.ref.pointer } : {}),
    ...(line !== undefined ? { line } : {}),
  };
}

/** the embedded text a Sourced came from (for configs whose parser keeps no lines) */
function embeddedText(cluster: ClusterState, src: Sourced<unknown>): string | undefined {
  if (src.ref.pointer === undefined) return undefined;
  for (const cm of cluster.configMaps.values()) {
    if (cm.ref.path !== src.ref.path || cm.ref.bundle !== src.ref.bundle) continue;
    const v = resolvePointer(cm.obj, src.ref.pointer);
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** 1-based line of the first line containing `needle` */
function lineContaining(text: string | undefined, needle: string): number | undefined {
  if (text === undefined) return undefined;
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  return i === -1 ? undefined : i + 1;
}

function podCidr(cluster: ClusterState): Derived['podCidr'] {
  const flannel = cluster.flannelNetConf;
  const kp = cluster.kubeProxyConfig;
  const kubeadm = cluster.kubeadmNetworking;
  const nodes: Seen<string>[] = [];
  for (const n of cluster.nodes ?? []) {
    const cidr = n.obj.spec?.podCIDR;
    if (cidr)
      nodes.push({
        value: cidr,
        by: `node/${n.obj.metadata.name}`,
        at: { ...n.ref, pointer: `${n.ref.pointer}/spec/podCIDR` },
      });
  }
  return {
    flannel:
      typeof flannel?.value.Network === 'string'
        ? {
            value: flannel.value.Network,
            by: 'flannel',
            at: atOf(flannel, lineContaining(embeddedText(cluster, flannel), '"Network"')),
          }
        : undefined,
    kubeProxy: kp?.value.clusterCIDR
      ? { value: kp.value.clusterCIDR, by: 'kube-proxy', at: atOf(kp, kp.value.lines.get('clusterCIDR')) }
      : undefined,
    kubeadm: kubeadm?.value.podSubnet
      ? {
          value: kubeadm.value.podSubnet,
          by: 'kubeadm',
          at: atOf(kubeadm, kubeadm.value.lines.get('networking.podSubnet') ?? kubeadm.value.lines.get('podSubnet')),
        }
      : undefined,
    nodes,
  };
}

// "Using iptables Proxier." (1.8-1.20), "Using iptables Proxier" (structured, 1.21-1.27),
// "Creating dualStackProxier for ipvs" (1.21+ dual-stack), "Using iptables proxy" (1.28+).
// One pattern for the model's derived mode and the service rules' runningMode (kube-proxy-logs.ts).
export const PROXIER_LINE =
  /Using (iptables|ipvs|nftables|kernelspace|userspace) (?:Proxier|proxy\b)|Creating dualStackProxier for (iptables|ipvs|nftables)/i;

/** the mode kube-proxy actually started in, from the newest kube-proxy log that says */
function modeFromLogs(cluster: ClusterState): Seen<string> | undefined {
  const keys = [...cluster.logs.keys()].filter((k) => /^[^/]+\/kube-proxy[^/]*\/kube-proxy$/.test(k)).sort();
  for (const key of keys) {
    const log = cluster.logs.get(key);
    if (!log) continue;
    for (let i = log.value.length - 1; i >= 0; i--) {
      const l = log.value[i];
      const m = l && PROXIER_LINE.exec(l.raw);
      if (m && l)
        return { value: (m[1] ?? m[2] ?? '').toLowerCase(), by: 'kube-proxy log', at: { ...log.ref, line: l.line } };
    }
  }
  return undefined;
}

function kubeProxyMode(cluster: ClusterState): Seen<string> | undefined {
  const kp = cluster.kubeProxyConfig;
  const configured = kp?.value.mode;
  if (kp && configured) return { value: configured, by: 'kube-proxy', at: atOf(kp, kp.value.lines.get('mode')) };
  // "" or unset means the platform default; a log line says what really ran
  const logged = modeFromLogs(cluster);
  if (logged) return logged;
  if (kp) return { value: 'iptables', by: 'kube-proxy', at: atOf(kp, kp.value.lines.get('mode')) };
  return undefined;
}

function corednsUpstreams(cluster: ClusterState): Seen<string>[] {
  const cf = cluster.corefile;
  if (!cf) return [];
  const out: Seen<string>[] = [];
  for (const server of cf.value.servers) {
    for (const plugin of server.plugins) {
      if (plugin.name !== 'forward') continue;
      // forward FROM TO...: the first argument is the zone, the rest are upstreams as written
      for (const to of plugin.args.slice(1)) out.push({ value: to, by: 'coredns', at: atOf(cf, plugin.line) });
    }
  }
  return out;
}

/**
 * the cluster DNS Service: kube-system/kube-dns, RKE2's rke2-coredns-rke2-coredns, else one in kube-system selecting
 * k8s-app=kube-dns
 */
function kubeDnsClusterIP(cluster: ClusterState): Seen<string> | undefined {
  const services = cluster.services ?? [];
  const named = (key: string) => services.find((s) => objectKey(s.obj.metadata) === key);
  const svc =
    named('kube-system/kube-dns') ??
    named('kube-system/rke2-coredns-rke2-coredns') ??
    services.find((s) => s.obj.metadata.namespace === 'kube-system' && s.obj.spec.selector?.['k8s-app'] === 'kube-dns');
  const ip = svc?.obj.spec.clusterIP;
  if (!svc || !ip || ip === 'None') return undefined;
  return {
    value: ip,
    by: `service/${objectKey(svc.obj.metadata)}`,
    at: { ...svc.ref, pointer: `${svc.ref.pointer}/spec/clusterIP` },
  };
}

function kubeletClusterDNS(hosts: ReadonlyMap<string, HostState>): Seen<readonly string[]>[] {
  const out: Seen<readonly string[]>[] = [];
  for (const h of [...hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    const kc = h.kubeletConfig;
    if (kc?.value.clusterDNS)
      out.push({ value: kc.value.clusterDNS, by: `kubelet/${h.node}`, at: atOf(kc, kc.value.lines.get('clusterDNS')) });
  }
  return out;
}

/** per host bundle: does it look like a Kubernetes node (facts/kubernetes-host.ts) */
function kubernetesHosts(
  cluster: ClusterState,
  hosts: ReadonlyMap<string, HostState>,
  text: ReturnType<typeof bundleText>,
): Map<string, Seen<boolean>> {
  const out = new Map<string, Seen<boolean>>();
  const lookup = nodeLookup(cluster);
  for (const h of hosts.values()) {
    const seen = kubernetesHost(h, text, lookup);
    if (seen) out.set(h.node, seen);
  }
  return out;
}

/**
 * `files` lets the facts read host files HostState does not parse (static pod manifests, k3s/RKE2
 * configs, kubelet flags, hostname); without it those sources are simply not consulted.
 */
export function buildDerived(cluster: ClusterState, hosts: ReadonlyMap<string, HostState>, files?: FileIndex): Derived {
  const kubeadm = cluster.kubeadmNetworking;
  const text = bundleText(files);
  const legacy = podCidr(cluster);
  const dist = distributionFacts(cluster, hosts, files);
  return {
    podCidr: legacy,
    serviceCidr: kubeadm?.value.serviceSubnet
      ? {
          value: kubeadm.value.serviceSubnet,
          by: 'kubeadm',
          at: atOf(
            kubeadm,
            kubeadm.value.lines.get('networking.serviceSubnet') ?? kubeadm.value.lines.get('serviceSubnet'),
          ),
        }
      : undefined,
    kubeProxyMode: kubeProxyMode(cluster),
    corednsUpstreams: corednsUpstreams(cluster),
    kubeDnsClusterIP: kubeDnsClusterIP(cluster),
    kubeletClusterDNS: kubeletClusterDNS(hosts),
    podNetworks: podNetworks(cluster, hosts, text, legacy),
    nodePodCidrs: nodePodCidrs(cluster, hosts),
    serviceNetworks: serviceNetworks(cluster, hosts, text),
    // analyzer/model/distribution.ts
    distribution: dist.distribution,
    components: dist.components,
    kubernetesHost: kubernetesHosts(cluster, hosts, text),
  };
}
