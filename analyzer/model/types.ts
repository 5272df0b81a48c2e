// The Snapshot: a typed, read-only picture of one cluster and its nodes, built once per analysis
// from one or several bundles. Rules see only this. Everything carries where it came from, so a
// finding can cite `bundle:path:line` or `bundle:path#/json/pointer`.
import type { CalicoState } from './calico.js';
import type { Manifest, SourceRecord } from '../bundle/manifest.js';
import type { LoadProblem } from '../core/problem.js';
import type { ComponentArgs, DistroConfig, StaticPod, SystemdUnit } from './host-sources.js';
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
import type {
  ConfigMap,
  DaemonSet,
  Deployment,
  EndpointSlice,
  Endpoints,
  KubeEvent,
  KubeNode,
  Pod,
  Service,
} from './schemas.js';

/** A place in a bundle. */
export interface FileRef {
  readonly bundle: string;
  readonly path: string;
}

/** A cluster object with the place it came from: `path#pointer`, e.g. `cluster/pods.json#/items/12`. */
export interface Located<T> {
  readonly obj: T;
  readonly ref: FileRef & { readonly pointer: string };
}

/**
 * A parsed file with its place. For a config embedded in a ConfigMap, `pointer` names the data key
 * (`/data/Corefile`) and the parsed value's line numbers are 1-based lines inside that string.
 */
export interface Sourced<T> {
  readonly value: T;
  readonly ref: FileRef & { readonly pointer?: string };
}

export interface BundleMeta {
  readonly id: string;
  readonly origin: string;
  readonly manifest?: Manifest;
  readonly node?: string;
  readonly createdAt?: string;
  readonly hasCluster: boolean;
  readonly hasHost: boolean;
  readonly redacted: boolean;
}

export interface ClusterState {
  /** the bundle the cluster data was taken from (the newest that has it) */
  readonly bundle?: string;
  /**
   * which bundle supplied each cluster/ file (path -> bundle id): the newest bundle, with files it
   * lacks taken from older bundles of the same cluster
   */
  readonly fileOwners?: ReadonlyMap<string, string>;
  /** each list is undefined when its source is missing or failed to parse */
  readonly version?: Sourced<{ readonly serverVersion?: string; readonly clientVersion?: string }>;
  readonly nodes?: readonly Located<KubeNode>[];
  readonly pods?: readonly Located<Pod>[];
  readonly services?: readonly Located<Service>[];
  readonly endpoints?: readonly Located<Endpoints>[];
  readonly endpointSlices?: readonly Located<EndpointSlice>[];
  readonly daemonSets?: readonly Located<DaemonSet>[];
  readonly deployments?: readonly Located<Deployment>[];
  readonly events?: readonly Located<KubeEvent>[];
  /** Calico's CRD lists (analyzer/model/calico.ts); absent from bundles of clusters without Calico */
  readonly calico?: CalicoState;
  /** networking.k8s.io/v1 NetworkPolicies (cluster.networkpolicies) */
  readonly networkPolicies?: readonly Located<import('./network-policy.js').NetworkPolicy>[];
  /** Namespaces (cluster.namespaces), for the labels a NetworkPolicy namespaceSelector reads */
  readonly namespaces?: readonly Located<import('./network-policy.js').Namespace>[];
  /** allow-listed ConfigMaps by `ns/name` */
  readonly configMaps: ReadonlyMap<string, Located<ConfigMap>>;
  /** container logs by `ns/pod/container` (and `ns/pod/container.previous`) */
  readonly logs: ReadonlyMap<string, Sourced<readonly LogLine[]>>;
  /** each CoreDNS pod's :9153/metrics by pod name (model/metrics.ts) */
  readonly corednsMetrics?: ReadonlyMap<string, Sourced<import('../parse/prom-text.js').PromText>>;
  /** parsed well-known configs found inside the ConfigMaps */
  readonly corefile?: Sourced<Corefile>;
  readonly flannelNetConf?: Sourced<FlannelNetConf>;
  /** kube-flannel-cfg `cni-conf.json`: the CNI config flannel's init container copies to each node */
  readonly flannelCniConf?: Sourced<CniConfList>;
  readonly kubeProxyConfig?: Sourced<KubeProxyConfig>;
  /** kubeadm ClusterConfiguration.networking (podSubnet, serviceSubnet, dnsDomain) */
  readonly kubeadmNetworking?: Sourced<{
    readonly podSubnet?: string;
    readonly serviceSubnet?: string;
    readonly dnsDomain?: string;
    readonly lines: ReadonlyMap<string, number>;
  }>;
}

export interface HostState {
  readonly node: string;
  readonly bundle: string;
  /** manifest records by source id, to say why something is missing */
  readonly sources: ReadonlyMap<string, SourceRecord>;
  /** the default `iptables-save` and, where collected, the explicit backends */
  readonly iptables?: Sourced<IptablesSave>;
  readonly iptablesLegacy?: Sourced<IptablesSave>;
  readonly iptablesNft?: Sourced<IptablesSave>;
  readonly iptablesVersion?: Sourced<string>;
  readonly links?: Sourced<readonly IpLink[]>;
  readonly addrs?: Sourced<readonly IpLink[]>;
  readonly routes?: Sourced<readonly IpRoute[]>;
  readonly ipRules?: Sourced<readonly IpRule[]>;
  readonly neighbors?: Sourced<readonly IpNeigh[]>;
  readonly fdb?: Sourced<readonly BridgeFdb[]>;
  readonly sysctl?: Sourced<Sysctls>;
  readonly modules?: Sourced<Modules>;
  readonly resolvConf?: Sourced<ResolvConf>;
  readonly resolvedResolvConf?: Sourced<ResolvConf>;
  readonly kubeletConfig?: Sourced<KubeletConfig>;
  readonly cni: readonly Sourced<CniConfList>[];
  readonly subnetEnv?: Sourced<FlannelSubnetEnv>;
  readonly conntrackStats?: Sourced<string>;
  readonly ipvsadm?: Sourced<string>;
  /** `ipvsadm -Ln --stats` and the full `ipset list` (members): read by analyzer/model/ipvs.ts */
  readonly ipvsadmStats?: Sourced<string>;
  readonly ipsetMembers?: Sourced<string>;
  /** `nft -j list ruleset` (kube-proxy's nftables mode is read from it: ./nft-json.ts) */
  readonly nftJson?: Sourced<import('../parse/nft-json.js').NftJsonRuleset>;
  /** kube-proxy's :10249/metrics (model/metrics.ts) */
  readonly kubeProxyMetrics?: Sourced<import('../parse/prom-text.js').PromText>;
  // --- distribution sources (issue 12; parsers in model/host-sources.ts, detection in model/distribution.ts)
  /**
   * k3s unit ExecStart flags (k3s.service, k3s-agent.service: flags win), then k3s / RKE2 config.yaml and
   * config.yaml.d/* in name order (k3s's merge order); secret values scrubbed by the collector
   */
  readonly distroConfigs: readonly Sourced<DistroConfig>[];
  /** static pod manifests by bundle path (host/static-pods/<file>, host/rke2/pod-manifests/<file>) */
  readonly staticPods: ReadonlyMap<string, Sourced<StaticPod>>;
  /** snap / microk8s args files: `microk8s/kube-proxy`, `microk8s/kubelet`, `snap/kube-proxy`, `snap/kubelet` */
  readonly componentArgs: ReadonlyMap<string, Sourced<ComponentArgs>>;
  /** the unit files of known Kubernetes units found on the node (host/systemd-units.txt) */
  readonly systemdUnits?: Sourced<readonly SystemdUnit[]>;
  /**
   * journald logs by unit name (`k3s`, `kubelet`, `snap.kube-proxy.daemon`...); under `k3s` also k3s's OpenRC log
   * (host/k3s/k3s.log) when no k3s journal was collected
   */
  readonly journal: ReadonlyMap<string, Sourced<readonly LogLine[]>>;
  /** k3s's own flannel net-conf (/var/lib/rancher/k3s/agent/etc/flannel/net-conf.json) */
  readonly k3sFlannelNetConf?: Sourced<FlannelNetConf>;
  /** CNI configs of the distribution's own CNI dir (k3s agent/etc/cni/net.d, microk8s args/cni-network) */
  readonly distroCni: readonly Sourced<CniConfList>[];
  /** what the collector's opt-in `--probe` mode saw (host/probes.json; model/probes.ts); undefined when not probed */
  readonly probes?: Sourced<import('./probes.js').ProbeRun>;
}

/** A value as one component sees it, with where it says so. */
export interface Seen<T> {
  readonly value: T;
  readonly by: string; // "flannel" | "kube-proxy" | "kubeadm" | "node/<name>" | "kubelet/<node>" ...
  readonly at: FileRef & { readonly line?: number; readonly pointer?: string };
}

/** Kubernetes distributions netsnap recognises from evidence (see analyzer/model/distribution.ts). */
export type Distribution =
  'kubeadm' | 'k3s' | 'rke2' | 'microk8s' | 'charmed' | 'kind' | 'eks' | 'gke' | 'aks' | 'openshift' | 'unknown';
/** how a component runs on the cluster or a node (`deployment`: CoreDNS as a Deployment) */
export type DeploymentStyle =
  'daemonset' | 'deployment' | 'static-pod' | 'embedded' | 'snap' | 'systemd' | 'absent' | 'unknown';
export type ComponentName = 'flannel' | 'kube-proxy' | 'coredns' | 'calico';

export interface Derived {
  /**
   * The cluster's pod network as every source that states it sees it, most authoritative first:
   * kubeadm-config podSubnet, controller-manager --cluster-cidr, flannel net-conf Network,
   * kube-proxy clusterCIDR, subnet.env FLANNEL_NETWORK of each node. Values are canonical CIDR text.
   */
  readonly podNetworks: readonly Seen<string>[];
  /**
   * Each node's own pod subnet as every source states it: spec.podCIDR, subnet.env FLANNEL_SUBNET,
   * the cni0 (or cbr0) bridge address as a network, keyed by node name.
   */
  readonly nodePodCidrs: ReadonlyMap<string, readonly Seen<string>[]>;
  /** the Service range: kubeadm-config serviceSubnet, apiserver --service-cluster-ip-range, ... */
  readonly serviceNetworks: readonly Seen<string>[];
  /** the distribution, with the evidence that says so; undefined when nothing states it */
  readonly distribution?: Seen<Distribution>;
  /** how each component is deployed, with the evidence that says so (embedded flannel on k3s...) */
  readonly components: ReadonlyMap<ComponentName, Seen<DeploymentStyle>>;
  /**
   * Per host bundle: does this host look like a Kubernetes node (kubelet config, CNI config, kube
   * chains, cni0/flannel.1, pod logs)? false with the evidence when nothing Kubernetes is on it.
   */
  readonly kubernetesHost: ReadonlyMap<string, Seen<boolean>>;
  /** pod network CIDR as each component sees it */
  readonly podCidr: {
    readonly flannel?: Seen<string>;
    readonly kubeProxy?: Seen<string>;
    readonly kubeadm?: Seen<string>;
    readonly nodes: readonly Seen<string>[];
  };
  readonly serviceCidr?: Seen<string>;
  readonly kubeProxyMode?: Seen<'iptables' | 'ipvs' | 'nftables' | string>;
  readonly corednsUpstreams: readonly Seen<string>[];
  readonly kubeDnsClusterIP?: Seen<string>;
  readonly kubeletClusterDNS: readonly Seen<readonly string[]>[];
}

export interface Indexes {
  readonly podByIP: ReadonlyMap<string, Located<Pod>>;
  readonly podsByNode: ReadonlyMap<string, readonly Located<Pod>[]>;
  readonly serviceByClusterIP: ReadonlyMap<string, Located<Service>>;
  /** key `ns/name` */
  readonly serviceByName: ReadonlyMap<string, Located<Service>>;
  readonly endpointsByService: ReadonlyMap<string, Located<Endpoints>>;
  readonly endpointSlicesByService: ReadonlyMap<string, readonly Located<EndpointSlice>[]>;
  readonly nodeByName: ReadonlyMap<string, Located<KubeNode>>;
  /** pods a Service's selector matches (same namespace); [] for selector-less Services */
  podsSelectedBy(serviceKey: string): readonly Located<Pod>[];
}

/** Lines of a bundle file, fetched lazily; used by evidence and the evidence browser. */
export interface FileIndex {
  list(bundle?: string): readonly FileRef[];
  has(ref: FileRef): boolean;
  size(ref: FileRef): number | undefined;
  /**
   * 1-based inclusive range; undefined when the file does not exist. With `pointer` set, the lines
   * are those of the JSON string at that pointer (a Corefile inside a ConfigMap).
   */
  lines(ref: FileRef & { readonly pointer?: string }, from: number, to: number): readonly string[] | undefined;
  lineCount(ref: FileRef & { readonly pointer?: string }): number | undefined;
  /** JSON value at a pointer, re-serialized; undefined when absent or not JSON */
  pointer(ref: FileRef, pointer: string): unknown;
}

export interface Snapshot {
  readonly bundles: readonly BundleMeta[];
  readonly problems: readonly LoadProblem[];
  readonly files: FileIndex;
  readonly cluster: ClusterState;
  /** host data by node name */
  readonly hosts: ReadonlyMap<string, HostState>;
  readonly derived: Derived;
  readonly index: Indexes;
  /** collection time of the newest bundle: rules use this, never the clock */
  readonly now?: string;
  /** the index of a `netsnap collect` folder (collection.json), when one was analyzed */
  readonly collection?: import('./collection.js').SnapshotCollection;
}
