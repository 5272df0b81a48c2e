// SVC-306: kube-proxy's clusterCIDR tells it which sources are pods. In iptables and IPVS mode it
// masquerades Service traffic from anything else (`! -s <clusterCIDR> -j KUBE-MARK-MASQ`). Both
// faults are warnings, not failures, on a flannel cluster:
//  - unset: kube-proxy marks nothing by source, so traffic from outside the pod network to a
//    ClusterIP is not masqueraded by kube-proxy; flannel's FLANNEL-POSTRTG still masquerades
//    off-pod-network sources heading to pods, so node-to-Service traffic works; what is lost is an
//    off-cluster client routed to a ClusterIP (replies come from the pod, not the VIP);
//  - not covering the pods' addresses: pods outside it are masqueraded when they call a Service,
//    which works but hides the client address (NetworkPolicies and logs see the node).
// The pods' addresses are the nodes' podCIDRs (flannel leases them from spec.podCIDR), not
// flannel's Network: when the two disagree NET-202 says so, and kube-proxy is not the one wrong.
import type { EvidenceRef, Report, Rule, Subject } from '../types.js';
import { CLUSTER, missingInputs } from '../lib/reports.js';
import { cidrContains, jsonEvidence, lineAt, parseCidr, present, seenEvidence } from '../lib/host.js';
import { proxyDeployment } from './kube-proxy-facts.js';
import { distroClusterCidr, hitEvidence, proxyFlag, proxyLogs, searchProxyLogs } from './kube-proxy-logs.js';
import type { FileRef, Seen, Snapshot } from '../../model/types.js';
import { objectEvidence } from '../../model/evidence.js';
import { sourceIdForPath } from '../../model/source-ids.js';
import { redactedReport, unparsed } from '../lib/evidence-limits.js';

/**
 * Where pods get their addresses: every node's spec.podCIDR; without node data, kubeadm's
 * podSubnet, then flannel's Network. `network` names the whole range for the fix.
 */
function podAddresses(s: Snapshot): { ranges: Seen<string>[]; network: string } | undefined {
  const nodes = s.derived.podCidr.nodes.filter((n) => parseCidr(n.value) !== undefined);
  const whole = [
    s.derived.podCidr.kubeadm,
    s.derived.podCidr.flannel,
    ...s.derived.podNetworks.filter((p) => p.by !== 'kube-proxy'),
  ].find((x) => x !== undefined && parseCidr(x.value) !== undefined);
  const ranges = nodes.length > 0 ? nodes : whole ? [whole] : [];
  if (ranges.length === 0) return undefined;
  const network =
    whole && ranges.every((r) => cidrContains(whole.value, r.value))
      ? (parseCidr(whole.value)?.text as string)
      : (parseCidr(ranges[0]!.value)?.text as string);
  return { ranges, network };
}

const SUBJECT: Subject = { kind: 'configmap', namespace: 'kube-system', name: 'kube-proxy' };

// ≤1.20: "clusterCIDR not specified, unable to distinguish between internal and external traffic"
// 1.21+: "Detect-local-mode set to ClusterCIDR, but no cluster CIDR defined" (the IPv6 twin on an
// IPv4-only cluster is normal and does not count)
// (1.21 printed it with a lower-case "detect-local-mode")
const UNSET_LOG =
  /clusterCIDR not specified, unable to distinguish between internal and external traffic|[Dd]etect-local-mode set to ClusterCIDR, but no (?:IPv4 )?cluster CIDR (?:defined|specified)/;

interface CidrSource {
  /** "" when kube-proxy runs without one */
  readonly value: string;
  readonly by: string;
  readonly subject: Subject;
  readonly evidence?: EvidenceRef;
  readonly ref: FileRef;
}

/** kube-proxy's clusterCIDR from what states it: its ConfigMap, its own start-up log, its flags, k3s/RKE2 */
function clusterCidrOf(s: Snapshot): CidrSource | undefined {
  const kp = s.cluster.kubeProxyConfig;
  if (kp) {
    const line = kp.value.lines.get('clusterCIDR');
    const at =
      line !== undefined
        ? lineAt(s, kp.ref, line, 'kube-proxy clusterCIDR')
        : kp.ref.pointer
          ? jsonEvidence(s, kp.ref, kp.ref.pointer, 'kube-proxy config.conf (no clusterCIDR)')
          : undefined;
    return {
      value: kp.value.clusterCIDR?.trim() ?? '',
      by: 'kube-proxy ConfigMap',
      subject: SUBJECT,
      evidence: at,
      ref: { bundle: kp.ref.bundle, path: kp.ref.path },
    };
  }
  const unset = searchProxyLogs(proxyLogs(s), UNSET_LOG)[0];
  if (unset)
    return {
      value: '',
      by: 'kube-proxy log',
      subject: CLUSTER,
      evidence: hitEvidence(unset, 'kube-proxy says it has no clusterCIDR'),
      ref: { bundle: unset.log.log.ref.bundle, path: unset.log.log.ref.path },
    };
  const flag = proxyFlag(s, 'cluster-cidr') ?? distroClusterCidr(s);
  if (flag) return { value: flag.value, by: flag.by, subject: CLUSTER, evidence: flag.evidence, ref: flag.ref };
  const d = proxyDeployment(s);
  // k3s starts its embedded kube-proxy with its own --cluster-cidr (default 10.42.0.0/16)
  if (d?.style === 'embedded' && /k3s|rke2/.test(d.by) && d.basis[0])
    return {
      value: '10.42.0.0/16',
      by: `${d.by} default --cluster-cidr`,
      subject: CLUSTER,
      evidence: d.evidence,
      ref: d.basis[0],
    };
  return undefined;
}

export const kubeProxyClusterCidrWrong: Rule = {
  id: 'SVC-306',
  slug: 'kube-proxy-cluster-cidr-wrong',
  layer: 'service',
  severity: 'warning',
  title: 'kube-proxy clusterCIDR unset or not the pod network',
  needs: ['cluster.configmap.kube-system.kube-proxy', 'cluster.nodes'],
  decidesFrom: [
    ['cluster.configmap.kube-system.kube-proxy', 'cluster.nodes'],
    ['cluster.configmap.kube-system.kube-proxy', 'fact:pod-network'],
    ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
    ['host.journal.<kube-proxy unit>'],
    ['host.rke2-static-pod.*', 'cluster.nodes'],
    ['host.snap-kube-proxy-args', 'cluster.nodes'],
    ['host.k3s-config', 'cluster.nodes'],
  ],
  docs: {
    why: "kube-proxy decides whether Service traffic needs masquerading by its source: from the pod network (clusterCIDR) it does not, from anywhere else it does. kubeadm fills clusterCIDR from --pod-network-cidr; k3s and RKE2 pass their own --cluster-cidr. Left empty, kube-proxy masquerades nothing by source: on flannel, node-to-Service traffic still works (flannel masquerades sources outside the pod network on their way to pods), but a client outside the cluster routed to a ClusterIP gets replies from the pod address and drops them. Set to a range that misses some nodes' podCIDRs, it masquerades those pods' Service traffic, hiding the client address from NetworkPolicies and logs. Both degrade rather than break, so they are warnings.",
    fix: 'Set clusterCIDR in the kube-proxy ConfigMap (config.conf) to the pod network and restart the kube-proxy DaemonSet (static pod, snap: set --cluster-cidr in its manifest or args file).',
  },
  messages: {
    unset: 'kube-proxy clusterCIDR is not set (the pod network is {network})',
    unsetSaid: 'kube-proxy runs without a clusterCIDR ({by})',
    wrong: 'kube-proxy clusterCIDR {clusterCIDR} does not contain {outside} (pod addresses of {where})',
    matches: 'kube-proxy clusterCIDR {clusterCIDR} covers the pod network ({by})',
    notUsed: 'the cluster does not run kube-proxy ({by})',
  },
  run(s) {
    const d = proxyDeployment(s);
    if (d?.style === 'absent')
      return [{ status: 'pass', subject: SUBJECT, messageId: 'notUsed', data: { by: d.by }, basis: d.basis }];
    const src = clusterCidrOf(s);
    if (!src)
      return [
        missingInputs(SUBJECT, [
          'cluster.configmap.kube-system.kube-proxy',
          'cluster.log.kube-system.<kube-proxy pod>.kube-proxy',
        ]),
      ];
    const pods = podAddresses(s);
    const network = pods?.network;
    const remediation = {
      explanation: `Set clusterCIDR${network ? `: ${network}` : ' to the pod network'} in kube-proxy's config (or --cluster-cidr) and restart kube-proxy everywhere.`,
      commands: [
        'kubectl -n kube-system edit configmap kube-proxy',
        'kubectl -n kube-system rollout restart daemonset kube-proxy',
      ],
    };
    const cc = src.value;
    if (cc === '') {
      if (!network || !pods)
        return [
          {
            status: 'warn',
            subject: src.subject,
            messageId: 'unsetSaid',
            data: { by: src.by },
            evidence: present(src.evidence),
            remediation,
          },
        ];
      const shown = pods.ranges[0];
      return [
        {
          status: 'warn',
          subject: src.subject,
          messageId: 'unset',
          data: { network },
          evidence: present(src.evidence, shown && seenEvidence(s, shown, 'where pods get their addresses')),
          remediation,
        },
      ] satisfies Report[];
    }
    if (!pods)
      return [
        missingInputs(src.subject, [
          'cluster.nodes',
          'cluster.configmap.kube-system.kubeadm-config',
          'cluster.configmap.kube-flannel.kube-flannel-cfg',
        ]),
      ];
    // a redactor's `***HIDDEN***/16` is no range: neither a mismatch nor a match
    const unreadable = cc
      .split(',')
      .map((c) => c.trim())
      .find((c) => c !== '' && unparsed(c, 'cidr') !== undefined);
    if (unreadable !== undefined)
      return [
        redactedReport(src.subject, `kube-proxy clusterCIDR (${src.by})`, unreadable, present(src.evidence), [
          sourceIdForPath(src.ref.path),
        ]),
      ];
    const ours = cc
      .split(',')
      .map((c) => c.trim())
      .filter((c) => parseCidr(c) !== undefined);
    const outside = pods.ranges.filter((r) => !ours.some((c) => cidrContains(c, r.value)));
    const hidden = (s.cluster.nodes ?? []).find(
      (n) => typeof n.obj.spec?.podCIDR === 'string' && unparsed(n.obj.spec.podCIDR, 'cidr') !== undefined,
    );
    if (outside.length === 0 && hidden)
      return [
        redactedReport(
          src.subject,
          `node ${hidden.obj.metadata.name} spec.podCIDR`,
          String(hidden.obj.spec?.podCIDR),
          [objectEvidence(hidden, '/spec/podCIDR', 'not a CIDR')],
          ['cluster.nodes'],
        ),
      ];
    if (outside.length === 0)
      return [
        {
          status: 'pass',
          subject: src.subject,
          messageId: 'matches',
          data: { clusterCIDR: cc, by: src.by },
          basis: [src.ref, ...pods.ranges.slice(0, 1).map((r) => ({ bundle: r.at.bundle, path: r.at.path }))],
        },
      ];
    const first = outside[0] as Seen<string>;
    return [
      {
        status: 'warn',
        subject: src.subject,
        messageId: 'wrong',
        data: {
          clusterCIDR: cc,
          network: pods.network,
          outside:
            outside
              .slice(0, 3)
              .map((r) => r.value)
              .join(', ') + (outside.length > 3 ? ` and ${outside.length - 3} more` : ''),
          where: first.by,
        },
        evidence: present(src.evidence, seenEvidence(s, first, 'pod addresses outside clusterCIDR')),
        remediation,
      },
    ];
  },
};
