// The cluster objects the fake API server serves for the probe lab (test/helpers/probe-lab.ts):
// two flannel nodes, web-1/web-2 and one CoreDNS pod, the kubernetes and kube-dns Services, and a
// kubeadm Corefile whose `forward .` names the lab's upstream DNS server.
import type { FakeApiServerOptions } from '../helpers/apiserver.js';
import { POD_UID, SERVICE_CIDR_API, SERVICE_CIDR_DNS, UPSTREAM_DNS, type ProbeLab } from '../helpers/probe-lab.js';

const node = (name: string, ip: string, podCIDR: string) => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  spec: { podCIDR, podCIDRs: [podCIDR] },
  status: {
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
    addresses: [
      { type: 'InternalIP', address: ip },
      { type: 'Hostname', address: name },
    ],
    nodeInfo: { kubeletVersion: 'v1.32.4', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)' },
  },
});

const pod = (ns: string, name: string, uid: string, nodeName: string, ip: string, labels: Record<string, string>) => ({
  metadata: { name, namespace: ns, uid, labels },
  spec: { nodeName, containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status: {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'main', ready: true, restartCount: 0, state: { running: {} } }],
  },
});

export const PROBE_COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . ${UPSTREAM_DNS} {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

export function probeCluster(lab: ProbeLab): FakeApiServerOptions {
  return {
    objects: {
      namespaces: ['default', 'kube-system'].map((name) => ({ metadata: { name }, status: { phase: 'Active' } })),
      nodes: [
        node('worker-1', lab.nodes['worker-1'].ip, '10.244.1.0/24'),
        node('worker-2', lab.nodes['worker-2'].ip, '10.244.2.0/24'),
      ],
      pods: [
        // a host-network pod on worker-1 first: never a pod vantage
        {
          ...pod(
            'kube-system',
            'kube-proxy-w1',
            'aaaaaaaa-0000-4000-8000-000000000001',
            'worker-1',
            lab.nodes['worker-1'].ip,
            {
              'k8s-app': 'kube-proxy',
            },
          ),
          spec: { nodeName: 'worker-1', hostNetwork: true, containers: [{ name: 'kube-proxy' }] },
        },
        pod('default', 'web-1', POD_UID['web-1'], 'worker-1', lab.pods['web-1'].ip, { app: 'web' }),
        pod('default', 'web-2', POD_UID['web-2'], 'worker-2', lab.pods['web-2'].ip, { app: 'web' }),
        pod('kube-system', 'coredns-5d78c9869d-qk2xw', POD_UID.coredns, 'worker-2', lab.pods.coredns.ip, {
          'k8s-app': 'kube-dns',
        }),
      ],
      services: [
        {
          metadata: { name: 'kubernetes', namespace: 'default' },
          spec: {
            type: 'ClusterIP',
            clusterIP: SERVICE_CIDR_API,
            ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
          },
        },
        {
          metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
          spec: {
            type: 'ClusterIP',
            clusterIP: SERVICE_CIDR_DNS,
            selector: { 'k8s-app': 'kube-dns' },
            ports: [
              { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
              { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
            ],
          },
        },
      ],
      configmaps: [{ metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: PROBE_COREFILE } }],
    },
  };
}
