// NET-207: every node's pod subnet must be its own and lie inside the range the subnets are
// allocated from. Two nodes with overlapping subnets (a podCIDR patched by hand, two clusters'
// nodes merged, flannel etcd leases copied between machines) hand out the same pod addresses twice:
// each node routes the other's pods to itself, so traffic between them goes nowhere. A node subnet
// outside kube-controller-manager's --cluster-cidr (kubeadm podSubnet) was set by hand and is not
// routed or masqueraded as pod traffic. (flannel's own Network is NET-202's business.)
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import type { FileRef, Snapshot } from '../../model/types.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { cidrContains, cidrOverlaps, lineAt, PEER_EXPLAINS, parseCidr, seenEvidence } from '../lib/host.js';
import { redactedReport, unparsed } from '../lib/evidence-limits.js';
import { cmd, remedy, word } from '../../text/shell.js';

interface NodeSubnet {
  readonly node: string;
  readonly cidr: string;
  readonly file: FileRef;
  readonly ev: EvidenceRef | undefined;
  /** creation time of the Node object, when known: the newer of two overlapping nodes is the odd one */
  readonly created?: string;
}

/** each node's IPv4 subnet: spec.podCIDRs (else spec.podCIDR), else FLANNEL_SUBNET of its own bundle */
function nodeSubnets(s: Snapshot): NodeSubnet[] {
  const out: NodeSubnet[] = [];
  const listed = new Set<string>();
  for (const n of s.cluster.nodes ?? []) {
    const name = n.obj.metadata.name;
    const specCidrs = (n.obj.spec?.['podCIDRs'] as unknown[] | undefined) ?? [];
    const cidrs = specCidrs.length ? specCidrs : n.obj.spec?.podCIDR ? [n.obj.spec.podCIDR] : [];
    cidrs.forEach((c, i) => {
      const p = typeof c === 'string' ? parseCidr(c) : undefined;
      if (!p || p.addr.kind() !== 'ipv4') return;
      listed.add(name);
      const pointer = specCidrs.length ? `/spec/podCIDRs/${i}` : '/spec/podCIDR';
      out.push({
        node: name,
        cidr: p.text,
        file: n.ref,
        ev: objectEvidence(n, pointer, `${name}'s pod subnet`),
        ...(n.obj.metadata.creationTimestamp ? { created: String(n.obj.metadata.creationTimestamp) } : {}),
      });
    });
  }
  for (const h of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    if (listed.has(h.node)) continue;
    const v = h.subnetEnv?.value.vars.get('FLANNEL_SUBNET');
    const p = v ? parseCidr(v.value) : undefined;
    if (!h.subnetEnv || !v || !p) continue;
    out.push({
      node: h.node,
      cidr: p.text,
      file: h.subnetEnv.ref,
      ev: lineAt(s, h.subnetEnv.ref, v.line, `${h.node}'s flannel lease`),
    });
  }
  return out.sort((a, b) => a.node.localeCompare(b.node) || a.cidr.localeCompare(b.cidr));
}

/** the range node subnets are allocated from (kubeadm podSubnet, controller-manager --cluster-cidr) */
function allocatorRange(s: Snapshot) {
  const kubeadm = s.derived.podCidr.kubeadm;
  if (kubeadm && parseCidr(kubeadm.value)) return kubeadm;
  return s.derived.podNetworks.find((p) => /kubeadm|controller-manager|cluster-cidr/.test(p.by) && parseCidr(p.value));
}

/** of two overlapping subnets, the odd one: the wider (it swallows the other), else the newer node */
function oddOne(a: NodeSubnet, b: NodeSubnet): NodeSubnet {
  const pa = Number(a.cidr.split('/')[1]);
  const pb = Number(b.cidr.split('/')[1]);
  if (pa !== pb) return pa < pb ? a : b;
  if (a.created && b.created && a.created !== b.created) return a.created > b.created ? a : b;
  return a.node > b.node ? a : b;
}

const remediation = (node: string, range: string) =>
  remedy(
    `Give ${node} a subnet of its own inside ${range}: drain it, delete the Node object and re-join it so kube-controller-manager allocates one, or patch spec.podCIDR on a node that has never run pods; then restart its CNI pod.`,
    [
      'kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR,CIDRS:.spec.podCIDRs',
      cmd`kubectl drain ${word('node', node)} --ignore-daemonsets --delete-emptydir-data`,
      cmd`kubectl delete node ${word('node', node)}  # then re-join it (kubeadm join / restart the agent)`,
    ],
  );

export const nodePodCidrsOverlap: Rule = {
  id: 'NET-207',
  slug: 'node-pod-cidrs-overlap',
  layer: 'network',
  severity: 'critical',
  title: 'Node pod subnets overlap or lie outside the cluster CIDR',
  needs: ['cluster.nodes', 'host.flannel-subnet-env', 'cluster.configmap.kube-system.kubeadm-config'],
  decidesFrom: [
    ['cluster.nodes'],
    ['host.flannel-subnet-env'],
    ['cluster.nodes', 'cluster.configmap.kube-system.kubeadm-config'],
  ],
  docs: {
    why: "Each node hands out pod addresses from its own subnet and every other node routes that subnet to it. When two nodes' subnets overlap, the same pod address can exist twice and each node sends the shared range to itself or to the wrong peer: pods on the two nodes cannot reach each other. A node subnet outside the cluster CIDR was set by hand; kube-proxy and the CNI do not treat it as pod traffic.",
    fix: 'Give each node a distinct subnet from the cluster CIDR: let kube-controller-manager allocate it (--allocate-node-cidrs=true --cluster-cidr) by deleting and re-joining the node, rather than patching spec.podCIDR by hand.',
  },
  messages: {
    overlap: 'node {node} subnet {cidr} overlaps {other} subnet {otherCidr}',
    outside: 'node {node} subnet {cidr} is outside the cluster CIDR {range}',
    distinct: '{count} node subnets are distinct and inside {range}',
  },
  explains: [...PEER_EXPLAINS, { rule: 'NET-205', match: 'cluster' }],
  run(s) {
    const subnets = nodeSubnets(s);
    const range = allocatorRange(s);
    // a podCIDR a redactor hid (`***HIDDEN***/24`) may overlap any other: no "distinct" while one is hidden
    const hidden = (s.cluster.nodes ?? []).find(
      (n) =>
        n.obj.spec?.podCIDR !== undefined &&
        n.obj.spec.podCIDR !== null &&
        unparsed(String(n.obj.spec.podCIDR), 'cidr') !== undefined,
    );
    const hiddenReport = (): Report =>
      redactedReport(
        CLUSTER,
        `node ${hidden!.obj.metadata.name} spec.podCIDR`,
        String(hidden!.obj.spec?.podCIDR),
        [objectEvidence(hidden!, '/spec/podCIDR', 'not a CIDR')],
        ['cluster.nodes'],
      );
    if (subnets.length === 0) return [hidden ? hiddenReport() : missingInputs(CLUSTER, ['cluster.nodes'])];
    // one subnet and no cluster CIDR: nothing to overlap with, nothing to lie outside of
    if (subnets.length === 1 && !range) return [missingInputs(CLUSTER, ['fact:pod-network'])];
    const out: Report[] = [];
    const flagged = new Set<string>();
    // sorted by start address, each subnet only meets its neighbours: one pass, not all pairs (5,000 nodes)
    const key = (x: NodeSubnet) =>
      [...parseCidr(x.cidr)!.addr.toByteArray()].map((b) => b.toString().padStart(3, '0')).join('.');
    // each subnet's key made once, when the sort first compares it (not twice per comparison)
    const keys = new Map<NodeSubnet, string>();
    const keyOf = (x: NodeSubnet): string => {
      let k = keys.get(x);
      if (k === undefined) keys.set(x, (k = key(x)));
      return k;
    };
    const byStart = [...subnets].sort(
      (a, b) => keyOf(a).localeCompare(keyOf(b)) || Number(a.cidr.split('/')[1]) - Number(b.cidr.split('/')[1]),
    );
    let widest: NodeSubnet | undefined;
    for (const cur of byStart) {
      if (widest && widest.node !== cur.node && cidrOverlaps(widest.cidr, cur.cidr)) {
        const odd = oddOne(widest, cur);
        const other = odd === widest ? cur : widest;
        if (!flagged.has(odd.node)) {
          flagged.add(odd.node);
          out.push({
            status: 'fail',
            subject: nodeSubject(odd.node),
            messageId: 'overlap',
            data: { node: odd.node, cidr: odd.cidr, other: other.node, otherCidr: other.cidr },
            evidence: [odd.ev, other.ev].filter((e): e is EvidenceRef => e !== undefined),
            remediation: remediation(odd.node, range?.value ?? 'the cluster CIDR'),
          });
        }
      }
      if (!widest || !cidrOverlaps(widest.cidr, cur.cidr) || cidrContains(cur.cidr, widest.cidr)) widest = cur;
    }
    if (range) {
      const rangeCidr = parseCidr(range.value)!;
      for (const n of subnets) {
        if (flagged.has(n.node) || cidrContains(rangeCidr, n.cidr)) continue;
        flagged.add(n.node);
        const subject: Subject = nodeSubject(n.node);
        out.push({
          status: 'fail',
          subject,
          messageId: 'outside',
          data: { node: n.node, cidr: n.cidr, range: rangeCidr.text },
          evidence: [n.ev, seenEvidence(s, range, 'the cluster CIDR')].filter((e): e is EvidenceRef => e !== undefined),
          remediation: remediation(n.node, rangeCidr.text),
        });
      }
    }
    if (out.length) return out;
    if (hidden) return [hiddenReport()];
    return [
      {
        status: 'pass',
        subject: CLUSTER,
        messageId: 'distinct',
        data: { count: subnets.length, range: range?.value ?? 'no known cluster CIDR' },
        basis: basisOf(
          ...subnets.map((n) => n.file),
          ...(range ? [{ bundle: range.at.bundle, path: range.at.path }] : []),
        ),
      },
    ];
  },
};
