// A small two-node kubeadm + flannel cluster for the collector tests, in the shapes of
// /work/shared/reference/09-kubectl-json-shapes.txt (real NodeList/Pod fields) and 06/07 (CoreDNS,
// kube-proxy ConfigMaps). worker-1 is the node under collection; one CoreDNS pod crash-loops.
import { KUBEADM_COREFILE } from '../../analyzer/model/kubeadm-defaults.js';
import type { FakeApiServerOptions } from '../helpers/apiserver.js';

export const NODE = 'worker-1';

const node = (name: string, ip: string, podCIDR: string) => ({
  metadata: {
    name,
    labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' },
    annotations: {
      'flannel.alpha.coreos.com/backend-type': 'vxlan',
      'flannel.alpha.coreos.com/public-ip': ip,
      'flannel.alpha.coreos.com/backend-data': '{"VNI":1,"VtepMAC":"5e:3f:2a:11:22:33"}',
    },
  },
  spec: { podCIDR, podCIDRs: [podCIDR] },
  status: {
    conditions: [
      { type: 'NetworkUnavailable', status: 'False', reason: 'FlannelIsUp' },
      { type: 'Ready', status: 'True', reason: 'KubeletReady' },
    ],
    addresses: [
      { type: 'InternalIP', address: ip },
      { type: 'Hostname', address: name },
    ],
    nodeInfo: {
      kubeletVersion: 'v1.32.4',
      kubeProxyVersion: '',
      kernelVersion: '6.1.0',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
    },
  },
});

interface PodSpec {
  ns: string;
  name: string;
  node: string;
  ip: string;
  labels: Record<string, string>;
  containers: string[];
  ready?: boolean;
  restarts?: number;
}

const pod = (p: PodSpec) => ({
  metadata: { name: p.name, namespace: p.ns, labels: p.labels },
  spec: { nodeName: p.node, containers: p.containers.map((name) => ({ name, image: `${name}:test` })) },
  status: {
    phase: 'Running',
    podIP: p.ip,
    podIPs: [{ ip: p.ip }],
    conditions: [{ type: 'Ready', status: p.ready === false ? 'False' : 'True' }],
    containerStatuses: p.containers.map((name) => ({
      name,
      ready: p.ready !== false,
      restartCount: p.restarts ?? 0,
      state:
        p.ready === false
          ? { waiting: { reason: 'CrashLoopBackOff' } }
          : { running: { startedAt: '2025-11-27T09:00:00Z' } },
      ...(p.restarts ? { lastState: { terminated: { exitCode: 1, reason: 'Error' } } } : {}),
    })),
  },
});

export const PODS = [
  pod({
    ns: 'kube-system',
    name: 'coredns-668d6bf9bc-s2444',
    node: 'control-plane',
    ip: '10.244.0.2',
    labels: { 'k8s-app': 'kube-dns' },
    containers: ['coredns'],
  }),
  pod({
    ns: 'kube-system',
    name: 'coredns-668d6bf9bc-m9wgw',
    node: NODE,
    ip: '10.244.1.2',
    labels: { 'k8s-app': 'kube-dns' },
    containers: ['coredns'],
    ready: false,
    restarts: 6,
  }),
  pod({
    ns: 'kube-system',
    name: 'kube-proxy-abcde',
    node: 'control-plane',
    ip: '192.168.56.10',
    labels: { 'k8s-app': 'kube-proxy' },
    containers: ['kube-proxy'],
  }),
  pod({
    ns: 'kube-system',
    name: 'kube-proxy-fghij',
    node: NODE,
    ip: '192.168.56.11',
    labels: { 'k8s-app': 'kube-proxy' },
    containers: ['kube-proxy'],
  }),
  pod({
    ns: 'kube-flannel',
    name: 'kube-flannel-ds-aaaaa',
    node: 'control-plane',
    ip: '192.168.56.10',
    labels: { app: 'flannel' },
    containers: ['kube-flannel'],
  }),
  pod({
    ns: 'kube-flannel',
    name: 'kube-flannel-ds-bbbbb',
    node: NODE,
    ip: '192.168.56.11',
    labels: { app: 'flannel' },
    containers: ['kube-flannel'],
  }),
  pod({
    ns: 'default',
    name: 'web-7d4b9c',
    node: NODE,
    ip: '10.244.1.5',
    labels: { app: 'web' },
    containers: ['nginx'],
  }),
  // a user app reusing the flannel label outside the flannel namespaces: not a flannel pod
  pod({
    ns: 'default',
    name: 'not-flannel',
    node: NODE,
    ip: '10.244.1.6',
    labels: { app: 'flannel' },
    containers: ['app'],
  }),
];

const svc = (ns: string, name: string, ip: string, ports: object[], selector?: Record<string, string>) => ({
  metadata: { name, namespace: ns },
  spec: { type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], ports, ...(selector ? { selector } : {}) },
});

const daemonSet = (ns: string, name: string, labels: Record<string, string>, container: string) => ({
  metadata: { name, namespace: ns, labels },
  spec: {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { hostNetwork: true, containers: [{ name: container }] } },
  },
  status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2 },
});

const configMap = (ns: string, name: string, data: Record<string, string>) => ({
  metadata: { name, namespace: ns },
  data,
});

export const COREFILE = KUBEADM_COREFILE;

export const CNI_CONFLIST =
  '{\n  "name": "cbr0",\n  "cniVersion": "0.3.1",\n  "plugins": [\n    { "type": "flannel", "delegate": { "hairpinMode": true, "isDefaultGateway": true } },\n    { "type": "portmap", "capabilities": { "portMappings": true } }\n  ]\n}\n';

export const NET_CONF =
  '{\n  "Network": "10.244.0.0/16",\n  "EnableNFTables": false,\n  "Backend": {\n    "Type": "vxlan"\n  }\n}\n';

export const COREDNS_LOG = [
  '[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860026c6a52e67daa10d7f0d57ec5b023288ec00c5e05f93523c894564e15b91770d3a07ae1cfbe861d15b37d4a0027e69c546ab112970993a3b03b',
  'CoreDNS-1.11.3',
  '[ERROR] plugin/errors: 2 6529315447508404434.4417934218377193233. HINFO: read udp 10.244.1.2:48230->233.5.5.5:53: i/o timeout',
];

/** The whole fake cluster; `events` answers 403 and `deployments` never answers. */
export function fakeCluster(): FakeApiServerOptions {
  return {
    objects: {
      // kubectl asks for the namespace after a 404 to word its error
      namespaces: ['default', 'kube-system', 'kube-flannel'].map((name) => ({
        metadata: { name },
        status: { phase: 'Active' },
      })),
      nodes: [node('control-plane', '192.168.56.10', '10.244.0.0/24'), node(NODE, '192.168.56.11', '10.244.1.0/24')],
      networkpolicies: [
        {
          metadata: { name: 'default-deny-ingress', namespace: 'default' },
          spec: { podSelector: {}, policyTypes: ['Ingress'] },
        },
      ],
      pods: PODS,
      services: [
        svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]),
        svc('kube-system', 'kube-dns', '10.96.0.10', [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }], {
          'k8s-app': 'kube-dns',
        }),
        svc('default', 'web', '10.96.0.99', [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], {
          app: 'web',
        }),
      ],
      endpoints: [
        {
          metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
          subsets: [
            {
              addresses: [
                {
                  ip: '10.244.0.2',
                  nodeName: 'control-plane',
                  targetRef: { kind: 'Pod', namespace: 'kube-system', name: 'coredns-668d6bf9bc-s2444' },
                },
              ],
              notReadyAddresses: [
                {
                  ip: '10.244.1.2',
                  nodeName: NODE,
                  targetRef: { kind: 'Pod', namespace: 'kube-system', name: 'coredns-668d6bf9bc-m9wgw' },
                },
              ],
              ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
            },
          ],
        },
      ],
      endpointslices: [
        {
          metadata: {
            name: 'kube-dns-x7k2p',
            namespace: 'kube-system',
            labels: { 'kubernetes.io/service-name': 'kube-dns' },
          },
          addressType: 'IPv4',
          endpoints: [
            {
              addresses: ['10.244.0.2'],
              conditions: { ready: true, serving: true, terminating: false },
              nodeName: 'control-plane',
            },
            {
              addresses: ['10.244.1.2'],
              conditions: { ready: false, serving: false, terminating: false },
              nodeName: NODE,
            },
          ],
          ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
        },
      ],
      daemonsets: [
        daemonSet('kube-system', 'kube-proxy', { 'k8s-app': 'kube-proxy' }, 'kube-proxy'),
        daemonSet('kube-flannel', 'kube-flannel-ds', { app: 'flannel' }, 'kube-flannel'),
      ],
      deployments: [
        {
          metadata: { name: 'coredns', namespace: 'kube-system' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            template: { metadata: { labels: { 'k8s-app': 'kube-dns' } }, spec: { containers: [{ name: 'coredns' }] } },
          },
          status: { replicas: 2, readyReplicas: 1 },
        },
      ],
      configmaps: [
        configMap('kube-system', 'coredns', { Corefile: COREFILE }),
        configMap('kube-system', 'kube-proxy', {
          'config.conf':
            'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16\nmode: ""\n',
        }),
        configMap('kube-flannel', 'kube-flannel-cfg', { 'net-conf.json': NET_CONF, 'cni-conf.json': CNI_CONFLIST }),
        configMap('kube-system', 'kubeadm-config', {
          ClusterConfiguration: 'networking:\n  podSubnet: 10.244.0.0/16\n  serviceSubnet: 10.96.0.0/12\n',
        }),
        // kubelet-config and kube-system/kube-flannel-cfg are missing: the collector records them as absent
      ],
      secrets: [{ metadata: { name: 'do-not-collect', namespace: 'kube-system' }, data: { token: 'c2VjcmV0' } }],
    },
    logs: {
      'kube-system/coredns-668d6bf9bc-s2444/coredns': ['CoreDNS-1.11.3'],
      'kube-system/coredns-668d6bf9bc-m9wgw/coredns': COREDNS_LOG,
      'kube-system/coredns-668d6bf9bc-m9wgw/coredns.previous': [...COREDNS_LOG, '[FATAL] plugin/loop: Loop detected'],
      'kube-system/kube-proxy-fghij/kube-proxy': [
        'I1127 10:00:00.000000       1 server_linux.go:66] "Using iptables proxy"',
      ],
      'kube-flannel/kube-flannel-ds-bbbbb/kube-flannel': [
        'I1127 10:00:00.000000       1 main.go:211] CLI flags config',
      ],
    },
    forbidden: ['events'],
    hang: ['deployments'],
  };
}
