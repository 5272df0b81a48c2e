// The catalog of bundle sources: the one place that says which id lives at which path.
// The collector (collector/netsnap-collect.sh) writes these ids and paths; docs/bundle-format.md
// documents them and a test checks that script, doc and this list agree.

export type SourceScope = 'cluster' | 'host';

export interface SourceSpec {
  /** stable id recorded in manifest.json, e.g. `host.iptables-save` */
  readonly id: string;
  /** path inside the bundle */
  readonly path: string;
  readonly scope: SourceScope;
  /** the command (or file read) the collector runs for it, as documented */
  readonly command: string;
}

export const FIXED_SOURCES: readonly SourceSpec[] = [
  // cluster: kubectl, JSON
  { id: 'cluster.version', path: 'cluster/version.json', scope: 'cluster', command: 'kubectl version -o json' },
  { id: 'cluster.nodes', path: 'cluster/nodes.json', scope: 'cluster', command: 'kubectl get nodes -o json' },
  { id: 'cluster.pods', path: 'cluster/pods.json', scope: 'cluster', command: 'kubectl get pods -A -o json' },
  {
    id: 'cluster.services',
    path: 'cluster/services.json',
    scope: 'cluster',
    command: 'kubectl get services -A -o json',
  },
  {
    id: 'cluster.endpoints',
    path: 'cluster/endpoints.json',
    scope: 'cluster',
    command: 'kubectl get endpoints -A -o json',
  },
  {
    id: 'cluster.endpointslices',
    path: 'cluster/endpointslices.json',
    scope: 'cluster',
    command: 'kubectl get endpointslices.discovery.k8s.io -A -o json',
  },
  {
    id: 'cluster.daemonsets',
    path: 'cluster/daemonsets.json',
    scope: 'cluster',
    command: 'kubectl get daemonsets -A -o json',
  },
  {
    id: 'cluster.deployments',
    path: 'cluster/deployments.json',
    scope: 'cluster',
    command: 'kubectl get deployments -A -o json',
  },
  { id: 'cluster.events', path: 'cluster/events.json', scope: 'cluster', command: 'kubectl get events -A -o json' },
  // Calico's CRDs (crd.projectcalico.org/v1): `absent` where Calico is not installed (the API says NotFound)
  {
    id: 'cluster.calico.ippools',
    path: 'cluster/calico/ippools.json',
    scope: 'cluster',
    command: 'kubectl get ippools.crd.projectcalico.org -A -o json',
  },
  {
    id: 'cluster.calico.felixconfigurations',
    path: 'cluster/calico/felixconfigurations.json',
    scope: 'cluster',
    command: 'kubectl get felixconfigurations.crd.projectcalico.org -A -o json',
  },
  {
    id: 'cluster.calico.bgpconfigurations',
    path: 'cluster/calico/bgpconfigurations.json',
    scope: 'cluster',
    command: 'kubectl get bgpconfigurations.crd.projectcalico.org -A -o json',
  },
  {
    id: 'cluster.calico.bgppeers',
    path: 'cluster/calico/bgppeers.json',
    scope: 'cluster',
    command: 'kubectl get bgppeers.crd.projectcalico.org -A -o json',
  },
  {
    id: 'cluster.calico.ipamblocks',
    path: 'cluster/calico/ipamblocks.json',
    scope: 'cluster',
    command: 'kubectl get ipamblocks.crd.projectcalico.org -A -o json',
  },
  {
    id: 'cluster.calico.globalnetworkpolicies',
    path: 'cluster/calico/globalnetworkpolicies.json',
    scope: 'cluster',
    command: 'kubectl get globalnetworkpolicies.crd.projectcalico.org -A -o json',
  },
  {
    id: 'cluster.calico.networkpolicies',
    path: 'cluster/calico/networkpolicies.json',
    scope: 'cluster',
    command: 'kubectl get networkpolicies.crd.projectcalico.org -A -o json',
  },
  {
    id: 'cluster.networkpolicies',
    path: 'cluster/networkpolicies.json',
    scope: 'cluster',
    command: 'kubectl get networkpolicies.networking.k8s.io -A -o json',
  },
  {
    id: 'cluster.namespaces',
    path: 'cluster/namespaces.json',
    scope: 'cluster',
    command: 'kubectl get namespaces -A -o json',
  },
  // host: this node
  { id: 'host.iptables-save', path: 'host/iptables-save.txt', scope: 'host', command: 'iptables-save' },
  {
    id: 'host.iptables-legacy-save',
    path: 'host/iptables-legacy-save.txt',
    scope: 'host',
    command: 'iptables-legacy-save',
  },
  { id: 'host.iptables-nft-save', path: 'host/iptables-nft-save.txt', scope: 'host', command: 'iptables-nft-save' },
  { id: 'host.ip6tables-save', path: 'host/ip6tables-save.txt', scope: 'host', command: 'ip6tables-save' },
  { id: 'host.iptables-version', path: 'host/iptables-version.txt', scope: 'host', command: 'iptables --version' },
  { id: 'host.nft-ruleset', path: 'host/nft-ruleset.txt', scope: 'host', command: 'nft list ruleset' },
  { id: 'host.nft-ruleset-json', path: 'host/nft-ruleset.json', scope: 'host', command: 'nft -j list ruleset' },
  { id: 'host.ipvsadm', path: 'host/ipvsadm.txt', scope: 'host', command: 'ipvsadm -Ln' },
  {
    id: 'host.ipvsadm-stats',
    path: 'host/ipvsadm-stats.txt',
    scope: 'host',
    command: 'ipvsadm -Ln --stats',
  },
  { id: 'host.ipset', path: 'host/ipset-list.txt', scope: 'host', command: 'ipset list -n' },
  // the members too: the tracer evaluates `-m set --match-set KUBE-CLUSTER-IP dst,dst` from them
  { id: 'host.ipset-members', path: 'host/ipset-members.txt', scope: 'host', command: 'ipset list' },
  { id: 'host.ip-addr', path: 'host/ip-addr.json', scope: 'host', command: 'ip -j -d addr show' },
  { id: 'host.ip-link', path: 'host/ip-link.json', scope: 'host', command: 'ip -j -d link show' },
  { id: 'host.ip-route', path: 'host/ip-route.json', scope: 'host', command: 'ip -j route show table all' },
  { id: 'host.ip-rule', path: 'host/ip-rule.json', scope: 'host', command: 'ip -j rule show' },
  { id: 'host.ip-neigh', path: 'host/ip-neigh.json', scope: 'host', command: 'ip -j neigh show' },
  { id: 'host.bridge-fdb', path: 'host/bridge-fdb.json', scope: 'host', command: 'bridge -j fdb show dev flannel.1' },
  { id: 'host.ip-version', path: 'host/ip-version.txt', scope: 'host', command: 'ip -V' },
  { id: 'host.sysctl', path: 'host/sysctl.txt', scope: 'host', command: 'read /proc/sys/<key> for each listed key' },
  { id: 'host.modules', path: 'host/modules.txt', scope: 'host', command: 'cat /proc/modules' },
  { id: 'host.resolv-conf', path: 'host/resolv.conf', scope: 'host', command: 'cat /etc/resolv.conf' },
  {
    id: 'host.resolved-resolv-conf',
    path: 'host/resolved-resolv.conf',
    scope: 'host',
    command: 'cat /run/systemd/resolve/resolv.conf',
  },
  {
    id: 'host.kubelet-config',
    path: 'host/kubelet-config.yaml',
    scope: 'host',
    command: 'cat /var/lib/kubelet/config.yaml',
  },
  {
    id: 'host.kubelet-flags',
    path: 'host/kubeadm-flags.env',
    scope: 'host',
    command: 'cat /var/lib/kubelet/kubeadm-flags.env',
  },
  {
    id: 'host.flannel-subnet-env',
    path: 'host/flannel-subnet.env',
    scope: 'host',
    command: 'cat /run/flannel/subnet.env',
  },
  { id: 'host.conntrack-stats', path: 'host/conntrack-stats.txt', scope: 'host', command: 'conntrack -S' },
  // kube-proxy's own Prometheus metrics from its metricsBindAddress (docs/metrics.md); read-only HTTP GET
  {
    id: 'host.kube-proxy-metrics',
    path: 'host/metrics/kube-proxy.prom',
    scope: 'host',
    command: 'GET http://127.0.0.1:10249/metrics',
  },
  { id: 'host.os-release', path: 'host/os-release', scope: 'host', command: 'cat /etc/os-release' },
  { id: 'host.uname', path: 'host/uname.txt', scope: 'host', command: 'uname -a' },
  { id: 'host.hostname', path: 'host/hostname.txt', scope: 'host', command: 'hostname' },
];

/**
 * Distribution sources: fixed ids and paths, but recorded only where they exist on the node (a k3s
 * config on a k3s node, the unit list where systemd unit directories exist), so a kubeadm node's
 * manifest does not carry eight `absent` records and bundles of collector 1.0 stay complete.
 * `scrub` = copied with the values of secret-like keys and flags (token, agent-token,
 * datastore-endpoint, *secret*, *password*, *key*...) replaced by the collector
 * (docs/collector.md); a file that exists but cannot be read is `denied`.
 */
export const DISTRO_SOURCES: readonly SourceSpec[] = [
  { id: 'host.k3s-config', path: 'host/k3s/config.yaml', scope: 'host', command: 'scrub /etc/rancher/k3s/config.yaml' },
  {
    id: 'host.rke2-config',
    path: 'host/rke2/config.yaml',
    scope: 'host',
    command: 'scrub /etc/rancher/rke2/config.yaml',
  },
  // the k3s install script puts INSTALL_K3S_EXEC flags (--flannel-backend none...) into ExecStart
  {
    id: 'host.k3s-service',
    path: 'host/k3s/k3s.service',
    scope: 'host',
    command: 'scrub /etc/systemd/system/k3s.service',
  },
  {
    id: 'host.k3s-agent-service',
    path: 'host/k3s/k3s-agent.service',
    scope: 'host',
    command: 'scrub /etc/systemd/system/k3s-agent.service',
  },
  // the node name calico-node registered with (its CNI plugin fails without this file)
  { id: 'host.calico-nodename', path: 'host/calico/nodename', scope: 'host', command: 'cat /var/lib/calico/nodename' },
  {
    id: 'host.k3s-flannel-net-conf',
    path: 'host/k3s/flannel-net-conf.json',
    scope: 'host',
    command: 'cat /var/lib/rancher/k3s/agent/etc/flannel/net-conf.json',
  },
  {
    id: 'host.microk8s-kube-proxy-args',
    path: 'host/microk8s/args/kube-proxy',
    scope: 'host',
    command: 'scrub /var/snap/microk8s/current/args/kube-proxy',
  },
  {
    id: 'host.microk8s-kubelet-args',
    path: 'host/microk8s/args/kubelet',
    scope: 'host',
    command: 'scrub /var/snap/microk8s/current/args/kubelet',
  },
  {
    id: 'host.snap-kube-proxy-args',
    path: 'host/snap/kube-proxy-args',
    scope: 'host',
    command: 'scrub /var/snap/kube-proxy/current/args',
  },
  {
    id: 'host.snap-kubelet-args',
    path: 'host/snap/kubelet-args',
    scope: 'host',
    command: 'scrub /var/snap/kubelet/current/args',
  },
  {
    id: 'host.systemd-units',
    path: 'host/systemd-units.txt',
    scope: 'host',
    command: 'list the unit files of known Kubernetes units',
  },
  // k3s under OpenRC (Alpine) logs here instead of journald
  { id: 'host.k3s-log', path: 'host/k3s/k3s.log', scope: 'host', command: 'tail -n N /var/log/k3s.log' },
  // opt-in: only with --probe, the one mode that sends packets (docs/probes.md)
  { id: 'host.probes', path: 'host/probes.json', scope: 'host', command: 'probe matrix (--probe)' },
];

/**
 * Sources whose ids and paths are built from a name found at collection time.
 * `<ns>`, `<name>`, `<pod>`, `<container>`, `<file>` are placeholders.
 */
export const PATTERN_SOURCES: readonly SourceSpec[] = [
  {
    id: 'cluster.configmap.<ns>.<name>',
    path: 'cluster/configmaps/<ns>/<name>.json',
    scope: 'cluster',
    command: 'kubectl get configmap -n <ns> <name> -o json',
  },
  {
    id: 'cluster.log.<ns>.<pod>.<container>',
    path: 'cluster/logs/<ns>/<pod>/<container>.log',
    scope: 'cluster',
    command: 'kubectl logs -n <ns> <pod> -c <container> --timestamps --tail N',
  },
  {
    id: 'cluster.log.<ns>.<pod>.<container>.previous',
    path: 'cluster/logs/<ns>/<pod>/<container>.previous.log',
    scope: 'cluster',
    command: 'kubectl logs -n <ns> <pod> -c <container> --timestamps --tail N --previous',
  },
  {
    id: 'cluster.metrics.coredns.<pod>',
    path: 'cluster/metrics/coredns/<pod>.prom',
    scope: 'cluster',
    command: 'kubectl get --raw /api/v1/namespaces/kube-system/pods/<pod>:9153/proxy/metrics',
  },
  { id: 'host.cni.<file>', path: 'host/cni/<file>', scope: 'host', command: 'cat /etc/cni/net.d/<file>' },
  {
    id: 'host.k3s-config-d.<file>',
    path: 'host/k3s/config.yaml.d/<file>',
    scope: 'host',
    command: 'scrub /etc/rancher/k3s/config.yaml.d/<file>',
  },
  {
    id: 'host.rke2-config-d.<file>',
    path: 'host/rke2/config.yaml.d/<file>',
    scope: 'host',
    command: 'scrub /etc/rancher/rke2/config.yaml.d/<file>',
  },
  {
    id: 'host.k3s-cni.<file>',
    path: 'host/k3s/cni/<file>',
    scope: 'host',
    command: 'cat /var/lib/rancher/k3s/agent/etc/cni/net.d/<file>',
  },
  {
    id: 'host.microk8s-cni.<file>',
    path: 'host/microk8s/cni-network/<file>',
    scope: 'host',
    command: 'scrub /var/snap/microk8s/current/args/cni-network/<file>',
  },
  {
    id: 'host.static-pod.<file>',
    path: 'host/static-pods/<file>',
    scope: 'host',
    command: 'scrub /etc/kubernetes/manifests/<file>',
  },
  {
    id: 'host.rke2-static-pod.<file>',
    path: 'host/rke2/pod-manifests/<file>',
    scope: 'host',
    command: 'scrub /var/lib/rancher/rke2/agent/pod-manifests/<file>',
  },
  {
    id: 'host.journal.<unit>',
    path: 'host/journal/<unit>.log',
    scope: 'host',
    command: 'journalctl -u <unit> --no-pager -n N -o short-iso',
  },
  {
    id: 'host.pod-log.<ns>.<pod>.<container>',
    path: 'host/pod-logs/<ns>/<pod>/<container>.log',
    scope: 'host',
    command: 'tail -n N /var/log/pods/<ns>_<pod>_<uid>/<container>/<newest>.log',
  },
  {
    id: 'host.pod-log.<ns>.<pod>.<container>.previous',
    path: 'host/pod-logs/<ns>/<pod>/<container>.previous.log',
    scope: 'host',
    command: 'tail -n N /var/log/pods/<ns>_<pod>_<uid>/<container>/<second newest>.log',
  },
];

/** systemd units whose journal the collector reads when their unit file exists (host.journal.<unit>). */
export const JOURNAL_UNITS: readonly string[] = [
  'k3s',
  'k3s-agent',
  'rke2-server',
  'rke2-agent',
  'kubelet',
  'kube-proxy',
  'snap.kubelet.daemon',
  'snap.kube-proxy.daemon',
  'snap.microk8s.daemon-kubelite',
  'snap.microk8s.daemon-kubelet',
  'snap.microk8s.daemon-proxy',
  'snap.microk8s.daemon-flanneld',
  'flanneld',
  'flannel',
  'containerd',
  'docker',
];

/** namespaces and container names of the pod logs read from /var/log/pods (host.pod-log.*). */
export const HOST_LOG_NAMESPACES: readonly string[] = ['kube-system', 'kube-flannel', 'calico-system'];
export const HOST_LOG_CONTAINERS: readonly string[] = ['coredns', 'kube-proxy', 'kube-flannel', 'calico-node'];

/** ConfigMaps the collector may read; nothing else, and never a Secret. */
export const CONFIGMAP_ALLOW_LIST: readonly { namespace: string; name: string }[] = [
  { namespace: 'kube-system', name: 'coredns' },
  { namespace: 'kube-system', name: 'kube-proxy' },
  { namespace: 'kube-system', name: 'kube-flannel-cfg' },
  { namespace: 'kube-flannel', name: 'kube-flannel-cfg' },
  { namespace: 'kube-system', name: 'kubeadm-config' },
  { namespace: 'kube-system', name: 'kubelet-config' },
  // k3s and AKS: server blocks and overrides imported into the Corefile (k3s-io/k3s#4397)
  { namespace: 'kube-system', name: 'coredns-custom' },
  // RKE2's CoreDNS chart names its Corefile ConfigMap after the release
  { namespace: 'kube-system', name: 'rke2-coredns-rke2-coredns' },
];

/** /proc/sys keys the collector reads, written to host/sysctl.txt as `key = value`. */
export const SYSCTL_KEYS: readonly string[] = [
  'net.ipv4.ip_forward',
  'net.ipv4.conf.all.forwarding',
  'net.ipv4.conf.all.rp_filter',
  'net.ipv4.conf.default.rp_filter',
  // the interfaces pod traffic enters (SYS-109); sysctl writes an interface's dot as a slash
  'net.ipv4.conf.cni0.rp_filter',
  'net.ipv4.conf.flannel/1.rp_filter',
  'net.ipv4.conf.tunl0.rp_filter',
  'net.ipv4.conf.vxlan/calico.rp_filter',
  'net.ipv4.conf.all.route_localnet',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
  'net.ipv6.conf.all.forwarding',
  'net.netfilter.nf_conntrack_max',
  'net.netfilter.nf_conntrack_count',
  'net.netfilter.nf_conntrack_buckets',
  'net.netfilter.nf_conntrack_tcp_timeout_established',
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
  'net.ipv4.vs.conntrack',
  'net.ipv4.vs.conn_reuse_mode',
  'net.ipv4.vs.expire_nodest_conn',
];

const FIXED_BY_PATH = new Map([...FIXED_SOURCES, ...DISTRO_SOURCES].map((s) => [s.path, s]));
const FIXED_BY_ID = new Map([...FIXED_SOURCES, ...DISTRO_SOURCES].map((s) => [s.id, s]));

export function sourceById(id: string): SourceSpec | undefined {
  return FIXED_BY_ID.get(id);
}

export function sourceByPath(path: string): SourceSpec | undefined {
  return FIXED_BY_PATH.get(path);
}

export const configMapPath = (ns: string, name: string): string => `cluster/configmaps/${ns}/${name}.json`;
export const configMapSourceId = (ns: string, name: string): string => `cluster.configmap.${ns}.${name}`;
export const logPath = (ns: string, pod: string, container: string, previous = false): string =>
  `cluster/logs/${ns}/${pod}/${container}${previous ? '.previous' : ''}.log`;
export const logSourceId = (ns: string, pod: string, container: string, previous = false): string =>
  `cluster.log.${ns}.${pod}.${container}${previous ? '.previous' : ''}`;
export const hostLogPath = (ns: string, pod: string, container: string, previous = false): string =>
  `host/pod-logs/${ns}/${pod}/${container}${previous ? '.previous' : ''}.log`;
