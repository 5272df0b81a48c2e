// DNS-408: too few CoreDNS replicas for the cluster, or all of them on one node (multi-node
// clusters only: on one node there is nowhere else to go). One more replica per 50 nodes, at least 2.
import type { EvidenceRef, Rule } from '../types.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, clusterFile, missingInputs } from '../lib/reports.js';
import { corednsDeployment, corednsPods, podName } from '../lib/cluster.js';
import { corednsDeploymentSubject } from './corefile.js';
import { cmd, remedy, word } from '../../text/shell.js';

const subject = corednsDeploymentSubject;

export const wantedReplicas = (nodes: number): number => Math.max(2, 1 + Math.ceil(nodes / 50));

export const corednsReplicas: Rule = {
  id: 'DNS-408',
  slug: 'coredns-replicas',
  layer: 'dns',
  severity: 'warning',
  title: 'CoreDNS replicas too few for the node count, or all on one node',
  needs: ['cluster.deployments', 'cluster.nodes', 'cluster.pods'],
  docs: {
    why: 'With one replica, or all replicas on one node, a single pod or node failure takes DNS down for the whole cluster. Larger clusters also need more replicas for the query load (a common rule: at least 2, one more per 50 nodes).',
    fix: "Scale the Deployment (`kubectl -n kube-system scale deployment coredns --replicas=N`) and, when all pods sit on one node, spread them by deleting one pod so the scheduler's anti-affinity places it elsewhere.",
  },
  messages: {
    'too-few': 'CoreDNS has {replicas} replicas for {nodes} nodes; want at least {wanted}',
    'one-node': 'all {replicas} CoreDNS pods run on node {node}',
    ok: 'CoreDNS has {replicas} replicas on {spread} nodes for {nodes} nodes',
  },
  decidesFrom: [['cluster.deployments', 'cluster.nodes']],
  run(s) {
    const missing = [
      ...(s.cluster.deployments ? [] : ['cluster.deployments']),
      ...(s.cluster.nodes ? [] : ['cluster.nodes']),
    ];
    if (missing.length) return [missingInputs(subject, missing)];
    const dep = corednsDeployment(s);
    const nodes = s.cluster.nodes?.length ?? 0;
    if (!dep || nodes < 2) return [];
    const replicas = dep.obj.spec.replicas ?? 1;
    const wanted = wantedReplicas(nodes);
    const pods = corednsPods(s).filter((p) => p.obj.spec?.nodeName);
    const spread = new Set(pods.map((p) => p.obj.spec?.nodeName)).size;
    const scale = cmd`kubectl -n kube-system scale deployment coredns --replicas=${Math.max(wanted, replicas)}`.text;
    if (replicas < wanted) {
      return [
        {
          status: 'warn',
          subject,
          messageId: 'too-few',
          data: { replicas, nodes, wanted },
          evidence: [objectEvidence(dep, '/spec/replicas', 'replicas')],
          remediation: { explanation: 'Run more CoreDNS replicas.', commands: [scale] },
        },
      ];
    }
    if (pods.length >= 2 && spread === 1) {
      const node = pods[0]?.obj.spec?.nodeName ?? '';
      const evidence: EvidenceRef[] = pods
        .slice(0, 3)
        .map((p) => objectEvidence(p, '/spec/nodeName', `${podName(p)} node`));
      return [
        {
          status: 'warn',
          subject,
          messageId: 'one-node',
          data: { replicas: pods.length, node },
          evidence,
          remediation: remedy(
            `Delete one CoreDNS pod so it is rescheduled on another node (the kubeadm Deployment prefers spreading).`,
            [
              cmd`kubectl -n kube-system delete pod ${word('pod', podName(pods[0]!))}`,
              'kubectl -n kube-system get pods -l k8s-app=kube-dns -o wide',
            ],
          ),
        },
      ];
    }
    return [
      {
        status: 'pass',
        subject,
        messageId: 'ok',
        data: { replicas, nodes, spread },
        basis: basisOf(dep, s.cluster.nodes, clusterFile(s, 'cluster/pods.json')),
      },
    ];
  },
};
