// Which Kubernetes distribution a snapshot comes from, and how each networking component is
// deployed there (components.ts), decided from evidence and citing it (file + line or pointer). Real clusters
// are not all kubeadm: k3s embeds flannel and kube-proxy in its own process, RKE2 runs kube-proxy
// as a static pod and flannel inside the canal DaemonSet, Charmed Kubernetes runs kube-proxy as a
// snap, microk8s runs everything in one snap daemon (kubelite). Rules ask here before concluding
// that a component is missing.
import type {
  ClusterState,
  ComponentName,
  DeploymentStyle,
  Distribution,
  FileIndex,
  HostState,
  Located,
  Seen,
} from './types.js';
import type { KubeNode } from './schemas.js';
import { componentStyles } from './components.js';

/** JSON pointer escaping of one reference token (`a/b` -> `a~1b`) */
const esc = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

// kubelet/kube-proxy version suffixes: v1.28.5+k3s1, v1.28.5+rke2r1, v1.28.5-eks-5e0fdde,
// v1.28.3-gke.1203001, v1.27.6+f67aeb3 (OpenShift: a bare commit hash)
const VERSION_SUFFIXES: readonly (readonly [RegExp, Distribution])[] = [
  [/\+k3s\d*/, 'k3s'],
  [/\+rke2r\d*/, 'rke2'],
  [/-eks-[0-9a-f]+/, 'eks'],
  [/-gke\.\d+/, 'gke'],
  [/^v\d+\.\d+\.\d+\+[0-9a-f]{7,}$/, 'openshift'],
];

// node label or annotation key (prefix) -> distribution; instance-type only with these values
const NODE_KEYS: readonly (readonly [string, Distribution])[] = [
  ['k3s.io/', 'k3s'],
  ['rke2.io/', 'rke2'],
  ['microk8s.io/cluster', 'microk8s'],
  ['node.kubernetes.io/microk8s-controlplane', 'microk8s'],
  ['juju-application', 'charmed'],
  ['juju-charm', 'charmed'],
  ['eks.amazonaws.com/', 'eks'],
  ['alpha.eksctl.io/', 'eks'],
  ['cloud.google.com/gke-', 'gke'],
  ['kubernetes.azure.com/', 'aks'],
  ['node.openshift.io/', 'openshift'],
  ['machineconfiguration.openshift.io/', 'openshift'],
  ['kubeadm.alpha.kubernetes.io/cri-socket', 'kubeadm'],
];

// DaemonSets that only one distribution runs (kind's CNI, EKS's VPC CNI, AKS's cloud-node-manager)
const DAEMONSETS: readonly (readonly [string, Distribution])[] = [
  ['kube-system/kindnet', 'kind'],
  ['kube-system/aws-node', 'eks'],
  ['kube-system/cloud-node-manager', 'aks'],
];

// spec.providerID scheme
const PROVIDER_IDS: readonly (readonly [string, Distribution])[] = [
  ['kind://', 'kind'],
  ['k3s://', 'k3s'],
  ['rke2://', 'rke2'],
];

// systemd units / journals whose presence names the distribution
const UNITS: ReadonlyMap<string, Distribution> = new Map([
  ['k3s', 'k3s'],
  ['k3s-agent', 'k3s'],
  ['rke2-server', 'rke2'],
  ['rke2-agent', 'rke2'],
  ['snap.microk8s.daemon-kubelite', 'microk8s'],
  ['snap.microk8s.daemon-kubelet', 'microk8s'],
  ['snap.microk8s.daemon-proxy', 'microk8s'],
  ['snap.microk8s.daemon-flanneld', 'microk8s'],
  ['snap.kube-proxy.daemon', 'charmed'],
  ['snap.kubelet.daemon', 'charmed'],
]);

/**
 * Order of trust when signals disagree: a distribution that runs on top of another's pieces is
 * named over them (an RKE2 node also has static pods, an EKS node a kubelet config...).
 */
const PRIORITY: readonly Distribution[] = [
  'kind',
  'k3s',
  'rke2',
  'microk8s',
  'charmed',
  'openshift',
  'eks',
  'gke',
  'aks',
  'kubeadm',
];

export interface DistributionFacts {
  /** the distribution the strongest evidence names; undefined when nothing names one */
  readonly distribution?: Seen<Distribution>;
  /** every signal found, strongest distribution first (inspect shows them) */
  readonly signals: readonly Seen<Distribution>[];
  readonly components: ReadonlyMap<ComponentName, Seen<DeploymentStyle>>;
}

const sortedHosts = (hosts: ReadonlyMap<string, HostState>): HostState[] =>
  [...hosts.values()].sort((a, b) => a.node.localeCompare(b.node));

function nodeSignals(nodes: readonly Located<KubeNode>[]): Seen<Distribution>[] {
  const out: Seen<Distribution>[] = [];
  for (const n of nodes) {
    const name = n.obj.metadata.name;
    const base = n.ref.pointer;
    const info = (n.obj.status?.nodeInfo ?? {}) as Record<string, unknown>;
    for (const field of ['kubeletVersion', 'kubeProxyVersion'] as const) {
      const v = info[field];
      if (typeof v !== 'string') continue;
      const hit = VERSION_SUFFIXES.find(([re]) => re.test(v));
      if (hit)
        out.push({
          value: hit[1],
          by: `node/${name} ${field} ${v}`,
          at: { ...n.ref, pointer: `${base}/status/nodeInfo/${field}` },
        });
    }
    for (const kind of ['labels', 'annotations'] as const) {
      const map = n.obj.metadata[kind] ?? {};
      for (const [key, value] of Object.entries(map)) {
        let d = NODE_KEYS.find(([k]) => (/[/-]$/.test(k) ? key.startsWith(k) : key === k))?.[1];
        if (!d && key === 'node.kubernetes.io/instance-type' && (value === 'k3s' || value === 'rke2')) d = value;
        if (d)
          out.push({
            value: d,
            by: `node/${name} ${kind.slice(0, -1)} ${key}`,
            at: { ...n.ref, pointer: `${base}/metadata/${kind}/${esc(key)}` },
          });
      }
    }
    const provider = (n.obj.spec as Record<string, unknown> | undefined)?.providerID;
    if (typeof provider === 'string') {
      const hit = PROVIDER_IDS.find(([p]) => provider.startsWith(p));
      if (hit)
        out.push({
          value: hit[1],
          by: `node/${name} providerID ${provider}`,
          at: { ...n.ref, pointer: `${base}/spec/providerID` },
        });
    }
  }
  return out;
}

function clusterSignals(cluster: ClusterState): Seen<Distribution>[] {
  const out: Seen<Distribution>[] = [];
  const v = cluster.version?.value.serverVersion;
  const hit = v ? VERSION_SUFFIXES.find(([re]) => re.test(v)) : undefined;
  if (v && hit && cluster.version)
    out.push({
      value: hit[1],
      by: `API server ${v}`,
      at: { ...cluster.version.ref, pointer: '/serverVersion/gitVersion' },
    });
  for (const ds of cluster.daemonSets ?? []) {
    const key = `${ds.obj.metadata.namespace ?? ''}/${ds.obj.metadata.name}`;
    const hit = DAEMONSETS.find(([k]) => k === key);
    if (hit)
      out.push({
        value: hit[1],
        by: `DaemonSet ${key}`,
        at: { ...ds.ref, pointer: `${ds.ref.pointer}/metadata/name` },
      });
  }
  const kubeadm = cluster.configMaps.get('kube-system/kubeadm-config');
  if (kubeadm) out.push({ value: 'kubeadm', by: 'ConfigMap kube-system/kubeadm-config', at: kubeadm.ref });
  return out;
}

function hostSignals(hosts: ReadonlyMap<string, HostState>): Seen<Distribution>[] {
  const out: Seen<Distribution>[] = [];
  for (const h of sortedHosts(hosts)) {
    for (const c of h.distroConfigs)
      out.push({ value: c.value.distro, by: `${h.node} ${c.value.distro} config`, at: { ...c.ref, line: 1 } });
    if (h.k3sFlannelNetConf)
      out.push({ value: 'k3s', by: `${h.node} k3s flannel net-conf`, at: h.k3sFlannelNetConf.ref });
    for (const c of h.distroCni) {
      const d: Distribution = c.ref.path.startsWith('host/k3s/') ? 'k3s' : 'microk8s';
      out.push({ value: d, by: `${h.node} ${d} CNI dir`, at: c.ref });
    }
    for (const [key, args] of h.componentArgs) {
      out.push({
        value: key.startsWith('microk8s/') ? 'microk8s' : 'charmed',
        by: `${h.node} ${key} args`,
        at: { ...args.ref, line: 1 },
      });
    }
    for (const u of h.systemdUnits?.value ?? []) {
      const d = UNITS.get(u.unit);
      if (d && h.systemdUnits)
        out.push({ value: d, by: `${h.node} unit ${u.unit}`, at: { ...h.systemdUnits.ref, line: u.line } });
    }
    for (const [unit, log] of h.journal) {
      const d = UNITS.get(unit);
      if (d) out.push({ value: d, by: `${h.node} journal of ${unit}`, at: log.ref });
    }
    for (const [path, pod] of h.staticPods) {
      if (path.startsWith('host/rke2/'))
        out.push({
          value: 'rke2',
          by: `${h.node} RKE2 static pod ${pod.value.name ?? path}`,
          at: { ...pod.ref, line: 1 },
        });
      else if (pod.value.component === 'kube-apiserver')
        out.push({ value: 'kubeadm', by: `${h.node} static pod kube-apiserver`, at: { ...pod.ref, line: 1 } });
      for (const image of pod.value.images) {
        const hit =
          VERSION_SUFFIXES.find(([re]) => re.test(image)) ??
          (/-rke2r\d/.test(image) ? [undefined, 'rke2' as const] : undefined);
        if (hit) out.push({ value: hit[1], by: `${h.node} static pod image ${image}`, at: { ...pod.ref, line: 1 } });
      }
    }
    const flags = h.sources.get('host.kubelet-flags');
    if (flags?.status === 'ok')
      out.push({
        value: 'kubeadm',
        by: `${h.node} /var/lib/kubelet/kubeadm-flags.env`,
        at: { bundle: h.bundle, path: flags.path, line: 1 },
      });
  }
  return out;
}

const rank = (d: Distribution): number => {
  const i = PRIORITY.indexOf(d);
  return i === -1 ? PRIORITY.length : i;
};

export function detectDistribution(
  cluster: ClusterState,
  hosts: ReadonlyMap<string, HostState>,
): { distribution?: Seen<Distribution>; signals: Seen<Distribution>[] } {
  const signals = [...nodeSignals(cluster.nodes ?? []), ...clusterSignals(cluster), ...hostSignals(hosts)];
  // stable: within one distribution the first signal found (nodes, then cluster, then hosts) leads
  const ordered = signals
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s.value) - rank(b.s.value) || a.i - b.i)
    .map((x) => x.s);
  return { distribution: ordered[0], signals: ordered };
}

/** Derived.distribution and Derived.components in one pass (buildDerived calls this). */
export function distributionFacts(
  cluster: ClusterState,
  hosts: ReadonlyMap<string, HostState>,
  files?: FileIndex,
): DistributionFacts {
  const { distribution, signals } = detectDistribution(cluster, hosts);
  return { distribution, signals, components: componentStyles(cluster, hosts, signals, files) };
}
