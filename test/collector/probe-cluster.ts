// The cluster objects the fake API server serves for the probe lab (test/helpers/probe-lab.ts):
// two flannel nodes, web-1/web-2 and one CoreDNS pod, the kubernetes and kube-dns Services with
// their endpoints, and a kubeadm Corefile whose `forward .` names the lab's upstream DNS server.
// `bad-upstream` is the article's incident: `forward . 233.5.5.5`, CoreDNS logging i/o timeouts,
// its pod NotReady and crash-looping, kube-dns without ready endpoints.
import type { FakeApiServerOptions } from '../helpers/apiserver.js';
import {
  BAD_UPSTREAM_DNS,
  POD_UID,
  SERVICE_CIDR_API,
  SERVICE_CIDR_DNS,
  SERVICE_CIDR_WEB,
  UPSTREAM_DNS,
  type ProbeLab,
} from '../helpers/probe-lab.js';

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

const pod = (
  ns: string,
  name: string,
  uid: string,
  nodeName: string,
  ip: string,
  labels: Record<string, string>,
  container = 'main',
  crashing = false,
) => ({
  metadata: { name, namespace: ns, uid, labels },
  spec: { nodeName, containers: [{ name: container, image: 'busybox:1.36' }] },
  status: {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [{ type: 'Ready', status: crashing ? 'False' : 'True' }],
    containerStatuses: [
      crashing
        ? {
            name: container,
            ready: false,
            restartCount: 7,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error' } },
          }
        : { name: container, ready: true, restartCount: 0, state: { running: {} } },
    ],
  },
});

const COREDNS_POD = 'coredns-5d78c9869d-qk2xw';

export const probeCorefile = (upstream: string): string => `.:53 {
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
    forward . ${upstream} {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

export type ProbeClusterVariant = 'healthy' | 'bad-upstream';

export function probeCluster(lab: ProbeLab, variant: ProbeClusterVariant = 'healthy'): FakeApiServerOptions {
  const bad = variant === 'bad-upstream';
  const upstream = bad ? BAD_UPSTREAM_DNS : UPSTREAM_DNS;
  const dnsAddress = {
    ip: lab.pods.coredns.ip,
    nodeName: 'worker-2',
    targetRef: { kind: 'Pod', namespace: 'kube-system', name: COREDNS_POD },
  };
  return {
    logs: {
      [`kube-system/${COREDNS_POD}/coredns`]: [
        '2026-12-06T15:00:00.000000000Z .:53',
        '2026-12-06T15:00:00.000000000Z CoreDNS-1.11.3',
        ...(bad
          ? [
              `2026-12-06T15:00:02.000000000Z [ERROR] plugin/errors: 2 4418183520126394401.1583921432981394093. HINFO: read udp ${lab.pods.coredns.ip}:48230->${upstream}:53: i/o timeout`,
              `2026-12-06T15:00:09.000000000Z [ERROR] plugin/errors: 2 kubernetes.io. A: read udp ${lab.pods.coredns.ip}:51872->${upstream}:53: i/o timeout`,
              `2026-12-06T15:00:11.000000000Z [ERROR] plugin/errors: 2 kubernetes.io. AAAA: read udp ${lab.pods.coredns.ip}:40117->${upstream}:53: i/o timeout`,
            ]
          : []),
      ],
    },
    objects: {
      namespaces: ['default', 'kube-system'].map((name) => ({ metadata: { name }, status: { phase: 'Active' } })),
      nodes: [
        node('worker-1', lab.nodes['worker-1'].ip, '10.244.1.0/24'),
        node('worker-2', lab.nodes['worker-2'].ip, '10.244.2.0/24'),
      ],
      pods: [
        // host-network kube-proxy pods first: never a pod vantage
        ...(['worker-1', 'worker-2'] as const).map((n, k) => ({
          ...pod(
            'kube-system',
            `kube-proxy-${k + 1}`,
            `aaaaaaaa-0000-4000-8000-00000000000${k + 1}`,
            n,
            lab.nodes[n].ip,
            {
              'k8s-app': 'kube-proxy',
            },
          ),
          spec: { nodeName: n, hostNetwork: true, containers: [{ name: 'kube-proxy' }] },
        })),
        pod('default', 'web-1', POD_UID['web-1'], 'worker-1', lab.pods['web-1'].ip, { app: 'web' }),
        pod('default', 'web-2', POD_UID['web-2'], 'worker-2', lab.pods['web-2'].ip, { app: 'web' }),
        pod(
          'kube-system',
          COREDNS_POD,
          POD_UID.coredns,
          'worker-2',
          lab.pods.coredns.ip,
          { 'k8s-app': 'kube-dns' },
          'coredns',
          bad,
        ),
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
          metadata: { name: 'web', namespace: 'default' },
          spec: {
            type: 'ClusterIP',
            clusterIP: SERVICE_CIDR_WEB,
            selector: { app: 'web' },
            ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
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
      endpoints: [
        {
          metadata: { name: 'kubernetes', namespace: 'default' },
          subsets: [
            { addresses: [{ ip: lab.nodes['worker-2'].ip }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
          ],
        },
        {
          metadata: { name: 'web', namespace: 'default' },
          subsets: [
            {
              addresses: [
                {
                  ip: lab.pods['web-2'].ip,
                  nodeName: 'worker-2',
                  targetRef: { kind: 'Pod', namespace: 'default', name: 'web-2' },
                },
              ],
              ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
            },
          ],
        },
        {
          metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
          subsets: [
            {
              [bad ? 'notReadyAddresses' : 'addresses']: [dnsAddress],
              ports: [
                { name: 'dns', port: 53, protocol: 'UDP' },
                { name: 'dns-tcp', port: 53, protocol: 'TCP' },
              ],
            },
          ],
        },
      ],
      endpointslices: [
        {
          metadata: {
            name: 'kube-dns-x7k2p',
            namespace: 'kube-system',
            labels: { 'kubernetes.io/service-name': 'kube-dns', 'k8s-app': 'kube-dns' },
          },
          addressType: 'IPv4',
          endpoints: [
            {
              addresses: [lab.pods.coredns.ip],
              conditions: { ready: !bad, serving: !bad, terminating: false },
              nodeName: 'worker-2',
              targetRef: dnsAddress.targetRef,
            },
          ],
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP' },
            { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          ],
        },
      ],
      configmaps: [
        { metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: probeCorefile(upstream) } },
      ],
    },
  };
}
