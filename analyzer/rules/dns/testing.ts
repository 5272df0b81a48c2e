// In-memory cluster files for the DNS rule tests: a kubeadm-like CoreDNS setup that is healthy by
// default, with knobs to break it the way real clusters break.
import { KUBEADM_COREFILE as KUBEADM_COREFILE_TEXT } from '../../model/kubeadm-defaults.js';
import {
  configMapJson,
  deploymentJson,
  endpointsJson,
  kubeList,
  nodeJson,
  podJson,
  serviceJson,
  snapshotOf,
} from '../../model/testing.js';
import type { Snapshot } from '../../model/types.js';

/** kubeadm 1.27-1.31 default Corefile (real, /work/shared/reference/06-coredns.txt [Y]) */
export const KUBEADM_COREFILE = KUBEADM_COREFILE_TEXT;

export { corefileForwardingTo as corefileWithForward } from '../../model/kubeadm-defaults.js';

export interface DnsSetup {
  corefile?: string | null;
  nodes?: readonly string[];
  /** per CoreDNS pod: ready, node, waiting reason, restarts */
  pods?: readonly { name: string; node?: string; ready?: boolean; waitingReason?: string; restarts?: number }[];
  replicas?: number;
  /** CoreDNS container logs by pod name */
  logs?: Readonly<Record<string, string>>;
  probes?: { readiness?: object | null; liveness?: object | null };
  kubeDnsIP?: string;
  /** extra host/... or cluster/... files */
  files?: Readonly<Record<string, string | object>>;
  omit?: readonly string[];
}

const COREDNS_CONTAINER = (probes: DnsSetup['probes']) => ({
  name: 'coredns',
  image: 'registry.k8s.io/coredns/coredns:v1.11.1',
  ports: [
    { containerPort: 53, name: 'dns', protocol: 'UDP' },
    { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
    { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
  ],
  ...(probes?.liveness !== null
    ? {
        livenessProbe: probes?.liveness ?? {
          httpGet: { path: '/health', port: 8080, scheme: 'HTTP' },
          initialDelaySeconds: 60,
          timeoutSeconds: 5,
        },
      }
    : {}),
  ...(probes?.readiness !== null
    ? { readinessProbe: probes?.readiness ?? { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' } } }
    : {}),
});

export function dnsFiles(o: DnsSetup = {}): Record<string, string | object> {
  const nodes = o.nodes ?? ['cp-1', 'worker-1'];
  const pods = o.pods ?? [
    { name: 'coredns-6f6b679f8f-rgq7r', node: nodes[0] },
    { name: 'coredns-6f6b679f8f-x8k2p', node: nodes[1] ?? nodes[0] },
  ];
  const container = COREDNS_CONTAINER(o.probes);
  const podObjs = pods.map((p, i) =>
    podJson({
      name: p.name,
      namespace: 'kube-system',
      node: p.node,
      ip: `10.244.${i}.2`,
      labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '6f6b679f8f' },
      ready: p.ready,
      waitingReason: p.waitingReason,
      restarts: p.restarts,
      containers: [container],
    }),
  );
  const ready = pods.map((p, i) => ({
    ip: `10.244.${i}.2`,
    node: p.node,
    pod: p.name,
    ok: p.ready !== false && !p.waitingReason,
  }));
  const files: Record<string, string | object> = {
    'cluster/nodes.json': kubeList(
      nodes.map((n, i) => nodeJson({ name: n, podCIDR: `10.244.${i}.0/24`, internalIP: `192.168.56.${10 + i}` })),
    ),
    'cluster/pods.json': kubeList(podObjs),
    'cluster/services.json': kubeList([
      serviceJson({
        name: 'kube-dns',
        namespace: 'kube-system',
        clusterIP: o.kubeDnsIP ?? '10.96.0.10',
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
      }),
    ]),
    'cluster/endpoints.json': kubeList([
      endpointsJson({
        name: 'kube-dns',
        namespace: 'kube-system',
        ready: ready.filter((r) => r.ok).map(({ ip, node, pod }) => ({ ip, node, pod })),
        notReady: ready.filter((r) => !r.ok).map(({ ip, node, pod }) => ({ ip, node, pod })),
        ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
      }),
    ]),
    'cluster/deployments.json': kubeList([
      deploymentJson({
        name: 'coredns',
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-dns' },
        replicas: o.replicas ?? pods.length,
        ready: ready.filter((r) => r.ok).length,
        containers: [container],
      }),
    ]),
  };
  if (o.corefile !== null)
    files['cluster/configmaps/kube-system/coredns.json'] = configMapJson({
      name: 'coredns',
      data: { Corefile: o.corefile ?? KUBEADM_COREFILE },
    });
  for (const [pod, text] of Object.entries(o.logs ?? {})) files[`cluster/logs/kube-system/${pod}/coredns.log`] = text;
  Object.assign(files, o.files ?? {});
  for (const k of o.omit ?? []) delete files[k];
  return files;
}

export function dnsSnapshot(o: DnsSetup = {}, node = 'cp-1'): Snapshot {
  return snapshotOf({ node, files: dnsFiles(o) });
}

/** the article's log line: CoreDNS cannot reach the typo'd upstream */
export const timeoutLine = (upstream: string, port = 45678): string =>
  `2025-01-15T09:58:01.123456789Z [ERROR] plugin/errors: 2 example.com. A: read udp 10.244.0.2:${port}->${upstream}:53: i/o timeout`;
