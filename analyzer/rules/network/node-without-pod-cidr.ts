// NET-203: flannel (kube subnet manager) takes each node's subnet from spec.podCIDR. A node that
// never got one (kube-controller-manager without --allocate-node-cidrs, or a cluster CIDR that ran
// out of /24s) makes flanneld fail with "pod cidr not assigned" and pods there never start.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { Snapshot } from '../../model/types.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, CLUSTER, missingInputs, nodeSubject } from '../lib/reports.js';
import { lineAt, PEER_EXPLAINS, podNetwork } from '../lib/host.js';
import { parseCidr } from '../../model/net.js';
import { flannelLogProblem } from '../../parse/flannel.js';
import { flannelLogs, unlessFlannel } from './flannel-presence.js';
import { redactedReport, unparsed } from '../lib/evidence-limits.js';
import { cmd, remedy, word } from '../../text/shell.js';

/** flanneld saying it: `failed to acquire lease: node "x" pod cidr not assigned` (0.7 → 0.25), last line per node */
function fromLogs(s: Snapshot): Map<string, EvidenceRef> {
  const out = new Map<string, EvidenceRef>();
  for (const { log } of flannelLogs(s)) {
    for (const l of log.value) {
      const p = flannelLogProblem(l.raw);
      if (p?.kind !== 'no-pod-cidr' || !p.node) continue;
      const ev = lineAt(s, log.ref, l.line, 'flanneld cannot lease this node a subnet');
      if (ev) out.set(p.node, ev);
    }
  }
  return out;
}

/**
 * The IPv4 node podCIDRs as sorted, merged [first, last] address ranges. Two CIDR blocks overlap
 * exactly when their ranges do, so one binary search per candidate replaces a scan of every node
 * (at 5,000 nodes in a /9 that scan was 160 million comparisons).
 */
function usedRanges(cidrs: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const text of cidrs) {
    const c = parseCidr(text);
    if (!c || c.addr.kind() !== 'ipv4') continue; // an IPv6 range never overlaps an IPv4 /24
    const [a = 0, b = 0, d = 0, e = 0] = c.addr.toByteArray();
    const first = ((a << 24) | (b << 16) | (d << 8) | e) >>> 0;
    ranges.push([first, first + 2 ** (32 - c.prefix) - 1]);
  }
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

function overlapsAny(ranges: readonly [number, number][], first: number, last: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (r[1] < first) lo = mid + 1;
    else if (r[0] > last) hi = mid - 1;
    else return true;
  }
  return false;
}

/** the first /24 of the pod network no node uses yet (a suggestion for the patch command) */
export function freeSubnet(s: Snapshot): string {
  const network = podNetwork(s)?.value ?? '10.244.0.0/16';
  const [base, prefix] = network.split('/');
  const octets = (base ?? '').split('.').map(Number);
  const used = usedRanges(s.derived.podCidr.nodes.map((n) => n.value));
  const count = 2 ** Math.max(0, 24 - Number(prefix));
  for (let i = 0; i < Math.min(count, 65536); i++) {
    const n = (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8)) + i * 256;
    const cand = `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.0/24`;
    if (!overlapsAny(used, n >>> 0, (n >>> 0) + 255)) return cand;
  }
  return '<a free /24 of the pod network>';
}

export const nodeWithoutPodCidr: Rule = {
  id: 'NET-203',
  slug: 'node-without-pod-cidr',
  layer: 'network',
  severity: 'critical',
  title: 'A node has no podCIDR',
  needs: ['cluster.nodes', 'cluster.log.<flannel ns>.<flannel pod>.kube-flannel'],
  decidesFrom: [
    ['cluster.nodes'],
    ['cluster.log.<flannel ns>.<flannel pod>.kube-flannel'],
    ['host.pod-log.<flannel ns>.<flannel pod>.kube-flannel'],
    ['host.journal.k3s'],
  ],
  docs: {
    why: 'flannel in its Kubernetes mode leases each node the subnet in spec.podCIDR, which kube-controller-manager allocates when it runs with --allocate-node-cidrs=true and --cluster-cidr (kubeadm sets both from --pod-network-cidr). A node without one makes flanneld exit with "pod cidr not assigned", so nothing on it gets a network.',
    fix: 'Start kube-controller-manager with --allocate-node-cidrs=true --cluster-cidr=<pod network> (kubeadm: networking.podSubnet), or give the node a subnet by hand with `kubectl patch node`.',
  },
  messages: {
    none: 'node {node} has no spec.podCIDR',
    has: 'node {node} has podCIDR {cidr}',
    notUsed: 'the cluster does not run flannel',
  },
  explains: [...PEER_EXPLAINS, { rule: 'NET-201', match: 'same-node' }, { rule: 'NET-204', match: 'same-node' }],
  run(s) {
    const skip = unlessFlannel(s);
    if (skip.length && skip.some((r) => r.status === 'pass')) return skip;
    const suggestion = freeSubnet(s);
    if (!s.cluster.nodes) {
      const said = fromLogs(s);
      if (said.size === 0) return [missingInputs(CLUSTER, ['cluster.nodes'])];
      return [...said].sort((a, b) => a[0].localeCompare(b[0])).map(([node, ev]) => failure(node, [ev], suggestion));
    }
    if (skip.length) return skip;
    const out: Report[] = [];
    for (const n of [...s.cluster.nodes].sort((a, b) => a.obj.metadata.name.localeCompare(b.obj.metadata.name))) {
      const node = n.obj.metadata.name;
      const cidr = n.obj.spec?.podCIDR;
      // troubleshoot's redactor leaves `***HIDDEN***/24`: something is set, but not a subnet anyone can check
      if (cidr && unparsed(cidr, 'cidr') !== undefined) {
        out.push(
          redactedReport(
            nodeSubject(node),
            `node ${node} spec.podCIDR`,
            cidr,
            [objectEvidence(n, '/spec/podCIDR', 'not a CIDR')],
            ['cluster.nodes'],
          ),
        );
        continue;
      }
      if (cidr) {
        out.push({
          status: 'pass',
          subject: nodeSubject(node),
          messageId: 'has',
          data: { node, cidr },
          basis: basisOf(n),
        });
        continue;
      }
      out.push(failure(node, [objectEvidence(n, '/spec', 'no podCIDR in the node spec')], suggestion));
    }
    return out;
  },
};

function failure(node: string, evidence: EvidenceRef[], suggestion: string): Report {
  return {
    status: 'fail',
    subject: nodeSubject(node),
    messageId: 'none',
    data: { node },
    evidence,
    remediation: remedy(
      'Let kube-controller-manager allocate node CIDRs, or assign this node a free subnet of the pod network by hand.',
      [
        "grep -E 'allocate-node-cidrs|cluster-cidr' /etc/kubernetes/manifests/kube-controller-manager.yaml",
        // the suggestion sits inside a single-quoted JSON argument: only a checked CIDR goes there
        cmd`kubectl patch node ${word('node', node)} --type merge -p '{"spec":{"podCIDR":"${word('cidr', suggestion)}","podCIDRs":["${word('cidr', suggestion)}"]}}'`,
      ],
    ),
  };
}
