// SVC-307 (info): in iptables mode a ClusterIP never answers ping: kube-proxy only DNATs the
// Service's ports, and no interface holds the address. In IPVS mode the VIP sits on kube-ipvs0 and
// the node answers ICMP for it. So "cannot ping the Service IP" is evidence of nothing in iptables
// mode; the report says which case the cluster is in. The mode comes from what kube-proxy logged
// it started, its config or flags, or the default of an embedding distribution (k3s: iptables).
import type { Rule } from '../types.js';
import { CLUSTER, missingInputs } from '../lib/reports.js';
import { present, seenEvidence } from '../lib/host.js';
import { proxyDeployment } from './kube-proxy-facts.js';
import { effectiveMode } from './kube-proxy-logs.js';

export const clusterIpPingSemantics: Rule = {
  id: 'SVC-307',
  slug: 'cluster-ip-ping-semantics',
  layer: 'service',
  severity: 'info',
  infoOnly: true,
  title: 'Whether a ClusterIP answers ping in this cluster',
  needs: ['cluster.configmap.kube-system.kube-proxy'],
  decidesFrom: [
    ['cluster.configmap.kube-system.kube-proxy'],
    ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
    ['host.journal.<kube-proxy unit>'],
    ['host.rke2-static-pod.*'],
    ['host.snap-kube-proxy-args'],
    ['host.k3s-config'],
    ['fact:components'],
    ['cluster.pods', 'cluster.daemonsets'],
  ],
  docs: {
    why: "A common test is `ping <service IP>` or `ping kubernetes.default`. In iptables mode (the default) that always fails, on a healthy cluster too: only TCP/UDP/SCTP to the Service's ports is DNATed and nothing owns the ClusterIP. In IPVS mode kube-proxy binds every ClusterIP to the dummy interface kube-ipvs0, so ping does answer (from the node, whether or not any backend works).",
    fix: 'Test a Service with its protocol and port instead: `nslookup kubernetes.default` for DNS, `curl -v http://<service>:<port>` or `nc -vz <ClusterIP> <port>`.',
  },
  messages: {
    iptables:
      'kube-proxy runs in {mode} mode ({by}): a ClusterIP never answers ping, so a failed ping is not evidence of a fault; test the Service port instead',
    ipvs: 'kube-proxy runs in IPVS mode ({by}): ClusterIPs sit on kube-ipvs0 and answer ping even when no backend works; test the Service port instead',
    notUsed: 'the cluster does not run kube-proxy ({by})',
  },
  run(s) {
    const d = proxyDeployment(s);
    if (d?.style === 'absent')
      return [
        {
          status: 'pass',
          subject: CLUSTER,
          messageId: 'notUsed',
          severity: 'info',
          data: { by: d.by },
          basis: d.basis,
        },
      ];
    const mode = effectiveMode(s);
    const derived = s.derived.kubeProxyMode;
    if (!mode && !derived)
      return [
        missingInputs(CLUSTER, [
          'cluster.configmap.kube-system.kube-proxy',
          'cluster.log.kube-system.<kube-proxy pod>.kube-proxy',
        ]),
      ];
    const value = mode?.value ?? derived?.value ?? 'iptables';
    const ipvs = value === 'ipvs';
    const evidence = present(
      mode?.evidence ?? (derived ? seenEvidence(s, derived, `kube-proxy mode (${derived.by})`) : undefined),
    );
    return [
      {
        status: 'pass',
        severity: 'info',
        subject: CLUSTER,
        messageId: ipvs ? 'ipvs' : 'iptables',
        data: { mode: value || 'iptables', by: mode?.by ?? derived?.by ?? '' },
        evidence,
        basis: mode ? [mode.ref] : derived ? [{ bundle: derived.at.bundle, path: derived.at.path }] : [],
      },
    ];
  },
};
