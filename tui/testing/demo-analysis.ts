// The article's full story as an in-memory analysis, so the UI can be built, tested and demoed
// before (and independently of) the real rules: a typo'd CoreDNS upstream (233.5.5.5, multicast,
// meant 223.5.5.5) -> CoreDNS not Ready -> kube-dns without ready endpoints; plus worker-1 missing
// flannel's MASQUERADE. The bundles and the Snapshot are built by the model's own test builders,
// so the FileIndex is the real one and every quote is really at its cited line.
import { corefileForwardingTo } from '../../analyzer/model/kubeadm-defaults.js';
import {
  configMapJson,
  deploymentJson,
  endpointsJson,
  kubeList,
  nodeJson,
  podJson,
  rawBundle,
  serviceJson,
  snapshotOf,
  sourceRecord,
} from '../../analyzer/model/testing.js';
import { embeddedLineEvidence, lineEvidence, objectEvidence } from '../../analyzer/model/evidence.js';
import type { Snapshot } from '../../analyzer/model/types.js';
import type {
  Analysis,
  Chain,
  EvidenceRef,
  Finding,
  Layer,
  Severity,
  Status,
  Subject,
} from '../../analyzer/rules/types.js';
import { traceFromSnapshot } from '../../analyzer/trace/resolve.js';
import type { RuleDoc, TraceRequest, TuiLoadResult } from '../view-models/model.js';
import { IPTABLES_SAVE_HEALTHY, IPTABLES_SAVE_NO_MASQ } from './demo-iptables.js';
import { IP_ADDR_JSON, IP_ROUTE_JSON } from './demo-host.js';

export const W1 = 'netsnap-worker-1-20250115T100000Z';
export const W2 = 'netsnap-worker-2-20250115T100100Z';

export const COREFILE = corefileForwardingTo('233.5.5.5');

const COREDNS_LOG = [
  '2025-01-15T09:58:01.114203817Z [INFO] plugin/ready: Still waiting on: "kubernetes"',
  '2025-01-15T09:58:03.120991120Z [ERROR] plugin/errors: 2 4547991504243258144.3688648895315093531. HINFO: read udp 10.244.1.2:45678->233.5.5.5:53: i/o timeout',
  '2025-01-15T09:58:05.121330012Z [ERROR] plugin/errors: 2 4547991504243258144.3688648895315093531. HINFO: read udp 10.244.1.2:51244->233.5.5.5:53: i/o timeout',
  '2025-01-15T09:58:07.125511092Z [ERROR] plugin/errors: 2 kubernetes.default.svc.cluster.local.localdomain. A: read udp 10.244.1.2:39012->233.5.5.5:53: i/o timeout',
  '',
].join('\n');

const SYSCTL = 'net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\nnet.ipv4.conf.all.rp_filter = 0\n';

function buildSnapshot(): Snapshot {
  const corednsPods = [
    podJson({
      name: 'coredns-668d6bf9bc-m9wgw',
      namespace: 'kube-system',
      node: 'worker-1',
      ip: '10.244.1.2',
      labels: { 'k8s-app': 'kube-dns' },
      ready: false,
      containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }],
    }),
    podJson({
      name: 'coredns-668d6bf9bc-x7k2p',
      namespace: 'kube-system',
      node: 'worker-2',
      hostIP: '192.168.56.12',
      ip: '10.244.2.3',
      labels: { 'k8s-app': 'kube-dns' },
      ready: false,
      containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }],
    }),
  ];
  // what the Trace screen needs: a client pod, the Services and the nodes' addresses
  const web = podJson({
    name: 'web-1',
    namespace: 'default',
    node: 'worker-1',
    ip: '10.244.1.5',
    labels: { app: 'web' },
  });
  const services = [
    serviceJson({
      name: 'kube-dns',
      namespace: 'kube-system',
      clusterIP: '10.96.0.10',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
    }),
    serviceJson({
      name: 'web',
      namespace: 'default',
      clusterIP: '10.96.0.99',
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    }),
  ];
  const nodes = [
    nodeJson({ name: 'worker-1', internalIP: '192.168.56.11', podCIDR: '10.244.1.0/24' }),
    nodeJson({ name: 'worker-2', internalIP: '192.168.56.12', podCIDR: '10.244.2.0/24' }),
  ];
  const flannelCfg = configMapJson({
    name: 'kube-flannel-cfg',
    namespace: 'kube-flannel',
    data: { 'net-conf.json': '{\n  "Network": "10.244.0.0/16",\n  "Backend": {\n    "Type": "vxlan"\n  }\n}\n' },
  });
  const w1 = rawBundle({
    id: W1,
    node: 'worker-1',
    createdAt: '2025-01-15T10:00:00Z',
    files: {
      'cluster/configmaps/kube-system/coredns.json': configMapJson({ name: 'coredns', data: { Corefile: COREFILE } }),
      'cluster/deployments.json': kubeList([
        deploymentJson({
          name: 'coredns',
          namespace: 'kube-system',
          labels: { 'k8s-app': 'kube-dns' },
          replicas: 2,
          ready: 0,
        }),
      ]),
      'cluster/configmaps/kube-flannel/kube-flannel-cfg.json': flannelCfg,
      'cluster/nodes.json': kubeList(nodes),
      'cluster/pods.json': kubeList([...corednsPods, web]),
      'cluster/services.json': kubeList(services),
      'cluster/endpoints.json': kubeList([
        endpointsJson({
          name: 'kube-dns',
          namespace: 'kube-system',
          notReady: [
            { ip: '10.244.1.2', node: 'worker-1', pod: 'coredns-668d6bf9bc-m9wgw' },
            { ip: '10.244.2.3', node: 'worker-2', pod: 'coredns-668d6bf9bc-x7k2p' },
          ],
          ports: [{ port: 53, name: 'dns', protocol: 'UDP' }],
        }),
      ]),
      'cluster/logs/kube-system/coredns-668d6bf9bc-m9wgw/coredns.log': COREDNS_LOG,
      'host/iptables-save.txt': IPTABLES_SAVE_NO_MASQ,
      'host/ip-addr.json': IP_ADDR_JSON,
      'host/ip-route.json': IP_ROUTE_JSON,
      'host/sysctl.txt': SYSCTL,
    },
  });
  const w2 = rawBundle({
    id: W2,
    node: 'worker-2',
    createdAt: '2025-01-15T10:01:00Z',
    files: { 'host/iptables-save.txt': IPTABLES_SAVE_HEALTHY, 'host/sysctl.txt': SYSCTL },
    extraSources: [
      sourceRecord('host/conntrack-stats.txt', {
        status: 'absent',
        exitCode: 127,
        bytes: 0,
        stderrTail: 'conntrack: not found',
      }),
    ],
  });
  return snapshotOf(w1, w2);
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

interface Spec {
  ruleId: string;
  status: Status;
  severity: Severity;
  layer: Layer;
  subject: Subject;
  message: string;
  evidence?: (EvidenceRef | undefined)[];
  commands?: string[];
  explanation?: string;
  missing?: string[];
  data?: Record<string, string>;
}

const finding = (s: Spec): Finding => ({
  ruleId: s.ruleId,
  status: s.status,
  severity: s.severity,
  layer: s.layer,
  subject: s.subject,
  messageId: s.status,
  message: s.message,
  evidence: (s.evidence ?? []).filter((e): e is EvidenceRef => e !== undefined),
  basis: (s.evidence ?? [])
    .filter((e): e is EvidenceRef => e !== undefined)
    .map((e) => ({ bundle: e.bundle, path: e.path })),
  ...(s.explanation || s.commands
    ? { remediation: { explanation: s.explanation ?? '', commands: s.commands ?? [] } }
    : {}),
  ...(s.missing ? { missing: s.missing } : {}),
  ...(s.data ? { data: s.data } : {}),
});

export const DEMO_RULES: readonly RuleDoc[] = [
  {
    id: 'DNS-402',
    title: 'CoreDNS forwards to an upstream that cannot work',
    docs: {
      why: 'CoreDNS sends every name outside cluster.local to its forward upstreams. A multicast, loopback or unreachable upstream makes those queries time out; the health and ready plugins then fail, the pods go NotReady and leave the kube-dns endpoints.',
      fix: 'Correct the forward line in the coredns ConfigMap; the reload plugin picks it up within about 30 s, or restart the Deployment.',
    },
  },
  {
    id: 'SYS-104',
    title: 'No MASQUERADE for pod egress',
    docs: {
      why: 'Without SNAT for the pod CIDR, packets from pods leave the node with a pod source address that the rest of the network cannot route back.',
      fix: 'Restart flannel on the node so it re-creates FLANNEL-POSTRTG, or add the rule by hand.',
    },
  },
];

export interface Demo extends TuiLoadResult {
  /** finding index by `ruleId subjectKey`-ish short names used in tests */
  readonly at: Readonly<Record<string, number>>;
}

export function demoLoadResult(): Demo {
  const snapshot = buildSnapshot();
  const files = snapshot.files;
  const corefileRef = { bundle: W1, path: 'cluster/configmaps/kube-system/coredns.json', pointer: '/data/Corefile' };
  const logRef = { bundle: W1, path: 'cluster/logs/kube-system/coredns-668d6bf9bc-m9wgw/coredns.log' };
  const w1Ipt = { bundle: W1, path: 'host/iptables-save.txt' };
  const w2Ipt = { bundle: W2, path: 'host/iptables-save.txt' };
  const postrtg = lineOf(IPTABLES_SAVE_NO_MASQ, '-A POSTROUTING -m comment --comment "flanneld masq"');
  const lastReturn = lineOf(IPTABLES_SAVE_NO_MASQ, '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.1.0/24');
  const masqW2 = lineOf(IPTABLES_SAVE_HEALTHY, '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4');
  const deployment = snapshot.cluster.deployments?.[0];
  const endpoints = snapshot.cluster.endpoints?.[0];
  const pod0 = snapshot.cluster.pods?.[0];
  const list: Finding[] = [
    finding({
      ruleId: 'DNS-402',
      status: 'fail',
      severity: 'critical',
      layer: 'dns',
      subject: { kind: 'configmap', namespace: 'kube-system', name: 'coredns' },
      message: 'forward upstream 233.5.5.5 is multicast; did you mean 223.5.5.5?',
      data: { upstream: '233.5.5.5', suggestion: '223.5.5.5' },
      evidence: [
        embeddedLineEvidence(
          COREFILE,
          corefileRef,
          lineOf(COREFILE, 'forward . 233.5.5.5'),
          lineOf(COREFILE, 'forward . 233.5.5.5'),
          'the forward upstream',
        ),
        lineEvidence(files, logRef, 2, 3, 'queries to 233.5.5.5 time out'),
      ],
      explanation: '233.5.5.5 is in 224.0.0.0/4 (multicast): no DNS server answers there.',
      commands: [
        "kubectl -n kube-system get configmap coredns -o yaml | sed 's/forward . 233.5.5.5/forward . 223.5.5.5/' | kubectl apply -f -",
        'kubectl -n kube-system rollout restart deployment coredns',
      ],
    }),
    finding({
      ruleId: 'DNS-401',
      status: 'fail',
      severity: 'critical',
      layer: 'dns',
      subject: { kind: 'deployment', namespace: 'kube-system', name: 'coredns' },
      message: 'CoreDNS has 0 of 2 pods Ready',
      evidence: [
        deployment && objectEvidence(deployment, '/status', 'readyReplicas 0'),
        pod0 && objectEvidence(pod0, '/status/conditions/2', 'Ready False'),
      ],
      explanation: 'Pods that are not Ready are removed from the kube-dns endpoints.',
      commands: [
        'kubectl -n kube-system describe pods -l k8s-app=kube-dns',
        'kubectl -n kube-system logs -l k8s-app=kube-dns --tail=50',
      ],
    }),
    finding({
      ruleId: 'DNS-406',
      status: 'fail',
      severity: 'critical',
      layer: 'dns',
      subject: { kind: 'service', namespace: 'kube-system', name: 'kube-dns' },
      message: 'kube-dns has no ready endpoints (2 not ready)',
      evidence: [endpoints && objectEvidence(endpoints, '/subsets/0/notReadyAddresses', '2 addresses not ready')],
      commands: ['kubectl -n kube-system get endpoints kube-dns -o wide'],
    }),
    finding({
      ruleId: 'SYS-104',
      status: 'fail',
      severity: 'critical',
      layer: 'system',
      subject: { kind: 'node', name: 'worker-1' },
      message: 'no MASQUERADE for pod CIDR 10.244.0.0/16 in nat POSTROUTING',
      evidence: [
        lineEvidence(files, w1Ipt, postrtg, postrtg, 'POSTROUTING jumps to FLANNEL-POSTRTG'),
        lineEvidence(files, w1Ipt, lastReturn - 3, lastReturn, 'FLANNEL-POSTRTG has only RETURN rules'),
      ],
      commands: [
        'kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=worker-1',
        'iptables -t nat -A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
      ],
    }),
    finding({
      ruleId: 'SYS-108',
      status: 'warn',
      severity: 'warning',
      layer: 'system',
      subject: { kind: 'node', name: 'worker-1' },
      message: 'MASQUERADE for the pod CIDR is present on worker-2 but not on worker-1',
      evidence: [lineEvidence(files, w2Ipt, masqW2, masqW2, 'worker-2 has it')],
    }),
    finding({
      ruleId: 'SYS-101',
      status: 'pass',
      severity: 'critical',
      layer: 'system',
      subject: { kind: 'node', name: 'worker-1' },
      message: 'net.ipv4.ip_forward = 1',
      evidence: [lineEvidence(files, { bundle: W1, path: 'host/sysctl.txt' }, 1)],
    }),
    finding({
      ruleId: 'SYS-101',
      status: 'pass',
      severity: 'critical',
      layer: 'system',
      subject: { kind: 'node', name: 'worker-2' },
      message: 'net.ipv4.ip_forward = 1',
      evidence: [lineEvidence(files, { bundle: W2, path: 'host/sysctl.txt' }, 1)],
    }),
    finding({
      ruleId: 'SYS-106',
      status: 'unknown',
      severity: 'warning',
      layer: 'system',
      subject: { kind: 'node', name: 'worker-2' },
      message: 'conntrack usage unknown: host.conntrack-stats was not collected',
      missing: ['host.conntrack-stats'],
    }),
    finding({
      ruleId: 'BND-901',
      status: 'warn',
      severity: 'info',
      layer: 'bundle',
      subject: { kind: 'bundle', name: W2 },
      message: 'source host.conntrack-stats absent (conntrack: not found); leaves SYS-106 unknown',
    }),
    finding({
      ruleId: 'NET-205',
      status: 'pass',
      severity: 'critical',
      layer: 'network',
      subject: { kind: 'node', name: 'worker-2' },
      message: 'flannel.1 is up with routes to every peer subnet',
    }),
    finding({
      ruleId: 'SVC-301',
      status: 'pass',
      severity: 'critical',
      layer: 'service',
      subject: { kind: 'node', name: 'worker-1' },
      message: 'kube-proxy is running on worker-1',
    }),
    finding({
      ruleId: 'DNS-405',
      status: 'pass',
      severity: 'warning',
      layer: 'dns',
      subject: { kind: 'node', name: 'worker-1' },
      message: 'kubelet clusterDNS 10.96.0.10 is the kube-dns ClusterIP',
    }),
  ];
  const [dns402, dns401, dns406, sys104, sys108] = list as [Finding, Finding, Finding, Finding, Finding];
  const chain = (f: Finding, ...explains: Chain[]): Chain => ({ finding: f, explains });
  const roots: Chain[] = [chain(sys104, chain(sys108)), chain(dns402, chain(dns401, chain(dns406)))];
  const explainedBy = new Map<number, number[]>([
    [1, [0]],
    [2, [1]],
    [4, [3]],
  ]);
  const analysis: Analysis = { findings: list, roots, explainedBy };
  // the caller's part: the analyze command injects the same tracer over its snapshot
  const trace = (req: TraceRequest) => traceFromSnapshot(snapshot, req);
  return {
    snapshot,
    analysis,
    rules: DEMO_RULES,
    trace,
    at: { 'DNS-402': 0, 'DNS-401': 1, 'DNS-406': 2, 'SYS-104': 3, 'SYS-108': 4, 'SYS-106': 7, 'BND-901': 8 },
  };
}
